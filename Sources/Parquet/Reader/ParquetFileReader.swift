public import SluiceCore

/// Reads a Parquet file: the footer on open, then whole row groups on demand, with column projection.
///
/// Flat columns of every physical type and common logical type are read (see ``ParquetColumnDescriptor``);
/// nested top-level columns (LIST, MAP, STRUCT, repeated fields) are read as one JSON text per row (type
/// `string`, see docs/parquet.md and ``NestedAssembler``). Nested columns whose leaves Sluice cannot read are
/// listed in ``unsupportedColumns``; reading them gives a `parquet_unsupported` error naming the column. Every error carries the file name in `context.file`.
///
///     let reader = try ParquetFileReader(path: "part-0.parquet")
///     for index in 0..<reader.rowGroupCount {
///         let batch = try reader.readRowGroup(index, columns: ["id", "amount"])
///     }
public final class ParquetFileReader: Sendable {
    public let input: any ParquetInput
    public let options: ParquetReaderOptions
    /// The decoded footer.
    public let metadata: ParquetFileMetaData
    /// The columns as Sluice reads them.
    public let fileSchema: ParquetFileSchema
    /// Bytes of the footer (for display).
    public let footerLength: Int

    /// Opens the file at `path` and reads its footer.
    public convenience init(path: String, options: ParquetReaderOptions = .init()) throws(SluiceError) {
        try self.init(input: ParquetFileInput(path: path), options: options)
    }

    /// Reads a file held in memory; `name` stands for it in errors.
    public convenience init(bytes: [UInt8], name: String = "<memory>", options: ParquetReaderOptions = .init())
        throws(SluiceError) {
        try self.init(input: ParquetMemoryInput(bytes: bytes, name: name), options: options)
    }

    /// Reads the footer through `input` (a file, memory, or ranged reads of a remote object).
    public init(input: any ParquetInput, options: ParquetReaderOptions = .init()) throws(SluiceError) {
        self.input = input
        self.options = options
        do throws(SluiceError) {
            let (metadata, footerLength) = try Self.readFooter(input, options)
            self.metadata = metadata
            self.footerLength = footerLength
            fileSchema = try ParquetFileSchema(metadata: metadata)
            try Self.validate(metadata, fileSchema, fileSize: input.size, footerLength: footerLength)
        } catch {
            throw error.adding(ErrorContext(file: input.name))
        }
    }

    /// The readable columns as a Sluice schema.
    public var schema: Schema { fileSchema.schema }
    public var unsupportedColumns: [ParquetUnsupportedColumn] { fileSchema.unsupported }
    /// Rows in the file: the sum of its row groups (some writers leave the footer's total at 0).
    public var rowCount: Int { metadata.rowGroups.reduce(0) { $0 + Int($1.numRows) } }
    public var rowGroupCount: Int { metadata.rowGroups.count }

    /// Rows in row group `index` (0..<rowGroupCount).
    public func rowCount(ofRowGroup index: Int) -> Int { Int(metadata.rowGroups[index].numRows) }

    // MARK: footer

    private static func readFooter(_ input: any ParquetInput, _ options: ParquetReaderOptions)
        throws(SluiceError) -> (ParquetFileMetaData, Int) {
        let size = input.size
        guard size >= 12 else { throw ParquetError.corrupt("file of \(size) bytes is too small to be Parquet") }
        let head = try input.read(offset: 0, count: 4)
        let tail = try input.read(offset: size - 8, count: 8)
        let magic = Array("PAR1".utf8)
        if head == Array("PARE".utf8) || Array(tail[4...]) == Array("PARE".utf8) {
            throw ParquetError.unsupported("file has an encrypted footer (magic PARE); encryption is not supported")
        }
        guard head == magic else { throw ParquetError.corrupt("file does not start with the Parquet magic PAR1") }
        guard Array(tail[4...]) == magic else {
            throw ParquetError.corrupt("file does not end with the Parquet magic PAR1 (truncated?)")
        }
        let length = Int(UInt32(tail[0]) | UInt32(tail[1]) << 8 | UInt32(tail[2]) << 16 | UInt32(tail[3]) << 24)
        guard length <= size - 12 else {
            throw ParquetError.corrupt("footer length \(length) exceeds the file size \(size)")
        }
        guard length <= options.maxFooterBytes else {
            throw SluiceError(.parquetLimit, "footer of \(length) bytes exceeds the reader limit of \(options.maxFooterBytes)")
        }
        let footer = try input.read(offset: size - 8 - length, count: length)
        do throws(SluiceError) {
            let metadata = try footer.withBytes { (raw) throws(SluiceError) in try ParquetFileMetaData(decoding: raw) }
            return (metadata, length)
        } catch {
            var wrapped = error
            wrapped.message = "footer: " + error.message
            throw wrapped
        }
    }

