import SluiceCore

/// Checks a batch before writing: its fields match the writer's, and values of narrow types fit their
/// Parquet representation (a decimal within its precision, an int8 within -128...127, ...), so that a
/// bad value gives an error naming the column and row instead of a silently wrong file.
enum ValueRangeCheck {
    static func check(_ batch: RecordBatch, against schema: Schema) throws(SluiceError) {
        guard batch.schema.count == schema.count else {
            throw ParquetError.usage("batch has \(batch.schema.count) columns, the file has \(schema.count)")
        }
        for (index, (expected, actual)) in zip(schema.fields, batch.schema.fields).enumerated() {
            guard expected.name == actual.name, expected.type == actual.type else {
                throw ParquetError.usage("batch column \(index) is '\(actual.name)' \(actual.type), the file expects '\(expected.name)' \(expected.type)",
                                         column: expected.name)
            }
            let column = batch.columns[index]
            if !expected.nullable, let validity = column.validity, let row = validity.firstIndex(of: false) {
                throw SluiceError(.invalidValue, "NULL in a non-nullable column",
                                  context: ErrorContext(column: expected.name, row: row))
            }
            try checkRange(column, type: expected.type, name: expected.name)
        }
    }

    private static func checkRange(_ column: Column, type: DataType, name: String) throws(SluiceError) {
        switch (type, column.values) {
        case (.int8, .int32(let values)): try within(values, column.validity, -128...127, type, name)
        case (.int16, .int32(let values)): try within(values, column.validity, -32768...32767, type, name)
        case (.uint8, .int32(let values)): try within(values, column.validity, 0...255, type, name)
        case (.uint16, .int32(let values)): try within(values, column.validity, 0...65535, type, name)
        case (.uint32, .int64(let values)): try within(values, column.validity, 0...Int64(UInt32.max), type, name)
        case (.decimal(let precision, _), .int128(let values)):
            let limit = DecimalText.powerOfTen(precision)
            try within(values, column.validity, (1 - limit)...(limit - 1), type, name)
        default: return
        }
    }

    private static func within<T: Comparable>(_ values: [T], _ validity: [Bool]?, _ range: ClosedRange<T>,
                                             _ type: DataType, _ name: String) throws(SluiceError) {
        var lo = range.lowerBound, hi = range.upperBound
        var bad: Int?
        values.withUnsafeBufferPointer { buffer in
            // Fast pass: the extremes of all slots (NULL slots hold zero, inside every range here).
            guard let first = buffer.first else { return }
            lo = first
            hi = first
            for value in buffer {
                if value < lo { lo = value }
                if value > hi { hi = value }
            }
            if range.contains(lo) && range.contains(hi) { return }
            for (row, value) in buffer.enumerated() where !range.contains(value) && validity?[row] != false {
                bad = row
                return
            }
        }
        if let bad {
            throw SluiceError(.invalidValue, "value \(values[bad]) does not fit \(type)",
                              context: ErrorContext(column: name, row: bad))
        }
    }
}
