import CZlib
import SluiceCore

/// Decodes one column chunk (its pages, from the first dictionary or data page) into a ``Column``:
/// page headers, checksums, decompression and definition levels here; values in a ``PageValuesDecoder``.
struct ColumnChunkDecoder {
    let descriptor: ParquetColumnDescriptor
    let codec: ParquetCodec
    let rows: Int
    let options: ParquetReaderOptions
    /// The chunk's `total_uncompressed_size`: where byte-string columns start their buffer.
    var expectedBytes = 0
    /// For a leaf of a nested column: its maximum levels. `rows` then counts level entries, not records, and
    /// the output column has one slot per entry (NULL where the definition level is below the maximum).
    var levels: (repetition: Int, definition: Int)? = nil

    /// What a page's `num_values` counts, for messages: values of a flat column, level entries of a leaf.
    private var entries: String { levels == nil ? "values" : "level entries" }

    /// What remains of the chunk after `done` entries, for messages.
    private func remaining(_ done: Int) -> String {
        levels == nil ? "\(rows - done) rows remain" : "\(rows - done) remain of the chunk's \(rows)"
    }

    func decode(_ chunk: UnsafeRawBufferPointer) throws(SluiceError) -> Column {
        var ignored = LeafLevels()
        return try decode(chunk, levels: &ignored)
    }

