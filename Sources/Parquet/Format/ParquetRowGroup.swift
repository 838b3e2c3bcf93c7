import SluiceCore

/// A horizontal slice of the file: one column chunk per leaf column (parquet.thrift `RowGroup`).
public struct ParquetRowGroup: Sendable, Hashable {
    public var columns: [ParquetColumnChunk]
    /// Uncompressed size of all column data.
    public var totalByteSize: Int64
    public var numRows: Int64
    public var fileOffset: Int64?
    public var totalCompressedSize: Int64?
    public var ordinal: Int16?

    public init(columns: [ParquetColumnChunk], totalByteSize: Int64, numRows: Int64, fileOffset: Int64? = nil,
                totalCompressedSize: Int64? = nil, ordinal: Int16? = nil) {
        self.columns = columns
        self.totalByteSize = totalByteSize
        self.numRows = numRows
        self.fileOffset = fileOffset
        self.totalCompressedSize = totalCompressedSize
        self.ordinal = ordinal
    }
}

extension ParquetRowGroup {
    init(from r: inout ThriftCompactReader) throws(SluiceError) {
        var columns: [ParquetColumnChunk]?, total: Int64?, rows: Int64?, offset: Int64?, compressed: Int64?
        var ordinal: Int16?
        var last: Int16 = 0
        while let f = try r.readFieldHeader(&last) {
            switch f.id {
            case 1: columns = try r.readStructList(f) { (r: inout ThriftCompactReader) throws(SluiceError) in
                try ParquetColumnChunk(from: &r)
            }
            case 2: total = try r.readI64(f)
            case 3: rows = try r.readI64(f)
            case 5: offset = try r.readI64(f)
            case 6: compressed = try r.readI64(f)
            case 7: ordinal = try r.readI16(f)
            default: try r.skip(f.type)
            }
        }
        guard let columns, let total, let rows else {
            throw ThriftCompactReader.missing("columns/total_byte_size/num_rows", in: "RowGroup")
        }
        self.init(columns: columns, totalByteSize: total, numRows: rows, fileOffset: offset,
                  totalCompressedSize: compressed, ordinal: ordinal)
    }

    func encode(to w: inout ThriftCompactWriter) {
        w.writeStructList(id: 1, columns) { w, chunk in chunk.encode(to: &w) }
        w.writeI64(id: 2, totalByteSize)
        w.writeI64(id: 3, numRows)
        if let fileOffset { w.writeI64(id: 5, fileOffset) }
        if let totalCompressedSize { w.writeI64(id: 6, totalCompressedSize) }
        if let ordinal { w.writeI16(id: 7, ordinal) }
    }
}
