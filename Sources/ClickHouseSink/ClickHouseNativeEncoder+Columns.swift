import SluiceCore

/// Writing one column's data (all but `LowCardinality`, see ``NativeLowCardinalityColumn``). Values were range-checked
/// before; NULL slots get the type's default.
extension ClickHouseNativeEncoder {
    func writeColumn(_ column: Column, field: Field, type: ClickHouseType, rows: Int, into writer: inout NativeWriter) {
        let validity = column.validity
        if field.nullable {
            if let validity {
                validity.withUnsafeBufferPointer { flags in
                    for row in 0..<rows { writer.byte(flags[row] ? 0 : 1) }
                }
            } else {
                writer.zeros(rows)
            }
        }
        switch (field.type, column.values) {
        case (.boolean, .boolean(let values)):
            // A Swift Bool is one byte holding 0 or 1: the UInt8 (or Bool) column as it is.
            values.withUnsafeBytes { writer.bytes(UnsafeRawBufferPointer(rebasing: $0[0..<rows])) }
            zeroNullSlots(validity, width: 1, rows: rows, writer: &writer)
        case (.int8, .int32(let values)):
            narrow(values, rows: rows, validity: validity, writer: &writer) { Int8(truncatingIfNeeded: $0) }
        case (.uint8, .int32(let values)):
            narrow(values, rows: rows, validity: validity, writer: &writer) { UInt8(truncatingIfNeeded: $0) }
        case (.int16, .int32(let values)):
            narrow(values, rows: rows, validity: validity, writer: &writer) { Int16(truncatingIfNeeded: $0) }
        case (.date, .int32(let values)) where type.nonNullable == .date32:
            // Int32 days since 1970-01-01: the batch's own form.
            copy(values, rows: rows, validity: validity, writer: &writer)
        case (.uint16, .int32(let values)), (.date, .int32(let values)):
            narrow(values, rows: rows, validity: validity, writer: &writer) { UInt16(truncatingIfNeeded: $0) }
        case (.int32, .int32(let values)):
            copy(values, rows: rows, validity: validity, writer: &writer)
        case (.uint32, .int64(let values)):
            narrow(values, rows: rows, validity: validity, writer: &writer) { UInt32(truncatingIfNeeded: $0) }
        case (.int64, .int64(let values)), (.uint64, .int64(let values)):
            copy(values, rows: rows, validity: validity, writer: &writer)
        case (.timestamp, .int64(let values)) where Self.isMicrosecondDateTime64(type),
             (.timestampTZ, .int64(let values)) where Self.isMicrosecondDateTime64(type):
            // DateTime64(6): Int64 microseconds since the epoch, the batch's own form.
            copy(values, rows: rows, validity: validity, writer: &writer)
        case (.timestamp, .int64(let values)), (.timestampTZ, .int64(let values)):
            // Whole seconds, rounded down (values are >= 0 here, so division is the floor).
            narrow(values, rows: rows, validity: validity, writer: &writer) { UInt32(truncatingIfNeeded: $0 / 1_000_000) }
        case (.float32, .float32(let values)):
            copy(values, rows: rows, validity: validity, writer: &writer)
        case (.float64, .float64(let values)):
            copy(values, rows: rows, validity: validity, writer: &writer)
        case (.decimal(let precision, _), .int128(let values)):
            if precision <= 9 {
                narrow(values, rows: rows, validity: validity, writer: &writer) { Int32(truncatingIfNeeded: $0) }
            } else if precision <= 18 {
                narrow(values, rows: rows, validity: validity, writer: &writer) { Int64(truncatingIfNeeded: $0) }
            } else {
                copy(values, rows: rows, validity: validity, writer: &writer)
            }
        case (.time, .int64(let values)):
            writeTimes(values, rows: rows, validity: validity, writer: &writer)
        case (_, .bytes(let arrays)):
            writeStrings(arrays, rows: rows, validity: validity, writer: &writer)
        case (.uuid, .fixedBytes(16, let bytes)):
            writeUUIDs(bytes, rows: rows, validity: validity, writer: &writer)
        default:
            // RecordBatch guarantees each column has its type's storage, so this is unreachable.
            preconditionFailure("column \(field.name) of type \(field.type) holds \(column.values.kind) values")
        }
    }

    static func isMicrosecondDateTime64(_ type: ClickHouseType) -> Bool {
        if case .dateTime64(precision: 6, _) = type.nonNullable { return true }
        return false
    }

