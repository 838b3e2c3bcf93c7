public import SluiceCore

/// Writes a Parquet file batch by batch (parquet-format: "File format"): `PAR1`, row groups of column
/// chunks, the Thrift footer, its length and `PAR1`.
///
/// Memory stays about one row group (see ``ParquetWriterOptions/rowGroupBytes`` and
/// ``ParquetWriterOptions/rowGroupMemoryBytes``) plus page buffers, whatever the file size. Not thread-safe: use one writer from one task at a time.
///
///     let writer = try ParquetFileWriter(path: "part-0.parquet", schema: schema)
///     try writer.write(batch)
///     let summary = try writer.close()
public final class ParquetFileWriter {
    public let schema: Schema
    public let options: ParquetWriterOptions
    private let output: any ParquetOutput
    private let columns: [ColumnChunkWriter]
    private var position: Int64 = 0
    private var rowGroups: [ParquetRowGroup] = []
    private var groupRows = 0
    /// What the current row group's rows take in memory (``SluiceCore/RecordBatch/memoryBytes(rows:)``).
    private var groupMemoryBytes = 0
    private var totalRows = 0
    private var state: State = .open

    private enum State { case open, closed, failed }

    /// Creates (or truncates) the file at `path`.
    public convenience init(path: String, schema: Schema, options: ParquetWriterOptions = .init()) throws(SluiceError) {
        try self.init(output: ParquetFileOutput(path: path), schema: schema, options: options)
    }

    /// Writes to `output`; the writer closes it in ``close()``.
    public init(output: any ParquetOutput, schema: Schema, options: ParquetWriterOptions = .init()) throws(SluiceError) {
        self.schema = schema
        self.options = options
        self.output = output
        do throws(SluiceError) {
            try Self.validate(schema, options)
        } catch {
            throw error.adding(ErrorContext(file: output.name))
        }
        columns = schema.fields.map { ColumnChunkWriter(descriptor: ParquetColumnDescriptor(writing: $0), options: options) }
        try emit(Array("PAR1".utf8))
    }

    private static func validate(_ schema: Schema, _ options: ParquetWriterOptions) throws(SluiceError) {
        var names = Set<String>()
        for field in schema.fields {
            guard !field.name.isEmpty else { throw ParquetError.usage("a column name is empty") }
            guard names.insert(field.name).inserted else {
                throw ParquetError.usage("column name appears twice", column: field.name)
            }
            if case .decimal(let p, let s) = field.type, !(1...DataType.maxDecimalPrecision).contains(p) || !(0...p).contains(s) {
                throw ParquetError.usage("invalid decimal(\(p),\(s))", column: field.name)
            }
        }
        guard options.rowGroupBytes > 0, options.rowGroupRows > 0, options.pageBytes > 0, (options.rowGroupMemoryBytes ?? 1) > 0 else {
            throw ParquetError.usage("row group and page sizes must be positive")
        }
        if case .gzip(let level) = options.compression, !(0...9).contains(level) {
            throw ParquetError.usage("gzip level \(level) is outside 0...9")
        }
        guard options.keyValueMetadata[SluiceSchemaMetadata.key] == nil else {
            throw ParquetError.usage("key-value metadata key '\(SluiceSchemaMetadata.key)' is reserved")
        }
    }

    /// Rows written so far.
    public var rowCount: Int { totalRows }

    /// Appends the rows of `batch`, whose schema must have this writer's field names and types.
    public func write(_ batch: RecordBatch) throws(SluiceError) {
        guard state == .open else { throw failure(ParquetError.usage("write after close or after a failed write")) }
        do throws(SluiceError) {
            try ValueRangeCheck.check(batch, against: schema)
        } catch {
            throw failure(error, fatal: false)
        }
        let rows = batch.rowCount
        guard rows > 0 else { return }
        let bytesPerRow = max(Self.estimatedBytesPerRow(batch), 1)
        var start = 0
        do throws(SluiceError) {
            while start < rows {
                let roomBytes = max(options.rowGroupBytes - estimatedGroupBytes, 0)
                var take = min(rows - start, options.rowGroupRows - groupRows, max(roomBytes / bytesPerRow, 1), 1 << 16)
                if let limit = options.rowGroupMemoryBytes {
                    // A row that no longer fits starts the next row group (a row larger than the limit has one alone).
                    if groupRows > 0 && groupMemoryBytes + batch.memoryBytes(rows: start..<start + 1) > limit {
                        try flushRowGroup()
                    }
                    take = min(take, batch.rowsFitting(from: start, bytes: max(limit - groupMemoryBytes, 1)))
                    groupMemoryBytes += batch.memoryBytes(rows: start..<start + take)
                }
                for (index, column) in columns.enumerated() {
                    try column.append(batch.columns[index], rows: start..<start + take)
                }
                groupRows += take
                totalRows += take
                start += take
                if groupRows >= options.rowGroupRows || estimatedGroupBytes >= options.rowGroupBytes
                    || groupMemoryBytes >= options.rowGroupMemoryBytes ?? .max {
                    try flushRowGroup()
                }
            }
        } catch {
            throw failure(error)
        }
    }

