import SluiceCore

/// Builds one column chunk of the current row group: definition levels, values (through a
/// ``ColumnValueEncoder``), pages with headers and statistics, compression. Pages stay in memory until the
/// row group is written out by ``finishChunk(at:write:)``.
final class ColumnChunkWriter {
    let descriptor: ParquetColumnDescriptor
    private let options: ParquetWriterOptions
    private let encoder: ColumnValueEncoderBox
    private var levels = RLEHybridEncoder(bitWidth: 1, capacity: 4096)
    private var pageBody = ByteBuffer(capacity: 1 << 16)
    private var compressed = ByteBuffer(capacity: 1 << 16)
    /// Data pages of the current chunk, each its header followed by its (compressed) body. A list rather than
    /// one growing buffer, so that a large chunk is never copied while it grows.
    private var pages: [[UInt8]] = []
    private var pagesBytes = 0
    private var pageRows = 0
    private var pageNulls = 0
    private var chunkValues = 0
    private var chunkNulls = 0
    private var dataUncompressed = 0
    private var encodings: [ParquetEncoding] = []

    /// Mini-batch of rows between page-size checks.
    private static let miniBatch = 1024

    init(descriptor: ParquetColumnDescriptor, options: ParquetWriterOptions) {
        self.descriptor = descriptor
        self.options = options
        let dictionary = options.dictionaryEnabled
        let limit = options.dictionaryPageLimitBytes
        switch descriptor.physicalType {
        case .boolean:
            encoder = ColumnValueEncoderBox(BooleanEncoder())
        case .int32:
            let unsigned: Bool
            if case .integer(_, let signed)? = descriptor.logicalType { unsigned = !signed } else { unsigned = false }
            encoder = ColumnValueEncoderBox(NumericEncoder<Int32>(unsignedOrder: unsigned, dictionaryEnabled: dictionary, dictionaryLimit: limit))
        case .int64:
            let unsigned: Bool
            if case .integer(_, let signed)? = descriptor.logicalType { unsigned = !signed } else { unsigned = false }
            encoder = ColumnValueEncoderBox(NumericEncoder<Int64>(unsignedOrder: unsigned, dictionaryEnabled: dictionary, dictionaryLimit: limit))
        case .float:
            encoder = ColumnValueEncoderBox(NumericEncoder<Float>(unsignedOrder: false, dictionaryEnabled: dictionary, dictionaryLimit: limit))
        case .double:
            encoder = ColumnValueEncoderBox(NumericEncoder<Double>(unsignedOrder: false, dictionaryEnabled: dictionary, dictionaryLimit: limit))
        case .byteArray, .fixedLenByteArray:
            let signed: Bool
            if case .decimal? = descriptor.logicalType { signed = true } else { signed = false }
            encoder = ColumnValueEncoderBox(ByteStringEncoder(fixedWidth: descriptor.typeLength, signedOrder: signed,
                                                              dictionaryEnabled: dictionary, dictionaryLimit: limit,
                                                              maxStatisticsBytes: options.maxStatisticsBytes))
        case .int96:
            preconditionFailure("Sluice never writes INT96")
        }
    }

    /// Estimated bytes this chunk adds to the row group so far.
    var estimatedBytes: Int { pagesBytes + encoder.pageValueBytes() + levels.output.count }

    /// Appends rows `rows` of `column`.
    func append(_ column: Column, rows: Range<Int>) throws(SluiceError) {
        var start = rows.lowerBound
        let byteOffsets: [Int]?
        if case .bytes(let arrays) = column.values { byteOffsets = arrays.offsets } else { byteOffsets = nil }
        while start < rows.upperBound {
            var end = min(start + Self.miniBatch, rows.upperBound)
            if let offsets = byteOffsets {
                // Keep pages near pageBytes even when values are large: stop once the bytes reach the room left.
                let room = max(options.pageBytes - encoder.pageValueBytes(), 1)
                var k = start + 1
                while k < end && offsets[k] - offsets[start] < room { k += 1 }
                end = k
            }
            appendLevels(column, start..<end)
            encoder.append(column, start..<end)
            pageRows += end - start
            if encoder.pageValueBytes() + levels.output.count >= options.pageBytes { try flushPage() }
            if encoder.dictionaryFull() {
                try flushPage()
                encoder.fallBackToPlain()
            }
            start = end
        }
    }

