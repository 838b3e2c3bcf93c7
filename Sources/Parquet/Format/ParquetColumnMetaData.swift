import SluiceCore

/// Where a column chunk's pages are and how they are encoded (parquet.thrift `ColumnMetaData`).
public struct ParquetColumnMetaData: Sendable, Hashable {
    public var type: ParquetPhysicalType
    public var encodings: [ParquetEncoding]
    public var pathInSchema: [String]
    public var codec: ParquetCodec
    /// Values in the chunk, NULLs included.
    public var numValues: Int64
    public var totalUncompressedSize: Int64
    public var totalCompressedSize: Int64
    public var keyValueMetadata: [ParquetKeyValue]?
    public var dataPageOffset: Int64
    public var indexPageOffset: Int64?
    public var dictionaryPageOffset: Int64?
    public var statistics: ParquetStatistics?

    public init(type: ParquetPhysicalType, encodings: [ParquetEncoding], pathInSchema: [String], codec: ParquetCodec,
                numValues: Int64, totalUncompressedSize: Int64, totalCompressedSize: Int64,
                keyValueMetadata: [ParquetKeyValue]? = nil, dataPageOffset: Int64, indexPageOffset: Int64? = nil,
                dictionaryPageOffset: Int64? = nil, statistics: ParquetStatistics? = nil) {
        self.type = type
        self.encodings = encodings
        self.pathInSchema = pathInSchema
        self.codec = codec
        self.numValues = numValues
        self.totalUncompressedSize = totalUncompressedSize
        self.totalCompressedSize = totalCompressedSize
        self.keyValueMetadata = keyValueMetadata
        self.dataPageOffset = dataPageOffset
        self.indexPageOffset = indexPageOffset
        self.dictionaryPageOffset = dictionaryPageOffset
        self.statistics = statistics
    }
}

extension ParquetColumnMetaData {
    init(from r: inout ThriftCompactReader) throws(SluiceError) {
        var type: ParquetPhysicalType?, encodings: [ParquetEncoding]?, path: [String]?, codec: Int32?
        var numValues: Int64?, uncompressed: Int64?, compressed: Int64?, kv: [ParquetKeyValue]?
        var dataOffset: Int64?, indexOffset: Int64?, dictionaryOffset: Int64?, statistics: ParquetStatistics?
        var last: Int16 = 0
        while let f = try r.readFieldHeader(&last) {
            switch f.id {
            case 1:
                let raw = try r.readI32(f)
                guard let known = ParquetPhysicalType(rawValue: raw) else {
                    throw ParquetError.corrupt("invalid column metadata: unknown physical type \(raw)")
                }
                type = known
            case 2: encodings = try r.readI32List(f).map { ParquetEncoding(rawValue: $0) }
            case 3: path = try r.readStringList(f)
            case 4: codec = try r.readI32(f)
            case 5: numValues = try r.readI64(f)
            case 6: uncompressed = try r.readI64(f)
            case 7: compressed = try r.readI64(f)
            case 8: kv = try r.readStructList(f) { (r: inout ThriftCompactReader) throws(SluiceError) in
                try ParquetKeyValue(from: &r)
            }
            case 9: dataOffset = try r.readI64(f)
            case 10: indexOffset = try r.readI64(f)
            case 11: dictionaryOffset = try r.readI64(f)
            case 12: statistics = try r.readStruct(f) { (r: inout ThriftCompactReader) throws(SluiceError) in
                try ParquetStatistics(from: &r)
            }
            default: try r.skip(f.type)
            }
        }
        guard let type, let path, let codec, let numValues, let uncompressed, let compressed, let dataOffset else {
            throw ThriftCompactReader.missing("type/path_in_schema/codec/num_values/sizes/data_page_offset",
                                              in: "ColumnMetaData")
        }
        self.init(type: type, encodings: encodings ?? [], pathInSchema: path, codec: ParquetCodec(rawValue: codec),
                  numValues: numValues, totalUncompressedSize: uncompressed, totalCompressedSize: compressed,
                  keyValueMetadata: kv, dataPageOffset: dataOffset, indexPageOffset: indexOffset,
                  dictionaryPageOffset: dictionaryOffset, statistics: statistics)
    }

    func encode(to w: inout ThriftCompactWriter) {
        w.writeI32(id: 1, type.rawValue)
        w.writeI32List(id: 2, encodings.map(\.rawValue))
        w.writeStringList(id: 3, pathInSchema)
        w.writeI32(id: 4, codec.rawValue)
        w.writeI64(id: 5, numValues)
        w.writeI64(id: 6, totalUncompressedSize)
        w.writeI64(id: 7, totalCompressedSize)
        if let keyValueMetadata {
            w.writeStructList(id: 8, keyValueMetadata) { w, kv in kv.encode(to: &w) }
        }
        w.writeI64(id: 9, dataPageOffset)
        if let indexPageOffset { w.writeI64(id: 10, indexPageOffset) }
        if let dictionaryPageOffset { w.writeI64(id: 11, dictionaryPageOffset) }
        if let statistics { w.writeStruct(id: 12) { w in statistics.encode(to: &w) } }
    }
}
