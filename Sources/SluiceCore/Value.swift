/// One value of a column, for display, statistics, bookmarks and tests. Hot paths use the arrays directly.
public enum Value: Sendable, Hashable {
    case null
    case boolean(Bool)
    /// Every integer-stored type: integers, dates (days), times and timestamps (microseconds).
    case int(Int64)
    /// An exact decimal: `unscaled / 10^scale`.
    case decimal(Int128, scale: Int)
    case float(Float)
    case double(Double)
    case string(String)
    case bytes([UInt8])

    /// Reads row `row` of `column`, interpreting it as `type`.
    public init(of column: Column, type: DataType, at row: Int) {
        if column.isNull(row) {
            self = .null
            return
        }
        switch column.values {
        case .boolean(let v): self = .boolean(v[row])
        case .int32(let v): self = .int(Int64(v[row]))
        case .int64(let v): self = .int(v[row])
        case .int128(let v): self = .decimal(v[row], scale: type.decimalScale)
        case .float32(let v): self = .float(v[row])
        case .float64(let v): self = .double(v[row])
        case .bytes(let v):
            self = type == .binary ? .bytes(Array(v[row])) : .string(v.string(at: row))
        case .fixedBytes(let width, let v): self = .bytes(Array(v[row * width..<(row + 1) * width]))
        }
    }
}

extension Value {
    /// The value as text, given its column type: ISO dates and times, exact decimals, lower-case hex for
    /// binary, the canonical form for UUIDs; `nil` for NULL. This is the form `sluice parquet cat` prints.
    public func text(as type: DataType) -> String? {
        switch self {
        case .null: return nil
        case .boolean(let v): return v ? "true" : "false"
        case .int(let v):
            switch type {
            case .date: return CivilTime.formatDate(days: v)
            case .time: return CivilTime.formatTimeOfDay(microseconds: v)
            case .timestamp: return CivilTime.formatTimestamp(microseconds: v)
            case .timestampTZ: return CivilTime.formatTimestamp(microseconds: v) + "Z"
            case .uint64: return String(UInt64(bitPattern: v))
            default: return String(v)
            }
        case .decimal(let unscaled, let scale): return DecimalText.format(unscaled: unscaled, scale: scale)
        case .float(let v): return FloatText.format(v)
        case .double(let v): return FloatText.format(v)
        case .string(let v): return v
        case .bytes(let v):
            if type == .uuid, v.count == 16 { return UUIDText.format(v) }
            return Hex.encode(v)
        }
    }
}

/// Shortest round-trip text for floating-point values, with `NaN`, `inf` and `-inf` spelled out.
public enum FloatText {
    public static func format<F: BinaryFloatingPoint & LosslessStringConvertible>(_ value: F) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        return value.description
    }
}

/// Lower-case hexadecimal.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    public static func encode<C: Collection<UInt8>>(_ bytes: C) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var i = 0
        while i < utf8.count {
            guard let hi = nibble(utf8[i]), let lo = nibble(utf8[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// The canonical 8-4-4-4-12 text form of a UUID.
public enum UUIDText {
    public static func format(_ bytes: [UInt8]) -> String {
        let hex = Hex.encode(bytes)
        let h = Array(hex)
        return String(h[0..<8]) + "-" + String(h[8..<12]) + "-" + String(h[12..<16]) + "-"
            + String(h[16..<20]) + "-" + String(h[20..<32])
    }

    public static func parse(_ text: String) -> [UInt8]? {
        let compact = text.filter { $0 != "-" }
        guard compact.count == 32 else { return nil }
        return Hex.decode(compact)
    }
}
