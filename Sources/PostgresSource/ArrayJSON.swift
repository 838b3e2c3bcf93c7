/// PostgreSQL arrays (array_send in src/backend/utils/adt/arrayfuncs.c) rendered as JSON text.
///
/// Binary layout: `int32 ndim` (0...6), `int32 flags` (1 if any element is NULL), `uint32 element type OID`,
/// then per dimension `int32 size, int32 lower bound`, then the elements in row-major order, each an
/// `int32 length` (-1 for NULL) and that many bytes. A multi-dimensional array becomes nested JSON arrays;
/// lower bounds are dropped. Elements: numbers for integers, numerics and finite floats; `true`/`false`;
/// raw JSON for json/jsonb; strings (PostgreSQL's text form) for everything else and for NaN / infinities;
/// `null` for NULL.
enum ArrayJSON {
    static let maxDimensions = 6

    /// Appends the JSON form of one array value; false if the bytes are not a well-formed array of `element`.
    static func append(_ value: UnsafeRawBufferPointer, element: SourceKind, into out: inout [UInt8]) -> Bool {
        guard value.count >= 12, let base = value.baseAddress else { return false }
        let dimensions = Int(BigEndian.int32(base))
        let flags = BigEndian.int32(base + 4)
        guard (0...maxDimensions).contains(dimensions), flags == 0 || flags == 1 else { return false }
        guard value.count >= 12 + 8 * dimensions else { return false }
        var sizes: [Int] = []
        var total = 1
        for d in 0..<dimensions {
            let size = Int(BigEndian.int32(base + 12 + 8 * d))
            guard size >= 0 else { return false }
            sizes.append(size)
            total = total.multipliedReportingOverflow(by: size).partialValue
            // Every element takes at least 4 bytes, so a count beyond that is a lie: refuse before looping.
            guard total <= value.count / 4 else { return false }
        }
        var position = 12 + 8 * dimensions
        if dimensions == 0 {
            out.append(contentsOf: "[]".utf8)
            return position == value.count
        }
        guard appendDimension(0, sizes: sizes, value: value, position: &position, element: element, into: &out) else { return false }
        return position == value.count
    }

    private static func appendDimension(_ depth: Int, sizes: [Int], value: UnsafeRawBufferPointer, position: inout Int,
                                        element: SourceKind, into out: inout [UInt8]) -> Bool {
        out.append(UInt8(ascii: "["))
        for i in 0..<sizes[depth] {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            if depth + 1 < sizes.count {
                guard appendDimension(depth + 1, sizes: sizes, value: value, position: &position, element: element, into: &out)
                else { return false }
                continue
            }
            guard value.count - position >= 4 else { return false }
            let length = Int(BigEndian.int32(value.baseAddress! + position))
            position += 4
            if length == -1 {
                out.append(contentsOf: "null".utf8)
                continue
            }
            guard length >= 0, value.count - position >= length else { return false }
            let item = UnsafeRawBufferPointer(rebasing: value[position..<(position + length)])
            position += length
            guard appendElement(item, kind: element, into: &out) else { return false }
        }
        out.append(UInt8(ascii: "]"))
        return true
    }

    /// One element as JSON; false if its bytes do not fit its kind.
    static func appendElement(_ item: UnsafeRawBufferPointer, kind: SourceKind, into out: inout [UInt8]) -> Bool {
        if let size = kind.fixedSize, item.count != size { return false }
        let p = item.baseAddress
        var text: [UInt8] = []
        switch kind {
        case .int2: PostgresText.appendInteger(Int64(BigEndian.int16(p!)), into: &out); return true
        case .int4: PostgresText.appendInteger(Int64(BigEndian.int32(p!)), into: &out); return true
        case .int8: PostgresText.appendInteger(BigEndian.int64(p!), into: &out); return true
        case .oid: PostgresText.appendInteger(Int64(BigEndian.uint32(p!)), into: &out); return true
        case .bool: out.append(contentsOf: (item[0] != 0 ? "true" : "false").utf8); return true
        case .numeric:
            guard let numeric = NumericBinary(item) else { return false }
            if numeric.special != nil { numeric.appendText(into: &text); break }
            numeric.appendText(into: &out)
            return true
        case .float4, .float8:
            let finite: Bool
            if case .float4 = kind {
                let v = Float(bitPattern: BigEndian.uint32(p!))
                finite = v.isFinite
                PostgresText.appendFloat(v, fixedLimit: 6, into: &text)
            } else {
                let v = Double(bitPattern: BigEndian.uint64(p!))
                finite = v.isFinite
                PostgresText.appendFloat(v, fixedLimit: 15, into: &text)
            }
            if finite { out.append(contentsOf: text); return true }
        case .json:
            out.append(contentsOf: item)
            return true
        case .jsonb:
            guard item.count >= 1, item[0] == 1 else { return false }
            out.append(contentsOf: item[1...])
            return true
        case .text: text.append(contentsOf: item)
        case .char: PostgresText.appendChar(item[0], into: &text)
        case .bytea: PostgresText.appendByteaHex(item, into: &text)
        case .uuid: PostgresText.appendUUID(item, into: &text)
        case .date: PostgresText.appendDate(BigEndian.int32(p!), into: &text)
        case .time:
            let micros = BigEndian.int64(p!)
            guard micros >= 0 && micros <= 86_400_000_000 else { return false }
            PostgresText.appendTimeOfDay(micros, into: &text)
        case .timestamp: PostgresText.appendTimestamp(BigEndian.int64(p!), zoned: false, into: &text)
        case .timestamptz: PostgresText.appendTimestamp(BigEndian.int64(p!), zoned: true, into: &text)
        case .interval:
            PostgresText.appendInterval(microseconds: BigEndian.int64(p!), days: BigEndian.int32(p! + 8),
                                        months: BigEndian.int32(p! + 12), into: &text)
        case .inet: guard PostgresText.appendInet(item, into: &text) else { return false }
        case .array: return false
        }
        text.withUnsafeBytes { PostgresText.appendJSONString($0, into: &out) }
        return true
    }
}
