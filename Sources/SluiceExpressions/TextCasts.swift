import SluiceCore

/// CASTs to and from `string`: values printed as PostgreSQL prints them in a UTC session (``TextConversion``),
/// text read strictly (spaces around a value are allowed; anything else that does not read is an error).
enum TextCasts {
    /// Every slot of `vector` (of `type`) as text.
    static func format(_ vector: Vector, type: DataType, count: Int, active: [Bool]?) throws(SlotFailure) -> Column {
        let validity = vector.isConstant ? active : Kernels.validity(vector.column.validity, active, count: count)
        var builder = BytesBuilder(capacity: count, byteCapacity: count * 8)
        func each(_ body: (Int) -> Void) {
            for slot in 0..<count {
                if let validity, !validity[slot] { builder.appendEmpty() } else { body(slot) }
            }
        }
        let slotOf = { (slot: Int) in vector.isConstant ? 0 : slot }
        switch vector.column.values {
        case .boolean(let values):
            each { builder.append((values[slotOf($0)] ? "true" : "false").utf8) }
        case .int32(let values):
            if type == .date {
                each { builder.append(CivilTime.formatDate(days: Int64(values[slotOf($0)])).utf8) }
            } else {
                each { appendInteger(Int64(values[slotOf($0)]), to: &builder) }
            }
        case .int64(let values):
            switch type {
            case .time: each { builder.append(TextConversion.formatTime(microseconds: values[slotOf($0)]).utf8) }
            case .timestamp, .timestampTZ:
                each { builder.append(TextConversion.formatTimestamp(microseconds: values[slotOf($0)], zoned: type == .timestampTZ).utf8) }
            case .uint64: each { builder.append(String(UInt64(bitPattern: values[slotOf($0)])).utf8) }
            default: each { appendInteger(values[slotOf($0)], to: &builder) }
            }
        case .int128(let values):
            let scale = type.decimalScale
            each { builder.append(DecimalText.format(unscaled: values[slotOf($0)], scale: scale).utf8) }
        case .float32(let values):
            each { builder.append(TextConversion.format(float: values[slotOf($0)]).utf8) }
        case .float64(let values):
            each { builder.append(TextConversion.format(float: values[slotOf($0)]).utf8) }
        case .bytes(let arrays):
            if type == .binary {
                each { builder.append(("\\x" + Hex.encode(arrays[slotOf($0)])).utf8) }
            } else {
                each { builder.append(arrays[slotOf($0)]) }
            }
        case .fixedBytes(let width, let bytes):
            each { slot in
                let start = slotOf(slot) * width
                builder.append(UUIDText.format(Array(bytes[start..<start + width])).utf8)
            }
        }
        return Column(values: .bytes(builder.finish()), validity: validity.flatMap { $0.contains(false) ? $0 : nil })
    }

    /// Decimal digits of `value` without going through `String`.
    @inline(__always)
    static func appendInteger(_ value: Int64, to builder: inout BytesBuilder) {
        if value < 0 { builder.appendByte(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch, enough for 20 digits
        var count = 0
        withUnsafeMutableBytes(of: &digits) { scratch in
            repeat {
                scratch[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            for index in stride(from: count - 1, through: 0, by: -1) { builder.appendByte(scratch[index]) }
        }
        builder.endValue()
    }

    /// Every slot of a string `vector` read as `type`.
    static func parse(_ vector: Vector, as type: DataType, count: Int, active: [Bool]?) throws(SlotFailure) -> Column {
        let text = BytesOperand(vector)
        let validity = vector.isConstant ? active : Kernels.validity(vector.column.validity, active, count: count)
        var builder = ColumnBuilder(type: type, capacity: count)
        var failure: SlotFailure?
        text.withStorage { bytes, offsets in
            for slot in 0..<count {
                if let validity, !validity[slot] {
                    builder.appendNull()
                    continue
                }
                let value = bytes.value(slot, stride: text.stride, offsets: offsets)
                if !append(value, as: type, to: &builder) {
                    let shown = String(decoding: value.prefix(60), as: UTF8.self)
                    failure = SlotFailure(slot: slot, reason: "'\(shown)' is not a valid \(type)"
                                          + (type == .timestamp && hasZone(value) ? " (it has a time zone; cast to timestamptz)" : ""))
                    return
                }
            }
        }
        if let failure { throw failure }
        return builder.finish()
    }

    /// Reads one value; false when it does not read.
    private static func append(_ value: UnsafeRawBufferPointer, as type: DataType, to builder: inout ColumnBuilder) -> Bool {
        switch type {
        case .boolean:
            guard let bool = TextConversion.parseBoolean(String(decoding: value, as: UTF8.self)) else { return false }
            builder.append(bool)
        case _ where TypeRules.isInteger(type):
            let integer: Int128
            if let signed = TextConversion.parseInteger(value) {
                integer = Int128(signed)
            } else if type == .uint64, let unsigned = UInt64(String(decoding: value, as: UTF8.self).trimmingSpaces) {
                integer = Int128(unsigned)
            } else {
                return false
            }
            guard CastKernels.range(of: type).contains(integer) else { return false }
            // uint64 keeps its bit pattern in the Int64 slot.
            if type.storage == .int32 { builder.append(Int32(truncatingIfNeeded: integer)) } else { builder.append(Int64(truncatingIfNeeded: integer)) }
        case .decimal(let precision, let scale):
            guard case .value(let unscaled) = TextConversion.parseDecimal(value, precision: precision, scale: scale) else { return false }
            builder.append(unscaled)
        case .float32, .float64:
            let text = String(decoding: value, as: UTF8.self).trimmingSpaces
            guard !text.contains(where: { $0 == "x" || $0 == "X" }), let double = Double(text) else { return false }
            if type == .float32 {
                let float = Float(double)
                guard !(float.isInfinite && double.isFinite) else { return false }
                builder.append(float)
            } else {
                builder.append(double)
            }
        case .date:
            guard let days = ISOTime.parseDate(String(decoding: value, as: UTF8.self)[...]), let narrow = Int32(exactly: days)
            else { return false }
            builder.append(narrow)
        case .time:
            guard let micros = CivilTime.parseTimeOfDay(String(decoding: value, as: UTF8.self).trimmingSpaces) else { return false }
            builder.append(micros)
        case .timestamp, .timestampTZ:
            guard let parsed = ISOTime.parseTimestamp(String(decoding: value, as: UTF8.self)[...]),
                  type == .timestampTZ || !parsed.hasZone else { return false }
            builder.append(parsed.microseconds)
        case .uuid:
            guard let bytes = UUIDText.parse(String(decoding: value, as: UTF8.self).trimmingSpaces.description) else { return false }
            builder.append(bytes: bytes)
        default:
            builder.append(bytes: value)
        }
        return true
    }

    private static func hasZone(_ value: UnsafeRawBufferPointer) -> Bool {
        ISOTime.parseTimestamp(String(decoding: value, as: UTF8.self)[...])?.hasZone == true
    }
}
