import SluiceCore

/// Range checks, run over a whole batch before any byte is written, and the exact size of each column.
extension ClickHouseNativeEncoder {
    func validate(_ column: Column, field: Field, type: ClickHouseType, rows: Int, firstRow: Int) throws(SluiceError) {
        let validity = column.validity
        func check<T>(_ values: [T], _ isValid: (T) -> Bool, _ describe: (T) -> String, _ target: String) throws(SluiceError) {
            let bad: Int? = values.withUnsafeBufferPointer { buffer in
                for row in 0..<rows where !isValid(buffer[row]) {
                    if let validity, !validity[row] { continue }  // a NULL slot is never written
                    return row
                }
                return nil
            }
            guard let bad else { return }
            throw SluiceError(.clickHouseValueOutOfRange,
                              "value \(describe(values[bad])) does not fit ClickHouse \(target)",
                              context: ErrorContext(column: field.name, row: firstRow + bad))
        }
        switch (field.type, column.values) {
        case (.int8, .int32(let values)):
            try check(values, { Int8(exactly: $0) != nil }, { String($0) }, "Int8")
        case (.int16, .int32(let values)):
            try check(values, { Int16(exactly: $0) != nil }, { String($0) }, "Int16")
        case (.uint8, .int32(let values)):
            try check(values, { UInt8(exactly: $0) != nil }, { String($0) }, "UInt8")
        case (.uint16, .int32(let values)):
            try check(values, { UInt16(exactly: $0) != nil }, { String($0) }, "UInt16")
        case (.uint32, .int64(let values)):
            try check(values, { UInt32(exactly: $0) != nil }, { String($0) }, "UInt32")
        case (.date, .int32(let values)):
            let range = mapping.dateDays
            try check(values, { range.contains(Int64($0)) }, { CivilTime.formatDate(days: Int64($0)) },
                      "\(type.nonNullable) (\(CivilTime.formatDate(days: range.lowerBound)) to \(CivilTime.formatDate(days: range.upperBound)))")
        case (.timestamp, .int64(let values)), (.timestampTZ, .int64(let values)):
            let range = mapping.timestampMicroseconds
            try check(values, { range.contains($0) }, { CivilTime.formatTimestamp(microseconds: $0) }, Self.describe(range, of: type))
        case (.time, .int64(let values)):
            try check(values, { (0...CivilTime.microsecondsPerDay).contains($0) }, { "\($0) microseconds" },
                      "time of day (00:00:00 to 24:00:00)")
        case (.decimal(let precision, _), .int128(let values)):
            let bound = DecimalText.powerOfTen(precision).magnitude
            try check(values, { $0.magnitude < bound }, { DecimalText.format(unscaled: $0, scale: field.type.decimalScale) },
                      "Decimal(\(precision), \(field.type.decimalScale))")
        default:
            break  // every value of the other types fits its column
        }
    }

    /// `DateTime (1970-01-01 00:00:00 to 2105-12-31 23:59:59)` (whole seconds), or with the microseconds a
    /// `DateTime64(6, 'UTC')` keeps.
    private static func describe(_ range: ClosedRange<Int64>, of type: ClickHouseType) -> String {
        let (low, high) = (CivilTime.formatTimestamp(microseconds: range.lowerBound), CivilTime.formatTimestamp(microseconds: range.upperBound))
        guard isMicrosecondDateTime64(type) else { return "DateTime (\(low.prefix(19)) to \(high.prefix(19)))" }
        return "\(type.nonNullable) (\(low) to \(high))"
    }

    /// Bytes of a column's data (null map included), as ``writeColumn(_:field:type:rows:into:)`` writes it.
    func dataSize(of column: Column, field: Field, type: ClickHouseType, rows: Int) -> Int {
        let nullMap = field.nullable ? rows : 0
        switch (field.type, column.values) {
        case (.time, _):
            // 15 characters and their 1-byte length per value; a NULL slot holds the empty string.
            return nullMap + rows + 15 * (rows - column.nullCount)
        case (_, .bytes(let arrays)):
            var size = nullMap
            let validity = column.validity
            arrays.offsets.withUnsafeBufferPointer { offsets in
                for row in 0..<rows {
                    if let validity, !validity[row] {
                        size += 1
                        continue
                    }
                    let length = offsets[row + 1] - offsets[row]
                    size += NativeWriter.varintSize(UInt64(length)) + length
                }
            }
            return size
        default:
            return nullMap + rows * (type.fixedWidth ?? 0)
        }
    }
}
