import SluiceCore

extension CopyBinaryDecoder {
    /// Decodes one tuple whose field lengths were already checked against the available bytes.
    @inline(__always)
    mutating func decodeTuple(_ start: UnsafeRawPointer) throws(SluiceError) {
        var pointer = start
        let row = rowsDecoded &+ 1
        let columns = ops.count
        var column = 0
        while column < columns {
            let length = Int(BigEndian.int32(pointer))
            pointer += 4
            if length < 0 {
                try appendNull(column: column, row: row, reason: nil)
            } else {
                let value = UnsafeRawBufferPointer(start: pointer, count: length)
                try decodeValue(column: column, value, row: row)
                if column == cursorIndex { trackCursor(value, column: column) }
                pointer += length
            }
            column &+= 1
        }
    }

    /// Appends a NULL; a non-nullable target turns it into an error. `reason` names the policy that made the
    /// NULL (counted in ``nulledValues``), nil for a NULL in the source.
    @inline(__always)
    mutating func appendNull(column: Int, row: Int, reason: String?) throws(SluiceError) {
        guard nullable[column] else {
            throw valueError(reason.map { "\($0) would become NULL, but the target field is not nullable" }
                             ?? "NULL in a column whose target field is not nullable", column: column, row: row)
        }
        if reason != nil { nulled[column] += 1 }
        stores[column].appendNull()
    }

    @inline(__always)
    func checkLength(_ value: UnsafeRawBufferPointer, _ expected: Int, column: Int, row: Int) throws(SluiceError) {
        guard value.count == expected else {
            throw formatError("value has \(value.count) bytes, expected \(expected)", column: column, row: row)
        }
    }

    @inline(__always)
    func readInteger(_ value: UnsafeRawBufferPointer, width: Int, column: Int, row: Int) throws(SluiceError) -> Int64 {
        let p = value.baseAddress
        switch width {
        case 2: try checkLength(value, 2, column: column, row: row); return Int64(BigEndian.int16(p!))
        case 4: try checkLength(value, 4, column: column, row: row); return Int64(BigEndian.int32(p!))
        case -4: try checkLength(value, 4, column: column, row: row); return Int64(BigEndian.uint32(p!))
        default: try checkLength(value, 8, column: column, row: row); return BigEndian.int64(p!)
        }
    }

    /// Appends `scratch` as a bytes value and clears it.
    @inline(__always)
    mutating func appendScratch(column: Int) {
        stores[column].append(bytes: scratch)
        scratch.removeAll(keepingCapacity: true)
    }