    private func appendLevels(_ column: Column, _ rows: Range<Int>) {
        guard descriptor.isOptional else { return }
        guard let validity = column.validity else {
            levels.put(1, repeating: rows.count)
            return
        }
        var nulls = 0
        validity.withUnsafeBufferPointer { valid in
            // Runs of equal validity go to the encoder as runs (long ones cost O(1)).
            var row = rows.lowerBound
            let end = rows.upperBound
            while row < end {
                let present = valid[row]
                var runEnd = row + 1
                while runEnd < end && valid[runEnd] == present { runEnd += 1 }
                levels.put(present ? 1 : 0, repeating: runEnd - row)
                if !present { nulls &+= runEnd - row }
                row = runEnd
            }
        }
        pageNulls += nulls
    }

    /// Ends the current page (if it has rows): encodes, compresses and appends it to the chunk.
    func flushPage() throws(SluiceError) {
        guard pageRows > 0 else { return }
        levels.finish()
        pageBody.removeAll()
        compressed.removeAll()
        let levelBytes = levels.output.count
        let header: ParquetPageHeader
        switch options.dataPageVersion {
        case .v1:
            if descriptor.isOptional {
                pageBody.appendUInt32LE(UInt32(levelBytes))
                pageBody.append(contentsOf: levels.output)
            }
            let (encoding, minMax) = encoder.finishPage(&pageBody)
            note(encoding)
            try pageBody.withUnsafeBytes { (body) throws(SluiceError) in
                try PageCodec.compress(body, with: options.compression, into: &compressed)
            }
            header = ParquetPageHeader(
                type: .dataPage, uncompressedPageSize: try size(pageBody.count), compressedPageSize: try size(compressed.count),
                dataPage: .init(numValues: Int32(pageRows), encoding: encoding, definitionLevelEncoding: .rle,
                                repetitionLevelEncoding: .rle, statistics: pageStatistics(minMax)))
            dataUncompressed += pageBody.count
        case .v2:
            let (encoding, minMax) = encoder.finishPage(&pageBody)
            note(encoding)
            let compress = options.compression != .uncompressed
            if descriptor.isOptional { compressed.append(contentsOf: levels.output) }
            try pageBody.withUnsafeBytes { (body) throws(SluiceError) in
                try PageCodec.compress(body, with: compress ? options.compression : .uncompressed, into: &compressed)
            }
            let uncompressedSize = pageBody.count + (descriptor.isOptional ? levelBytes : 0)
            header = ParquetPageHeader(
                type: .dataPageV2, uncompressedPageSize: try size(uncompressedSize),
                compressedPageSize: try size(compressed.count),
                dataPageV2: .init(numValues: Int32(pageRows), numNulls: Int32(pageNulls), numRows: Int32(pageRows),
                                  encoding: encoding, definitionLevelsByteLength: Int32(descriptor.isOptional ? levelBytes : 0),
                                  repetitionLevelsByteLength: 0, isCompressed: compress,
                                  statistics: pageStatistics(minMax)))
            dataUncompressed += uncompressedSize
        }
        let headerBytes = header.serialized()
        let body = compressed.bytes
        pages.append([UInt8](unsafeUninitializedCapacity: headerBytes.count + body.count) { buffer, initialized in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            headerBytes.withUnsafeBytes { raw.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            if body.count > 0 { (raw.baseAddress! + headerBytes.count).copyMemory(from: body.baseAddress!, byteCount: body.count) }
            initialized = headerBytes.count + body.count
        })
        pagesBytes += headerBytes.count + body.count
        dataUncompressed += headerBytes.count
        chunkValues += pageRows
        chunkNulls += pageNulls
        pageRows = 0
        pageNulls = 0
        levels.reset()
    }

    private func size(_ count: Int) throws(SluiceError) -> Int32 {
        guard let value = Int32(exactly: count) else {
            throw ParquetError.usage("a page of \(count) bytes exceeds Parquet's 2 GiB page limit; lower pageBytes",
                                     column: descriptor.name)
        }
        return value
    }

    private func note(_ encoding: ParquetEncoding) {
        if !encodings.contains(encoding) { encodings.append(encoding) }
    }

    private func pageStatistics(_ minMax: PageMinMax?) -> ParquetStatistics? {
        guard options.pageStatistics else { return nil }
        return statistics(minMax, nulls: pageNulls)
    }

    private func statistics(_ minMax: PageMinMax?, nulls: Int) -> ParquetStatistics {
        var stats = ParquetStatistics(nullCount: Int64(nulls))
        if let minMax {
            stats.minValue = minMax.min
            stats.maxValue = minMax.max
            if minMax.legacyCompatible {
                stats.min = minMax.min
                stats.max = minMax.max
            }
        }
        return stats
    }

    /// Writes the chunk (dictionary page first) through `write`, which appends to the file at `offset`,
    /// and returns its metadata. Then starts a new chunk.
    func finishChunk(at offset: Int64, write: (UnsafeRawBufferPointer) throws(SluiceError) -> Void)
        throws(SluiceError) -> ParquetColumnChunk {
        try flushPage()
        var position = offset
        var uncompressedTotal = dataUncompressed
        var dictionaryOffset: Int64?
        var dictionaryBody = ByteBuffer(capacity: 1024)
        if let count = encoder.writeDictionaryPage(&dictionaryBody) {
            compressed.removeAll()
            try dictionaryBody.withUnsafeBytes { (body) throws(SluiceError) in
                try PageCodec.compress(body, with: options.compression, into: &compressed)
            }
            let header = ParquetPageHeader(
                type: .dictionaryPage, uncompressedPageSize: try size(dictionaryBody.count),
                compressedPageSize: try size(compressed.count),
                dictionaryPage: .init(numValues: Int32(count), encoding: .plain, isSorted: nil)).serialized()
            try header.withBytes { (bytes) throws(SluiceError) in try write(bytes) }
            try compressed.withUnsafeBytes { (bytes) throws(SluiceError) in try write(bytes) }
            dictionaryOffset = position
            position += Int64(header.count + compressed.count)
            uncompressedTotal += header.count + dictionaryBody.count
            if !encodings.contains(.plain) { encodings.insert(.plain, at: 0) }
        }
        let dataOffset = position
        for page in pages {
            try page.withBytes { (bytes) throws(SluiceError) in try write(bytes) }
        }
        position += Int64(pagesBytes)
        var allEncodings = encodings
        if descriptor.isOptional || encodings.contains(.rleDictionary) { allEncodings.append(.rle) }
        let meta = ParquetColumnMetaData(
            type: descriptor.physicalType, encodings: allEncodings, pathInSchema: [descriptor.name],
            codec: options.compression.codec, numValues: Int64(chunkValues),
            totalUncompressedSize: Int64(uncompressedTotal), totalCompressedSize: position - offset,
            dataPageOffset: dataOffset, dictionaryPageOffset: dictionaryOffset,
            statistics: statistics(encoder.chunkStatistics(), nulls: chunkNulls))
        pages.removeAll()
        pagesBytes = 0
        encoder.resetChunk()
        chunkValues = 0
        chunkNulls = 0
        dataUncompressed = 0
        encodings = []
        return ParquetColumnChunk(fileOffset: dictionaryOffset ?? dataOffset, metaData: meta)
    }
}
