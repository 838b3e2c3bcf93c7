public import SluiceCore

/// The header before every page of a column chunk (parquet.thrift `PageHeader` and its per-kind headers).
public struct ParquetPageHeader: Sendable, Hashable {
    public var type: ParquetPageType
    public var uncompressedPageSize: Int32
    public var compressedPageSize: Int32
    public var crc: Int32?
    public var dataPage: DataPage?
    public var dictionaryPage: DictionaryPage?
    public var dataPageV2: DataPageV2?

    /// parquet.thrift `DataPageHeader`.
    public struct DataPage: Sendable, Hashable {
        /// Values in the page, NULLs included.
        public var numValues: Int32
        public var encoding: ParquetEncoding
        public var definitionLevelEncoding: ParquetEncoding
        public var repetitionLevelEncoding: ParquetEncoding
        public var statistics: ParquetStatistics?
    }

    /// parquet.thrift `DictionaryPageHeader`.
    public struct DictionaryPage: Sendable, Hashable {
        public var numValues: Int32
        public var encoding: ParquetEncoding
        public var isSorted: Bool?
    }

    /// parquet.thrift `DataPageHeaderV2`: levels are stored uncompressed before the (maybe compressed) values.
    public struct DataPageV2: Sendable, Hashable {
        public var numValues: Int32
        public var numNulls: Int32
        public var numRows: Int32
        public var encoding: ParquetEncoding
        public var definitionLevelsByteLength: Int32
        public var repetitionLevelsByteLength: Int32
        public var isCompressed: Bool
        public var statistics: ParquetStatistics?
    }

    init(type: ParquetPageType, uncompressedPageSize: Int32, compressedPageSize: Int32, crc: Int32? = nil,
         dataPage: DataPage? = nil, dictionaryPage: DictionaryPage? = nil, dataPageV2: DataPageV2? = nil) {
        self.type = type
        self.uncompressedPageSize = uncompressedPageSize
        self.compressedPageSize = compressedPageSize
        self.crc = crc
        self.dataPage = dataPage
        self.dictionaryPage = dictionaryPage
        self.dataPageV2 = dataPageV2
    }
}

extension ParquetPageHeader {
    init(from r: inout ThriftCompactReader) throws(SluiceError) {
        var type: Int32?, uncompressed: Int32?, compressed: Int32?, crc: Int32?
        var data: DataPage?, dictionary: DictionaryPage?, v2: DataPageV2?
        var last: Int16 = 0
        while let f = try r.readFieldHeader(&last) {
            switch f.id {
            case 1: type = try r.readI32(f)
            case 2: uncompressed = try r.readI32(f)
            case 3: compressed = try r.readI32(f)
            case 4: crc = try r.readI32(f)
            case 5: data = try r.readStruct(f) { (r: inout ThriftCompactReader) throws(SluiceError) in try DataPage(from: &r) }
            case 7: dictionary = try r.readStruct(f) { (r: inout ThriftCompactReader) throws(SluiceError) in
                try DictionaryPage(from: &r)
            }
            case 8: v2 = try r.readStruct(f) { (r: inout ThriftCompactReader) throws(SluiceError) in try DataPageV2(from: &r) }
            default: try r.skip(f.type)
            }
        }
        guard let type, let uncompressed, let compressed else {
            throw ThriftCompactReader.missing("type/uncompressed_page_size/compressed_page_size", in: "PageHeader")
        }
        self.init(type: ParquetPageType(rawValue: type), uncompressedPageSize: uncompressed,
                  compressedPageSize: compressed, crc: crc, dataPage: data, dictionaryPage: dictionary, dataPageV2: v2)
    }

    func encode(to w: inout ThriftCompactWriter) {
        w.writeI32(id: 1, type.rawValue)
        w.writeI32(id: 2, uncompressedPageSize)
        w.writeI32(id: 3, compressedPageSize)
        if let crc { w.writeI32(id: 4, crc) }
        if let dataPage { w.writeStruct(id: 5) { w in dataPage.encode(to: &w) } }
        if let dictionaryPage { w.writeStruct(id: 7) { w in dictionaryPage.encode(to: &w) } }
        if let dataPageV2 { w.writeStruct(id: 8) { w in dataPageV2.encode(to: &w) } }
    }

    /// The header as compact-protocol bytes.
    func serialized() -> [UInt8] {
        var w = ThriftCompactWriter(capacity: 128)
        w.beginStruct()
        encode(to: &w)
        w.endStruct()
        return w.bytes
    }
}