    @inline(__always)
    mutating func decodeValue(column: Int, _ value: UnsafeRawBufferPointer, row: Int) throws(SluiceError) {
        switch opTable[column] {
        case .intToInt32(let width, let min, let max):
            let v = try readInteger(value, width: width, column: column, row: row)
            guard v >= min && v <= max else { throw outOfRange(v, column: column, row: row) }
            stores[column].append(Int32(truncatingIfNeeded: v))
        case .intToInt64(let width, let min, let max):
            let v = try readInteger(value, width: width, column: column, row: row)
            guard v >= min && v <= max else { throw outOfRange(v, column: column, row: row) }
            stores[column].append(v)
        case .intToDecimal(let width, let multiplier, let limit):
            let v = Int128(try readInteger(value, width: width, column: column, row: row))
            let (scaled, overflow) = v.multipliedReportingOverflow(by: multiplier)
            guard !overflow, scaled.magnitude < limit.magnitude else { throw outOfRange(Int64(v), column: column, row: row) }
            stores[column].append(scaled)
        case .intToFloat32(let width):
            stores[column].append(Float(try readInteger(value, width: width, column: column, row: row)))
        case .intToFloat64(let width):
            stores[column].append(Double(try readInteger(value, width: width, column: column, row: row)))
        case .intToString(let width):
            PostgresText.appendInteger(try readInteger(value, width: width, column: column, row: row), into: &scratch)
            appendScratch(column: column)
        case .numericToDecimal(let scale, let limit):
            if let fast = NumericBinary.fastUnscaled(value, scale: scale), Int128(fast).magnitude < limit.magnitude {
                stores[column].append(Int128(fast))
                return
            }
            let numeric = try readNumeric(value, column: column, row: row)
            if numeric.special != nil { return try numericSpecial(numeric, column: column, row: row) }
            switch numeric.unscaled(scale: scale, limit: limit) {
            case .success(let unscaled): stores[column].append(unscaled)
            case .failure(let failure): throw numericFailure(failure, numeric, column: column, row: row)
            }
        case .numericToInt32(let min, let max), .numericToInt64(let min, let max):
            let numeric = try readNumeric(value, column: column, row: row)
            if numeric.special != nil { return try numericSpecial(numeric, column: column, row: row) }
            let v: Int128
            switch numeric.unscaled(scale: 0, limit: Int128(1) << 64) {
            case .success(let unscaled): v = unscaled
            case .failure(let failure): throw numericFailure(failure, numeric, column: column, row: row)
            }
            guard v >= Int128(min) && v <= Int128(max) else {
                throw valueError("numeric \(text(of: numeric)) is out of range for \(schema.fields[column].type)", column: column, row: row)
            }
            if case .numericToInt32 = opTable[column] { stores[column].append(Int32(truncatingIfNeeded: v)) }
            else { stores[column].append(Int64(truncatingIfNeeded: v)) }
        case .numericToFloat32, .numericToFloat64:
            let numeric = try readNumeric(value, column: column, row: row)
            let double: Double
            switch numeric.special {
            case .nan: double = .nan
            case .positiveInfinity: double = .infinity
            case .negativeInfinity: double = -.infinity
            case nil: double = Double(text(of: numeric)) ?? .nan
            }
            if case .numericToFloat32 = opTable[column] {
                // Parse the text directly into Float: rounding through Double could round twice.
                stores[column].append(numeric.special == nil ? (Float(text(of: numeric)) ?? .nan) : Float(double))
            } else {
                stores[column].append(double)
            }
        case .numericToString:
            let numeric = try readNumeric(value, column: column, row: row)
            numeric.appendText(into: &scratch)
            appendScratch(column: column)
        case .float4ToFloat32:
            try checkLength(value, 4, column: column, row: row)
            stores[column].append(Float(bitPattern: BigEndian.uint32(value.baseAddress!)))
        case .float4ToFloat64:
            try checkLength(value, 4, column: column, row: row)
            stores[column].append(Double(Float(bitPattern: BigEndian.uint32(value.baseAddress!))))
        case .float8ToFloat64:
            try checkLength(value, 8, column: column, row: row)
            stores[column].append(Double(bitPattern: BigEndian.uint64(value.baseAddress!)))
        case .floatToString(let width):
            try checkLength(value, width, column: column, row: row)
            if width == 4 {
                PostgresText.appendFloat(Float(bitPattern: BigEndian.uint32(value.baseAddress!)), fixedLimit: 6, into: &scratch)
            } else {
                PostgresText.appendFloat(Double(bitPattern: BigEndian.uint64(value.baseAddress!)), fixedLimit: 15, into: &scratch)
            }
            appendScratch(column: column)
        case .boolToBoolean:
            try checkLength(value, 1, column: column, row: row)
            stores[column].append(value[0] != 0)
        case .boolToString:
            try checkLength(value, 1, column: column, row: row)
            scratch.append(contentsOf: (value[0] != 0 ? "true" : "false").utf8)
            appendScratch(column: column)
        case .textToString(let jsonb):
            var text = value
            if jsonb {
                guard value.count >= 1, value[0] == 1 else {
                    throw formatError("jsonb value has an unknown version byte", column: column, row: row)
                }
                text = UnsafeRawBufferPointer(rebasing: value[1...])
            }
            if options.validateUTF8, !Self.isValidUTF8(text) {
                throw valueError("text is not valid UTF-8", column: column, row: row)
            }
            stores[column].append(bytes: text)
        case .charToString:
            try checkLength(value, 1, column: column, row: row)
            PostgresText.appendChar(value[0], into: &scratch)
            appendScratch(column: column)
        case .byteaToBinary:
            stores[column].append(bytes: value)
        case .byteaToString:
            PostgresText.appendByteaHex(value, into: &scratch)
            appendScratch(column: column)
        case .uuidToUUID:
            try checkLength(value, 16, column: column, row: row)
            stores[column].append(bytes: value)
        case .uuidToString:
            try checkLength(value, 16, column: column, row: row)
            PostgresText.appendUUID(value, into: &scratch)
            appendScratch(column: column)
        case .dateToDate, .dateToTimestamp:
            try checkLength(value, 4, column: column, row: row)
            let pgDays = BigEndian.int32(value.baseAddress!)
            if pgDays == Int32.max || pgDays == Int32.min {
                return try infinite(pgDays > 0, column: column, row: row)
            }
            let days = Int64(pgDays) + PostgresText.epochDays
            if case .dateToDate = opTable[column] {
                guard let stored = Int32(exactly: days) else { throw valueError("date is out of range", column: column, row: row) }
                stores[column].append(stored)
            } else {
                let (micros, overflow) = days.multipliedReportingOverflow(by: CivilTime.microsecondsPerDay)
                guard !overflow else { throw valueError("date is out of range for a timestamp", column: column, row: row) }
                stores[column].append(micros)
            }
        case .dateToString:
            try checkLength(value, 4, column: column, row: row)
            PostgresText.appendDate(BigEndian.int32(value.baseAddress!), into: &scratch)
            appendScratch(column: column)
        case .timeToTime:
            try checkLength(value, 8, column: column, row: row)
            let micros = BigEndian.int64(value.baseAddress!)
            guard micros >= 0 && micros <= CivilTime.microsecondsPerDay else {
                throw formatError("time value \(micros) is outside 00:00:00...24:00:00", column: column, row: row)
            }
            stores[column].append(micros)
        case .timeToString:
            try checkLength(value, 8, column: column, row: row)
            let micros = BigEndian.int64(value.baseAddress!)
            guard micros >= 0 && micros <= CivilTime.microsecondsPerDay else {
                throw formatError("time value \(micros) is outside 00:00:00...24:00:00", column: column, row: row)
            }
            PostgresText.appendTimeOfDay(micros, into: &scratch)
            appendScratch(column: column)
        case .timestampToTimestamp:
            try checkLength(value, 8, column: column, row: row)
            let pgMicros = BigEndian.int64(value.baseAddress!)
            if pgMicros == Int64.max || pgMicros == Int64.min {
                return try infinite(pgMicros > 0, column: column, row: row)
            }
            let (micros, overflow) = pgMicros.addingReportingOverflow(PostgresText.epochMicroseconds)
            guard !overflow else { throw valueError("timestamp is out of range", column: column, row: row) }
            stores[column].append(micros)
        case .timestampToString(let zoned):
            try checkLength(value, 8, column: column, row: row)
            PostgresText.appendTimestamp(BigEndian.int64(value.baseAddress!), zoned: zoned, into: &scratch)
            appendScratch(column: column)
        case .intervalToString, .intervalToJSON:
            try checkLength(value, 16, column: column, row: row)
            let p = value.baseAddress!
            let micros = BigEndian.int64(p), days = BigEndian.int32(p + 8), months = BigEndian.int32(p + 12)
            if case .intervalToJSON = opTable[column] {
                PostgresText.appendIntervalJSON(microseconds: micros, days: days, months: months, into: &scratch)
            } else {
                PostgresText.appendInterval(microseconds: micros, days: days, months: months, into: &scratch)
            }
            appendScratch(column: column)
        case .inetToString:
            guard PostgresText.appendInet(value, into: &scratch) else {
                scratch.removeAll(keepingCapacity: true)
                throw formatError("malformed inet/cidr value", column: column, row: row)
            }
            appendScratch(column: column)
        case .arrayToJSON:
            guard let element = arrayElements[column], ArrayJSON.append(value, element: element, into: &scratch) else {
                scratch.removeAll(keepingCapacity: true)
                throw formatError("malformed array value", column: column, row: row)
            }
            appendScratch(column: column)
        }
    }

