public import SluiceCore

/// Encodes a ``SluiceCore/RecordBatch`` as one block of ClickHouse's Native format, the body of
/// `INSERT INTO t (cols) FORMAT Native`. Pure: no IO.
///
/// A block over HTTP is (ClickHouse docs, "Native format"; no BlockInfo outside the TCP protocol):
/// `varint(columns) varint(rows)`, then per column `String name`, `String type` and the column's data:
/// fixed-width values little-endian back to back; `String` as varint length + bytes per value;
/// `Nullable(T)` as a UInt8 null map (1 = NULL) followed by the `T` column with default values in NULL
/// slots; `UUID` as two little-endian UInt64 halves (so each 8-byte half of the RFC 4122 bytes is reversed);
/// `Date32` as Int32 days and `DateTime64(6)` as Int64 microseconds; `LowCardinality` as a dictionary and indexes
/// (``NativeLowCardinalityColumn``).
///
/// Values the server would corrupt or clamp without an error (dates outside the type's range, integers wider than
/// their column) are rejected with an error naming the column and the row.
public struct ClickHouseNativeEncoder: Sendable {
    public let schema: Schema
    /// The ClickHouse type of each field, from ``ClickHouseTypeMapping``.
    public let types: [ClickHouseType]
    /// The mapping the types come from: its ranges bound dates and timestamps.
    public let mapping: ClickHouseTypeMapping
    /// Per column: its name and type as Native strings.
    private let columnHeaders: [[UInt8]]

    public init(schema: Schema, mapping: ClickHouseTypeMapping = ClickHouseTypeMapping()) {
        self.schema = schema
        self.mapping = mapping
        self.types = schema.fields.map { mapping.type(for: $0) }
        self.columnHeaders = zip(schema.fields, types).map { field, type in
            var header: [UInt8] = []
            for text in [field.name, type.description] {
                var length = UInt64(text.utf8.count)
                while length >= 0x80 {
                    header.append(UInt8(truncatingIfNeeded: length) | 0x80)
                    length >>= 7
                }
                header.append(UInt8(length))
                header += Array(text.utf8)
            }
            return header
        }
    }

    /// The Native block of `batch`.
    ///
    /// - Parameter firstRow: the position of the batch's first row in the whole insert, so that errors
    ///   name rows as the operator counts them (0-based).
    /// - Throws: ``SluiceError/Code/invalidBatch`` if the batch's schema differs from the encoder's, and
    ///   ``SluiceError/Code/clickHouseValueOutOfRange`` for a value the column type cannot hold.
    public func encode(_ batch: RecordBatch, firstRow: Int = 0) throws(SluiceError) -> [UInt8] {
        guard batch.schema == schema else {
            throw SluiceError(.invalidBatch, "batch schema \(Self.describe(batch.schema)) differs from the insert's \(Self.describe(schema))")
        }
        var size = NativeWriter.varintSize(UInt64(schema.count)) + NativeWriter.varintSize(UInt64(batch.rowCount))
        var dictionaries: [Int: NativeLowCardinalityColumn] = [:]
        for index in 0..<schema.count {
            let column = batch.columns[index]
            try validate(column, field: schema.fields[index], type: types[index], rows: batch.rowCount, firstRow: firstRow)
            if case .lowCardinality = types[index], case .bytes(let arrays) = column.values {
                let dictionary = NativeLowCardinalityColumn(arrays, validity: column.validity, nullable: types[index].isNullable,
                                                            rows: batch.rowCount)
                dictionaries[index] = dictionary
                size += columnHeaders[index].count + dictionary.size
            } else {
                size += columnHeaders[index].count + dataSize(of: column, field: schema.fields[index], type: types[index], rows: batch.rowCount)
            }
        }
        return [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var writer = NativeWriter(base: UnsafeMutableRawPointer(buffer.baseAddress!))
            writer.varint(UInt64(schema.count))
            writer.varint(UInt64(batch.rowCount))
            for index in 0..<schema.count {
                writer.bytes(columnHeaders[index])
                if let dictionary = dictionaries[index] {
                    dictionary.write(into: &writer)
                } else {
                    writeColumn(batch.columns[index], field: schema.fields[index], type: types[index], rows: batch.rowCount, into: &writer)
                }
            }
            precondition(writer.offset == size, "Native block size mismatch: wrote \(writer.offset) of \(size) bytes")
            initialized = size
        }
    }

    private static func describe(_ schema: Schema) -> String {
        "(" + schema.fields.map { "\($0.name) \($0.type)\($0.nullable ? "" : " not null")" }.joined(separator: ", ") + ")"
    }
}

extension SluiceError.Code {
    /// A value that the target ClickHouse column cannot hold exactly (a date before the type's range, an integer too wide).
    public static let clickHouseValueOutOfRange = Self("clickhouse_value_out_of_range", retryable: false)
}