    /// Values whose in-memory form is already the wire form (little-endian hosts).
    private func copy<T: FixedWidthInteger>(_ values: [T], rows: Int, validity: [Bool]?, writer: inout NativeWriter) {
        #if _endian(little)
        values.withUnsafeBytes { writer.bytes(UnsafeRawBufferPointer(rebasing: $0[0..<rows * MemoryLayout<T>.size])) }
        zeroNullSlots(validity, width: MemoryLayout<T>.size, rows: rows, writer: &writer)
        #else
        narrow(values, rows: rows, validity: validity, writer: &writer) { $0 }
        #endif
    }

    private func copy<T: BinaryFloatingPoint>(_ values: [T], rows: Int, validity: [Bool]?, writer: inout NativeWriter) {
        values.withUnsafeBytes { writer.bytes(UnsafeRawBufferPointer(rebasing: $0[0..<rows * MemoryLayout<T>.size])) }
        zeroNullSlots(validity, width: MemoryLayout<T>.size, rows: rows, writer: &writer)
    }

    /// Converts each value; NULL slots become 0.
    @inline(__always)
    private func narrow<S, T: FixedWidthInteger>(_ values: [S], rows: Int, validity: [Bool]?, writer: inout NativeWriter,
                                                 _ convert: (S) -> T) {
        values.withUnsafeBufferPointer { source in
            if let validity {
                for row in 0..<rows { writer.integer(validity[row] ? convert(source[row]) : 0) }
            } else {
                for row in 0..<rows { writer.integer(convert(source[row])) }
            }
        }
    }

    /// After a bulk copy, overwrites the NULL slots with zeros (the default value).
    private func zeroNullSlots(_ validity: [Bool]?, width: Int, rows: Int, writer: inout NativeWriter) {
        guard let validity else { return }
        let start = writer.offset - rows * width
        for row in 0..<rows where !validity[row] {
            (writer.base + start + row * width).initializeMemory(as: UInt8.self, repeating: 0, count: width)
        }
    }

    private func writeStrings(_ arrays: ByteArrays, rows: Int, validity: [Bool]?, writer: inout NativeWriter) {
        arrays.bytes.withUnsafeBytes { bytes in
            arrays.offsets.withUnsafeBufferPointer { offsets in
                for row in 0..<rows {
                    if let validity, !validity[row] {
                        writer.byte(0)
                        continue
                    }
                    writer.string(UnsafeRawBufferPointer(rebasing: bytes[offsets[row]..<offsets[row + 1]]))
                }
            }
        }
    }

    /// `HH:MM:SS.ffffff`, written digit by digit.
    private func writeTimes(_ values: [Int64], rows: Int, validity: [Bool]?, writer: inout NativeWriter) {
        for row in 0..<rows {
            if let validity, !validity[row] {
                writer.byte(0)
                continue
            }
            let micros = values[row]
            let seconds = micros / 1_000_000
            let fraction = micros % 1_000_000
            writer.byte(15)
            twoDigits(seconds / 3600, &writer)
            writer.byte(UInt8(ascii: ":"))
            twoDigits(seconds / 60 % 60, &writer)
            writer.byte(UInt8(ascii: ":"))
            twoDigits(seconds % 60, &writer)
            writer.byte(UInt8(ascii: "."))
            var divisor: Int64 = 100_000
            while divisor > 0 {
                writer.byte(UInt8(ascii: "0") + UInt8(fraction / divisor % 10))
                divisor /= 10
            }
        }
    }

    @inline(__always)
    private func twoDigits(_ value: Int64, _ writer: inout NativeWriter) {
        writer.byte(UInt8(ascii: "0") + UInt8(value / 10))
        writer.byte(UInt8(ascii: "0") + UInt8(value % 10))
    }

    /// RFC 4122 byte order in, two little-endian UInt64 halves out.
    private func writeUUIDs(_ bytes: [UInt8], rows: Int, validity: [Bool]?, writer: inout NativeWriter) {
        bytes.withUnsafeBufferPointer { source in
            for row in 0..<rows {
                if let validity, !validity[row] {
                    writer.zeros(16)
                    continue
                }
                let base = row * 16
                for i in stride(from: 7, through: 0, by: -1) { writer.byte(source[base + i]) }
                for i in stride(from: 15, through: 8, by: -1) { writer.byte(source[base + i]) }
            }
        }
    }
}