    // MARK: Policies

    mutating func infinite(_ positive: Bool, column: Int, row: Int) throws(SluiceError) {
        let spelled = positive ? "infinity" : "-infinity"
        switch options.infiniteDates {
        case .reject:
            throw valueError("\(spelled) cannot be stored in \(schema.fields[column].type) (infinite-dates policy: reject)",
                             column: column, row: row)
        case .null:
            try appendNull(column: column, row: row, reason: spelled)
        }
    }

    func readNumeric(_ value: UnsafeRawBufferPointer, column: Int, row: Int) throws(SluiceError) -> NumericBinary {
        guard let numeric = NumericBinary(value) else { throw formatError("malformed numeric value", column: column, row: row) }
        return numeric
    }

    func text(of numeric: NumericBinary) -> String {
        var bytes: [UInt8] = []
        numeric.appendText(into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    mutating func numericSpecial(_ numeric: NumericBinary, column: Int, row: Int) throws(SluiceError) {
        switch options.numericSpecials {
        case .reject:
            throw valueError("numeric \(text(of: numeric)) cannot be stored in \(schema.fields[column].type) (numeric-specials policy: reject)",
                             column: column, row: row)
        case .null:
            try appendNull(column: column, row: row, reason: "numeric \(text(of: numeric))")
        }
    }

    func numericFailure(_ failure: NumericBinary.DecimalFailure, _ numeric: NumericBinary, column: Int, row: Int) -> SluiceError {
        switch failure {
        case .tooManyFractionalDigits:
            valueError("numeric \(text(of: numeric)) has more fractional digits than \(schema.fields[column].type) holds",
                       column: column, row: row)
        case .overflow:
            valueError("numeric \(text(of: numeric)) is out of range for \(schema.fields[column].type)", column: column, row: row)
        }
    }

    func outOfRange(_ value: Int64, column: Int, row: Int) -> SluiceError {
        valueError("\(value) is out of range for \(schema.fields[column].type)", column: column, row: row)
    }

    /// Records the cursor column's value for ``maxCursor`` (already validated by ``decodeValue``).
    mutating func trackCursor(_ value: UnsafeRawBufferPointer, column: Int) {
        let p = value.baseAddress!
        let v: Int64
        switch conversions[column].source {
        case .int2: v = Int64(BigEndian.int16(p))
        case .int4: v = Int64(BigEndian.int32(p))
        case .oid: v = Int64(BigEndian.uint32(p))
        case .int8: v = BigEndian.int64(p)
        case .date:
            let d = BigEndian.int32(p)
            guard d != Int32.max && d != Int32.min else { return }
            v = Int64(d) + PostgresText.epochDays
        default:
            let t = BigEndian.int64(p)
            guard t != Int64.max && t != Int64.min else { return }
            let (micros, overflow) = t.addingReportingOverflow(PostgresText.epochMicroseconds)
            guard !overflow else { return }
            v = micros
        }
        if maxCursor.map({ v > $0 }) ?? true { maxCursor = v }
    }

    static func isValidUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }
}