    private static func validate(_ metadata: ParquetFileMetaData, _ schema: ParquetFileSchema, fileSize: Int,
                                 footerLength: Int) throws(SluiceError) {
        guard !metadata.isEncrypted else { throw ParquetError.unsupported("encrypted files are not supported") }
        guard metadata.numRows >= 0 else { throw ParquetError.corrupt("file declares \(metadata.numRows) rows") }
        var total: Int64 = 0
        for (index, group) in metadata.rowGroups.enumerated() {
            guard group.numRows >= 0 else { throw ParquetError.corrupt("row group \(index) declares \(group.numRows) rows") }
            guard group.columns.count == schema.leafCount else {
                throw ParquetError.corrupt("row group \(index) has \(group.columns.count) column chunks for \(schema.leafCount) leaf columns")
            }
            let (sum, overflow) = total.addingReportingOverflow(group.numRows)
            guard !overflow else { throw ParquetError.corrupt("row groups declare more than 2^63 rows") }
            total = sum
        }
    }

    /// Whether the writer is a parquet-mr older than 1.2.9, whose total_compressed_size left out the
    /// dictionary page header (PARQUET-816): such chunks are read with up to 100 bytes of slack.
    private static func understatesChunkSize(_ createdBy: String?) -> Bool {
        guard let createdBy else { return false }
        guard createdBy.hasPrefix("parquet-mr") else { return false }
        let parts = createdBy.split(separator: " ")
        guard parts.count >= 3, parts[1] == "version" else { return true }
        let numbers = parts[2].split(whereSeparator: { !$0.isNumber }).prefix(3).compactMap { Int($0) }
        guard numbers.count == 3 else { return true }
        return numbers.lexicographicallyPrecedes([1, 2, 9])
    }

    // MARK: reading

    /// Reads row group `index`, all readable columns or those named in `columns` (in that order).
    public func readRowGroup(_ index: Int, columns: [String]? = nil) throws(SluiceError) -> RecordBatch {
        do throws(SluiceError) {
            let selected = try resolve(columns)
            return try readRowGroup(index, selected: selected)
        } catch {
            throw error.adding(ErrorContext(file: input.name))
        }
    }

    /// The positions in ``fileSchema``'s columns of the columns named (all of them for nil).
    func resolve(_ names: [String]?) throws(SluiceError) -> [Int] {
        guard let names else {
            if let first = fileSchema.unsupported.first {
                throw ParquetError.unsupported(first.reason, column: first.name)
            }
            return Array(fileSchema.columns.indices)
        }
        var result: [Int] = []
        for name in names {
            if let index = fileSchema.columns.firstIndex(where: { $0.name == name }) {
                result.append(index)
            } else if let nested = fileSchema.unsupported.first(where: { $0.name == name }) {
                throw ParquetError.unsupported(nested.reason, column: name)
            } else {
                throw ParquetError.usage("no column named '\(name)' in the file", column: name)
            }
        }
        return result
    }

    /// Row group `index`'s metadata, checked against the row limit.
    func rowGroup(_ index: Int) throws(SluiceError) -> ParquetRowGroup {
        guard index >= 0, index < metadata.rowGroups.count else {
            throw ParquetError.usage("row group \(index) does not exist (the file has \(metadata.rowGroups.count))")
        }
        let group = metadata.rowGroups[index]
        guard group.numRows <= Int64(options.maxRowGroupRows) else {
            throw SluiceError(.parquetLimit, "row group \(index) has \(group.numRows) rows, over the reader limit of \(options.maxRowGroupRows)")
        }
        return group
    }

    func readRowGroup(_ index: Int, selected: [Int]) throws(SluiceError) -> RecordBatch {
        let group = try rowGroup(index)
        let rows = Int(group.numRows)
        var fields: [Field] = []
        var columns: [Column] = []
        var buffer: [UInt8] = []
        announce(group, selected: selected)
        for position in selected {
            let descriptor = fileSchema.columns[position]
            let chunk = group.columns[fileSchema.chunkIndices[position]]
            do throws(SluiceError) {
                if let nested = descriptor.nested {
                    columns.append(try readNested(nested, group: group, rows: rows, buffer: &buffer))
                } else {
                    var ignored = LeafLevels()
                    columns.append(try readChunk(chunk, descriptor: descriptor, rows: rows, buffer: &buffer,
                                                 levels: nil, collected: &ignored))
                }
            } catch {
                var located = error.adding(ErrorContext(column: descriptor.name))
                located.message = "row group \(index): " + located.message
                throw located
            }
            fields.append(descriptor.field)
        }
        if columns.isEmpty {
            // A projection of no columns still has the row group's row count.
            var batch = try RecordBatch(schema: Schema([]), columns: [])
            batch.rowCount = rows
            return batch
        }
        return try RecordBatch(schema: Schema(fields), columns: columns)
    }