    /// Decodes a chunk, collecting its repetition and definition levels when ``levels`` is set.
    func decode(_ chunk: UnsafeRawBufferPointer, levels collected: inout LeafLevels) throws(SluiceError) -> Column {
        let values = try makeValuesDecoder()
        let optional = descriptor.isOptional || levels != nil
        if levels != nil {
            collected.repetition.reserveCapacity(rows)
            collected.definition.reserveCapacity(rows)
        }
        var validity = OutputArray<Bool>(count: optional ? rows : 0)
        var anyNull = false
        var pageBuffer = ByteBuffer(capacity: 1 << 16)
        var valuesBuffer = ByteBuffer(capacity: 64)
        var scratch = PODBuffer<UInt32>(capacity: 1024)
        scratch.resize(1024)
        var position = 0
        var done = 0
        var seenData = false
        while done < rows {
            guard position < chunk.count else {
                throw ParquetError.corrupt("column chunk ends after \(done) of its \(rows) rows")
            }
            var reader = ThriftCompactReader(chunk, position: position)
            let header = try ParquetPageHeader(from: &reader)
            let bodyStart = reader.position
            let compressedSize = Int(header.compressedPageSize), uncompressedSize = Int(header.uncompressedPageSize)
            guard compressedSize >= 0, uncompressedSize >= 0, compressedSize <= chunk.count - bodyStart else {
                throw ParquetError.corrupt("page of \(compressedSize) bytes (uncompressed \(uncompressedSize)) does not fit its column chunk")
            }
            guard uncompressedSize <= options.maxPageBytes else {
                throw SluiceError(.parquetLimit, "page of \(uncompressedSize) bytes exceeds the reader limit of \(options.maxPageBytes) bytes (ParquetReaderOptions.maxPageBytes; `sluice parquet cat --max-page-mib`)")
            }
            let body = UnsafeRawBufferPointer(rebasing: chunk[bodyStart..<bodyStart + compressedSize])
            position = bodyStart + compressedSize
            if options.verifyChecksums, let crc = header.crc {
                let actual = UInt32(crc32(0, body.baseAddress?.assumingMemoryBound(to: Bytef.self), uInt(body.count)))
                guard actual == UInt32(bitPattern: crc) else {
                    throw ParquetError.corrupt("page checksum mismatch (CRC-32 \(actual), header says \(UInt32(bitPattern: crc)))")
                }
            }
            switch header.type {
            case .dictionaryPage:
                guard let dictionary = header.dictionaryPage else { throw ParquetError.corrupt("dictionary page without its header") }
                guard !seenData else { throw ParquetError.corrupt("dictionary page after data pages") }
                guard dictionary.encoding == .plain || dictionary.encoding == .plainDictionary else {
                    throw ParquetError.unsupported("dictionary page encoding \(dictionary.encoding) is not supported")
                }
                let count = Int(dictionary.numValues)
                guard count >= 0 else { throw ParquetError.corrupt("dictionary page has \(count) values") }
                let data = try decompress(body, size: uncompressedSize, into: &pageBuffer)
                try values.readDictionary(data, count)
            case .dataPage:
                guard let page = header.dataPage else { throw ParquetError.corrupt("data page without its header") }
                let n = Int(page.numValues)
                guard n >= 0, n <= rows - done else {
                    throw ParquetError.corrupt("data page has \(n) \(entries) where \(remaining(done))")
                }
                let data = try decompress(body, size: uncompressedSize, into: &pageBuffer)
                var offset = 0
                var nonNull = n
                if let levels {
                    nonNull = try validity.withSlots(from: done) { (target) throws(SluiceError) in
                        try LeafLevels.decodeV1(data, count: n, page: page, maximum: levels, validity: target,
                                                into: &collected, offset: &offset)
                    }
                } else if optional {
                  try validity.withSlots(from: done) { (target) throws(SluiceError) in
                    switch page.definitionLevelEncoding {
                    case .rle:
                        guard data.count >= 4 else { throw ParquetError.corrupt("data page too short for its definition levels") }
                        let length = Int(UInt32(littleEndian: data.baseAddress!.loadUnaligned(as: UInt32.self)))
                        guard length <= data.count - 4 else {
                            throw ParquetError.corrupt("definition levels of \(length) bytes run past the end of the page")
                        }
                        var decoder = RLEHybridDecoder(UnsafeRawBufferPointer(rebasing: data[4..<4 + length]), bitWidth: 1)
                        nonNull = try decoder.decodeValidity(into: target, count: n, scratch: scratch.base,
                                                             scratchCount: scratch.count)
                        offset = 4 + length
                    case .bitPacked:
                        let length = (n + 7) / 8
                        guard length <= data.count else { throw ParquetError.corrupt("BIT_PACKED definition levels are truncated") }
                        nonNull = 0
                        for k in 0..<n {
                            let present = data[k >> 3] >> UInt8(7 - k & 7) & 1 == 1
                            target[k] = present
                            nonNull += present ? 1 : 0
                        }
                        offset = length
                    default:
                        throw ParquetError.unsupported("definition level encoding \(page.definitionLevelEncoding) is not supported")
                    }
                  }
                }
                if nonNull < n { anyNull = true }
                try readValues(values, UnsafeRawBufferPointer(rebasing: data[offset...]), page.encoding, nonNull, done, n,
                               &validity)
                done += n
                seenData = true
            case .dataPageV2:
                guard let page = header.dataPageV2 else { throw ParquetError.corrupt("data page v2 without its header") }
                let n = Int(page.numValues)
                guard n >= 0, n <= rows - done, levels != nil || Int(page.numRows) == n else {
                    throw ParquetError.corrupt("data page v2 has \(page.numValues) \(entries) and \(page.numRows) rows where \(remaining(done))")
                }
                let repLength = Int(page.repetitionLevelsByteLength), defLength = Int(page.definitionLevelsByteLength)
                guard repLength >= 0, defLength >= 0, repLength + defLength <= compressedSize,
                      repLength + defLength <= uncompressedSize else {
                    throw ParquetError.corrupt("data page v2 level lengths do not fit the page")
                }
                var nonNull = n
                if let levels {
                    nonNull = try validity.withSlots(from: done) { (target) throws(SluiceError) in
                        try LeafLevels.decodeV2(repetition: UnsafeRawBufferPointer(rebasing: body[..<repLength]),
                                                definition: UnsafeRawBufferPointer(rebasing: body[repLength..<repLength + defLength]),
                                                count: n, maximum: levels, validity: target, into: &collected)
                    }
                } else if optional {
                    let levels = UnsafeRawBufferPointer(rebasing: body[repLength..<repLength + defLength])
                    var decoder = RLEHybridDecoder(levels, bitWidth: 1)
                    nonNull = try validity.withSlots(from: done) { (target) throws(SluiceError) in
                        try decoder.decodeValidity(into: target, count: n, scratch: scratch.base, scratchCount: scratch.count)
                    }
                }
                let section = UnsafeRawBufferPointer(rebasing: body[(repLength + defLength)...])
                let data: UnsafeRawBufferPointer
                if page.isCompressed && codec != .uncompressed {
                    data = try decompress(section, size: uncompressedSize - repLength - defLength, into: &valuesBuffer)
                } else {
                    data = section
                }
                if nonNull < n { anyNull = true }
                try readValues(values, data, page.encoding, nonNull, done, n, &validity)
                done += n
                seenData = true
            default:
                continue   // index pages and future page types carry no rows
            }
        }
        return Column(values: values.finish(), validity: anyNull ? validity.values : nil)
    }