    /// Writes the last row group and the footer, closes the output, and says what was written.
    public func close() throws(SluiceError) -> ParquetWriteSummary {
        guard state == .open else { throw failure(ParquetError.usage("close after close or after a failed write")) }
        do throws(SluiceError) {
            if groupRows > 0 { try flushRowGroup() }
            var keyValues = options.keyValueMetadata.sorted { $0.key < $1.key }.map { ParquetKeyValue(key: $0.key, value: $0.value) }
            keyValues.append(ParquetKeyValue(key: SluiceSchemaMetadata.key, value: SluiceSchemaMetadata.encode(schema)))
            let elements = [ParquetSchemaElement(name: "schema", numChildren: Int32(columns.count))]
                + columns.map(\.descriptor.schemaElement)
            let footer = ParquetFileMetaData(
                version: 2, schema: elements, numRows: Int64(totalRows), rowGroups: rowGroups,
                keyValueMetadata: keyValues, createdBy: options.createdBy,
                columnOrders: Array(repeating: true, count: columns.count)).serialized()
            try emit(footer)
            let length = UInt32(footer.count)
            try emit([UInt8(length & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 24)]
                + Array("PAR1".utf8))
            try output.close()
        } catch {
            throw failure(error)
        }
        state = .closed
        return ParquetWriteSummary(rows: totalRows, bytes: Int(position), rowGroups: rowGroups.count)
    }

    private var estimatedGroupBytes: Int {
        columns.reduce(0) { $0 + $1.estimatedBytes }
    }

    private func flushRowGroup() throws(SluiceError) {
        let start = position
        var chunks: [ParquetColumnChunk] = []
        var uncompressed: Int64 = 0
        for column in columns {
            let chunk = try column.finishChunk(at: position) { (bytes) throws(SluiceError) in
                try output.write(bytes)
                position += Int64(bytes.count)
            }
            uncompressed += chunk.metaData?.totalUncompressedSize ?? 0
            chunks.append(chunk)
        }
        rowGroups.append(ParquetRowGroup(columns: chunks, totalByteSize: uncompressed, numRows: Int64(groupRows),
                                         fileOffset: start, totalCompressedSize: position - start,
                                         ordinal: Int16(truncatingIfNeeded: rowGroups.count)))
        groupRows = 0
        groupMemoryBytes = 0
    }

    private func emit(_ bytes: [UInt8]) throws(SluiceError) {
        try bytes.withBytes { (raw) throws(SluiceError) in try output.write(raw) }
        position += Int64(bytes.count)
    }

    /// Adds the file to `error`'s context; a fatal error also poisons the writer (its output is unusable).
    private func failure(_ error: SluiceError, fatal: Bool = true) -> SluiceError {
        if fatal && state == .open { state = .failed }
        return error.adding(ErrorContext(file: output.name))
    }

    private static func estimatedBytesPerRow(_ batch: RecordBatch) -> Int {
        var total = 0
        for column in batch.columns {
            switch column.values {
            case .boolean: total += batch.rowCount / 8
            case .int32, .float32: total += 4 * batch.rowCount
            case .int64, .float64: total += 8 * batch.rowCount
            case .int128: total += 16 * batch.rowCount
            case .bytes(let arrays): total += arrays.bytes.count + 4 * batch.rowCount
            case .fixedBytes(_, let bytes): total += bytes.count
            }
        }
        return total / max(batch.rowCount, 1)
    }
}