    /// Reads and decodes one column chunk; `buffer` is reused for the chunk's bytes from one column to the next.
    /// `levels`: a nested column's leaf, whose levels go to `collected` (`rows` then counts level entries).
    func readChunk(_ chunk: ParquetColumnChunk, descriptor: ParquetColumnDescriptor, rows: Int,
                           buffer: inout [UInt8], levels: (repetition: Int, definition: Int)?,
                           collected: inout LeafLevels) throws(SluiceError) -> Column {
        guard !chunk.isEncrypted else { throw ParquetError.unsupported("encrypted column chunks are not supported") }
        guard chunk.filePath == nil else {
            throw ParquetError.unsupported("column chunk stored in another file (\(chunk.filePath!)) is not supported")
        }
        guard let meta = chunk.metaData else { throw ParquetError.corrupt("column chunk has no metadata") }
        guard meta.type == descriptor.physicalType else {
            throw ParquetError.corrupt("column chunk type \(meta.type) differs from the schema's \(descriptor.physicalType)")
        }
        guard meta.numValues == Int64(rows) else {
            throw ParquetError.corrupt("column chunk holds \(meta.numValues) values for \(rows) rows")
        }
        if rows == 0 {
            var empty = ColumnBuilder(type: descriptor.dataType)
            return empty.finish()
        }
        let range = try byteRange(of: meta)
        let length = range.count
        try input.read(offset: range.lowerBound, count: length, into: &buffer)
        var decoder = ColumnChunkDecoder(descriptor: descriptor, codec: meta.codec, rows: rows, options: options,
                                         expectedBytes: Int(clamping: meta.totalUncompressedSize))
        decoder.levels = levels
        return try buffer.withBytes { (raw) throws(SluiceError) in
            try decoder.decode(UnsafeRawBufferPointer(rebasing: raw[..<length]), levels: &collected)
        }
    }

    /// Where a column chunk's bytes lie in the file (dictionary page first), checked to lie within the data.
    func byteRange(of meta: ParquetColumnMetaData) throws(SluiceError) -> Range<Int> {
        var start = meta.dataPageOffset
        if let dictionary = meta.dictionaryPageOffset, dictionary > 0, dictionary < start { start = dictionary }
        let dataEnd = Int64(input.size - 8 - footerLength)
        guard start >= 4, meta.totalCompressedSize >= 0, start <= dataEnd else {
            throw ParquetError.corrupt("column chunk at offset \(start) of \(meta.totalCompressedSize) bytes lies outside the data")
        }
        // Old parquet-mr understates total_compressed_size; never read past the data either way.
        let slack: Int64 = Self.understatesChunkSize(metadata.createdBy) ? 100 : 0
        let available = dataEnd - start
        let length = Int(min(min(meta.totalCompressedSize, available) + slack, available))
        return Int(start)..<Int(start) + length
    }

    /// Tells the input that row group `index`'s `columns` (all for nil) are read soon, so that a remote input fetches
    /// them while the caller decodes the row group before (``ParquetInput/willRead(_:)``; a local file ignores it).
    public func prefetch(rowGroup index: Int, columns: [String]? = nil) {
        guard index >= 0, index < metadata.rowGroups.count, let selected = try? resolve(columns) else { return }
        announce(metadata.rowGroups[index], selected: selected)
    }

    /// Tells the input which byte ranges row group `group`'s flat `selected` columns are about to read
    /// (``ParquetInput/willRead(_:)``). Chunks whose metadata is damaged are left out: reading them reports it.
    func announce(_ group: ParquetRowGroup, selected: [Int]) {
        guard group.numRows > 0 else { return }
        var ranges: [Range<Int>] = []
        for position in selected where fileSchema.columns[position].nested == nil {
            guard let meta = group.columns[fileSchema.chunkIndices[position]].metaData, let range = try? byteRange(of: meta) else { continue }
            ranges.append(range)
        }
        if !ranges.isEmpty { input.willRead(ranges) }
    }

    /// Row groups one at a time, with bounded memory: see ``ParquetBatchIterator``.
    public func batches(columns: [String]? = nil, rowGroups: [Int]? = nil) -> ParquetBatchIterator {
        ParquetBatchIterator(reader: self, columns: columns, rowGroups: rowGroups ?? Array(0..<rowGroupCount))
    }
}
