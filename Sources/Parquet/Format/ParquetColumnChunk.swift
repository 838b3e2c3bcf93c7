import SluiceCore

/// One column's part of a row group (parquet.thrift `ColumnChunk`). Chunks in other files
/// (`file_path`) and encrypted column metadata are not supported by the reader.
public struct ParquetColumnChunk: Sendable, Hashable {
    public var filePath: String?
    public var fileOffset: Int64
    public var metaData: ParquetColumnMetaData?
    public var offsetIndexOffset: Int64?
    public var offsetIndexLength: Int32?
    public var columnIndexOffset: Int64?
    public var columnIndexLength: Int32?
    /// Whether the chunk carries `crypto_metadata` or `encrypted_column_metadata` (field 8 or 9).
    public var isEncrypted: Bool

    public init(filePath: String? = nil, fileOffset: Int64, metaData: ParquetColumnMetaData?,
                offsetIndexOffset: Int64? = nil, offsetIndexLength: Int32? = nil,
                columnIndexOffset: Int64? = nil, columnIndexLength: Int32? = nil, isEncrypted: Bool = false) {
        self.filePath = filePath
        self.fileOffset = fileOffset
        self.metaData = metaData
        self.offsetIndexOffset = offsetIndexOffset
        self.offsetIndexLength = offsetIndexLength
        self.columnIndexOffset = columnIndexOffset
        self.columnIndexLength = columnIndexLength
        self.isEncrypted = isEncrypted
    }
}

extension ParquetColumnChunk {
    init(from r: inout ThriftCompactReader) throws(SluiceError) {
        var path: String?, fileOffset: Int64 = 0, meta: ParquetColumnMetaData?
        var oiOffset: Int64?, oiLength: Int32?, ciOffset: Int64?, ciLength: Int32?, encrypted = false
        var last: Int16 = 0
        while let f = try r.readFieldHeader(&last) {
            switch f.id {
            case 1: path = try r.readString(f)
            case 2: fileOffset = try r.readI64(f)
            case 3: meta = try r.readStruct(f) { (r: inout ThriftCompactReader) throws(SluiceError) in
                try ParquetColumnMetaData(from: &r)
            }
            case 4: oiOffset = try r.readI64(f)
            case 5: oiLength = try r.readI32(f)
            case 6: ciOffset = try r.readI64(f)
            case 7: ciLength = try r.readI32(f)
            case 8, 9: encrypted = true; try r.skip(f.type)
            default: try r.skip(f.type)
            }
        }
        self.init(filePath: path, fileOffset: fileOffset, metaData: meta, offsetIndexOffset: oiOffset,
                  offsetIndexLength: oiLength, columnIndexOffset: ciOffset, columnIndexLength: ciLength,
                  isEncrypted: encrypted)
    }

    func encode(to w: inout ThriftCompactWriter) {
        if let filePath { w.writeString(id: 1, filePath) }
        w.writeI64(id: 2, fileOffset)
        if let metaData { w.writeStruct(id: 3) { w in metaData.encode(to: &w) } }
        if let offsetIndexOffset { w.writeI64(id: 4, offsetIndexOffset) }
        if let offsetIndexLength { w.writeI32(id: 5, offsetIndexLength) }
        if let columnIndexOffset { w.writeI64(id: 6, columnIndexOffset) }
        if let columnIndexLength { w.writeI32(id: 7, columnIndexLength) }
    }
}