extension ParquetPageHeader.DataPage {
    init(from r: inout ThriftCompactReader) throws(SluiceError) {
        var numValues: Int32?, encoding: Int32?, defEncoding: Int32?, repEncoding: Int32?
        var statistics: ParquetStatistics?
        var last: Int16 = 0
        while let f = try r.readFieldHeader(&last) {
            switch f.id {
            case 1: numValues = try r.readI32(f)
            case 2: encoding = try r.readI32(f)
            case 3: defEncoding = try r.readI32(f)
            case 4: repEncoding = try r.readI32(f)
            case 5: statistics = try r.readStruct(f) { (r: inout ThriftCompactReader) throws(SluiceError) in
                try ParquetStatistics(from: &r)
            }
            default: try r.skip(f.type)
            }
        }
        guard let numValues, let encoding else { throw ThriftCompactReader.missing("num_values/encoding", in: "DataPageHeader") }
        self.init(numValues: numValues, encoding: ParquetEncoding(rawValue: encoding),
                  definitionLevelEncoding: ParquetEncoding(rawValue: defEncoding ?? 3),
                  repetitionLevelEncoding: ParquetEncoding(rawValue: repEncoding ?? 3), statistics: statistics)
    }

    func encode(to w: inout ThriftCompactWriter) {
        w.writeI32(id: 1, numValues)
        w.writeI32(id: 2, encoding.rawValue)
        w.writeI32(id: 3, definitionLevelEncoding.rawValue)
        w.writeI32(id: 4, repetitionLevelEncoding.rawValue)
        if let statistics { w.writeStruct(id: 5) { w in statistics.encode(to: &w) } }
    }
}

extension ParquetPageHeader.DictionaryPage {
    init(from r: inout ThriftCompactReader) throws(SluiceError) {
        var numValues: Int32?, encoding: Int32?, sorted: Bool?
        var last: Int16 = 0
        while let f = try r.readFieldHeader(&last) {
            switch f.id {
            case 1: numValues = try r.readI32(f)
            case 2: encoding = try r.readI32(f)
            case 3: sorted = try r.readBool(f)
            default: try r.skip(f.type)
            }
        }
        guard let numValues else { throw ThriftCompactReader.missing("num_values", in: "DictionaryPageHeader") }
        self.init(numValues: numValues, encoding: ParquetEncoding(rawValue: encoding ?? 0), isSorted: sorted)
    }

    func encode(to w: inout ThriftCompactWriter) {
        w.writeI32(id: 1, numValues)
        w.writeI32(id: 2, encoding.rawValue)
        if let isSorted { w.writeBool(id: 3, isSorted) }
    }
}

extension ParquetPageHeader.DataPageV2 {
    init(from r: inout ThriftCompactReader) throws(SluiceError) {
        var numValues: Int32?, numNulls: Int32?, numRows: Int32?, encoding: Int32?
        var defLength: Int32?, repLength: Int32?, compressed = true
        var statistics: ParquetStatistics?
        var last: Int16 = 0
        while let f = try r.readFieldHeader(&last) {
            switch f.id {
            case 1: numValues = try r.readI32(f)
            case 2: numNulls = try r.readI32(f)
            case 3: numRows = try r.readI32(f)
            case 4: encoding = try r.readI32(f)
            case 5: defLength = try r.readI32(f)
            case 6: repLength = try r.readI32(f)
            case 7: compressed = try r.readBool(f)
            case 8: statistics = try r.readStruct(f) { (r: inout ThriftCompactReader) throws(SluiceError) in
                try ParquetStatistics(from: &r)
            }
            default: try r.skip(f.type)
            }
        }
        guard let numValues, let numNulls, let numRows, let encoding, let defLength, let repLength else {
            throw ThriftCompactReader.missing("num_values/num_nulls/num_rows/encoding/level lengths", in: "DataPageHeaderV2")
        }
        self.init(numValues: numValues, numNulls: numNulls, numRows: numRows, encoding: ParquetEncoding(rawValue: encoding),
                  definitionLevelsByteLength: defLength, repetitionLevelsByteLength: repLength,
                  isCompressed: compressed, statistics: statistics)
    }

    func encode(to w: inout ThriftCompactWriter) {
        w.writeI32(id: 1, numValues)
        w.writeI32(id: 2, numNulls)
        w.writeI32(id: 3, numRows)
        w.writeI32(id: 4, encoding.rawValue)
        w.writeI32(id: 5, definitionLevelsByteLength)
        w.writeI32(id: 6, repetitionLevelsByteLength)
        w.writeBool(id: 7, isCompressed)
        if let statistics { w.writeStruct(id: 8) { w in statistics.encode(to: &w) } }
    }
}

extension ParquetPageHeader {
    /// Decodes a page header at the start of `bytes`; returns it and its length in bytes.
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(SluiceError) -> (header: ParquetPageHeader, length: Int) {
        var reader = ThriftCompactReader(bytes)
        let header = try ParquetPageHeader(from: &reader)
        return (header, reader.position)
    }

    /// The types of the pages in a column chunk's bytes, in order (for inspection and tests).
    public static func pageTypes(in chunk: [UInt8]) throws(SluiceError) -> [ParquetPageType] {
        try chunk.withBytes { (raw) throws(SluiceError) -> [ParquetPageType] in
            var position = 0
            var types: [ParquetPageType] = []
            while position < raw.count {
                let (header, length) = try decode(UnsafeRawBufferPointer(rebasing: raw[position...]))
                types.append(header.type)
                let size = Int(header.compressedPageSize)
                guard size >= 0, size <= raw.count - position - length else { break }
                position += length + size
            }
            return types
        }
    }
}