    /// Decodes a page's values, passing the page's validity slots when some of its rows are NULL.
    private func readValues(_ values: PageValuesDecoderBox, _ data: UnsafeRawBufferPointer, _ encoding: ParquetEncoding,
                            _ nonNull: Int, _ rowStart: Int, _ rows: Int, _ validity: inout OutputArray<Bool>)
        throws(SluiceError) {
        if nonNull == rows {
            try values.readValues(data, encoding, nonNull, rowStart, rows, nil)
        } else {
            try validity.withSlots(from: rowStart) { (slots) throws(SluiceError) in
                try values.readValues(data, encoding, nonNull, rowStart, rows, UnsafePointer(slots))
            }
        }
    }

    private func decompress(_ body: UnsafeRawBufferPointer, size: Int, into buffer: inout ByteBuffer)
        throws(SluiceError) -> UnsafeRawBufferPointer {
        if codec == .uncompressed || (size == 0 && body.isEmpty) { return body }
        buffer.removeAll()
        let start = buffer.appendUninitialized(size)
        try PageCodec.decompress(body, codec: codec, into: UnsafeMutableRawBufferPointer(start: start, count: size))
        return UnsafeRawBufferPointer(start: start, count: size)
    }

    private func makeValuesDecoder() throws(SluiceError) -> PageValuesDecoderBox {
        let maxPage = options.maxPageBytes
        func numeric<C: NumericConverter>(_ converter: C, _ make: @escaping ([C.Output]) -> ColumnValues)
            -> PageValuesDecoderBox where C.Physical: PhysicalNumeric {
            PageValuesDecoderBox(NumericPageDecoder(rows: rows, converter: converter, factory: .init(make: make)))
        }
        func converted<C: BytesConverter>(_ converter: C, width: Int, _ make: @escaping ([C.Output]) -> ColumnValues)
            -> PageValuesDecoderBox {
            PageValuesDecoderBox(ConvertedBytesPageDecoder(rows: rows, width: width, maxPageBytes: maxPage,
                                                           converter: converter, factory: .init(make: make)))
        }
        switch (descriptor.physicalType, descriptor.conversion) {
        case (.boolean, _):
            return PageValuesDecoderBox(BooleanPageDecoder(rows: rows))
        case (.int32, .identity):
            return numeric(IdentityConverter<Int32>()) { .int32($0) }
        case (.int32, .uint32ToInt64):
            return numeric(UInt32ToInt64Converter()) { .int64($0) }
        case (.int32, .int32ToInt64(let factor)):
            return numeric(Int32ScaledConverter(factor: factor)) { .int64($0) }
        case (.int32, .intToDecimal):
            return numeric(IntToDecimalConverter<Int32>(limit: decimalLimit)) { .int128($0) }
        case (.int64, .identity):
            return numeric(IdentityConverter<Int64>()) { .int64($0) }
        case (.int64, .int64Multiply(let factor)):
            return numeric(Int64MultiplyConverter(factor: factor)) { .int64($0) }
        case (.int64, .int64FloorDivide(let divisor)):
            return numeric(Int64FloorDivideConverter(divisor: divisor)) { .int64($0) }
        case (.int64, .intToDecimal):
            return numeric(IntToDecimalConverter<Int64>(limit: decimalLimit)) { .int128($0) }
        case (.float, .identity):
            return numeric(IdentityConverter<Float>()) { .float32($0) }
        case (.double, .identity):
            return numeric(IdentityConverter<Double>()) { .float64($0) }
        case (.int96, .int96ToTimestamp):
            return converted(Int96Converter(), width: 12) { .int64($0) }
        case (.byteArray, .identity):
            return PageValuesDecoderBox(BytesPageDecoder(rows: rows, width: 0, maxPageBytes: maxPage, expectedBytes: expectedBytes))
        case (.fixedLenByteArray, .fixedToBytes):
            return PageValuesDecoderBox(BytesPageDecoder(rows: rows, width: descriptor.typeLength, maxPageBytes: maxPage,
                                                         expectedBytes: expectedBytes))
        case (.byteArray, .bytesToDecimal), (.fixedLenByteArray, .bytesToDecimal):
            return converted(DecimalBytesConverter(limit: decimalLimit), width: descriptor.typeLength) { .int128($0) }
        case (.fixedLenByteArray, .float16ToFloat):
            return converted(Float16Converter(), width: 2) { .float32($0) }
        case (.fixedLenByteArray, .identity) where descriptor.dataType == .uuid:
            return converted(UUIDConverter(), width: 16) { values in
                .fixedBytes(width: 16, values.withUnsafeBytes { Array($0) })
            }
        default:
            throw ParquetError.unsupported("\(descriptor.physicalType) column read as \(descriptor.dataType) is not supported")
        }
    }

    private var decimalLimit: Int128 {
        if case .decimal(let precision, _) = descriptor.dataType { return DecimalText.powerOfTen(precision) }
        return Int128.max
    }
}
