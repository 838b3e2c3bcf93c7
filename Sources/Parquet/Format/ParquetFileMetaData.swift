public import SluiceCore

/// The footer of a Parquet file (parquet.thrift `FileMetaData`).
public struct ParquetFileMetaData: Sendable, Hashable {
    public var version: Int32
    /// The schema tree flattened depth-first; element 0 is the root.
    public var schema: [ParquetSchemaElement]
    public var numRows: Int64
    public var rowGroups: [ParquetRowGroup]
    public var keyValueMetadata: [ParquetKeyValue]?
    public var createdBy: String?
    /// One entry per leaf column; `true` means TYPE_ORDER (min_value/max_value follow the logical type's order).
    public var columnOrders: [Bool]?
    /// Whether the footer names an encryption algorithm (encrypted files are not supported).
    public var isEncrypted: Bool

    public init(version: Int32, schema: [ParquetSchemaElement], numRows: Int64, rowGroups: [ParquetRowGroup],
                keyValueMetadata: [ParquetKeyValue]? = nil, createdBy: String? = nil, columnOrders: [Bool]? = nil,
                isEncrypted: Bool = false) {
        self.version = version
        self.schema = schema
        self.numRows = numRows
        self.rowGroups = rowGroups
        self.keyValueMetadata = keyValueMetadata
        self.createdBy = createdBy
        self.columnOrders = columnOrders
        self.isEncrypted = isEncrypted
    }

    /// The value stored under `key` in the file's key-value metadata.
    public func value(forKey key: String) -> String? {
        keyValueMetadata?.first { $0.key == key }?.value
    }
}

extension ParquetFileMetaData {
    /// Decodes a footer from its compact-protocol bytes.
    public init(decoding bytes: UnsafeRawBufferPointer) throws(SluiceError) {
        var r = ThriftCompactReader(bytes)
        try self.init(from: &r)
    }

    init(from r: inout ThriftCompactReader) throws(SluiceError) {
        var version: Int32?, schema: [ParquetSchemaElement]?, rows: Int64?, groups: [ParquetRowGroup]?
        var kv: [ParquetKeyValue]?, createdBy: String?, orders: [Bool]?, encrypted = false
        var last: Int16 = 0
        while let f = try r.readFieldHeader(&last) {
            switch f.id {
            case 1: version = try r.readI32(f)
            case 2: schema = try r.readStructList(f) { (r: inout ThriftCompactReader) throws(SluiceError) in
                try ParquetSchemaElement(from: &r)
            }
            case 3: rows = try r.readI64(f)
            case 4: groups = try r.readStructList(f) { (r: inout ThriftCompactReader) throws(SluiceError) in
                try ParquetRowGroup(from: &r)
            }
            case 5: kv = try r.readStructList(f) { (r: inout ThriftCompactReader) throws(SluiceError) in
                try ParquetKeyValue(from: &r)
            }
            case 6: createdBy = try r.readString(f)
            case 7: orders = try r.readStructList(f) { (r: inout ThriftCompactReader) throws(SluiceError) in
                var typeOrder = false
                var last: Int16 = 0
                while let u = try r.readFieldHeader(&last) {
                    if u.id == 1 { typeOrder = true }
                    try r.skip(u.type)
                }
                return typeOrder
            }
            case 8, 9: encrypted = true; try r.skip(f.type)
            default: try r.skip(f.type)
            }
        }
        guard let version, let schema, let rows, let groups else {
            throw ThriftCompactReader.missing("version/schema/num_rows/row_groups", in: "FileMetaData")
        }
        self.init(version: version, schema: schema, numRows: rows, rowGroups: groups, keyValueMetadata: kv,
                  createdBy: createdBy, columnOrders: orders, isEncrypted: encrypted)
    }

    /// The footer as Thrift compact-protocol bytes (what a writer puts before the footer length).
    public func encoded() -> [UInt8] { serialized() }

    /// The footer as compact-protocol bytes.
    func serialized() -> [UInt8] {
        var w = ThriftCompactWriter(capacity: 1024)
        w.beginStruct()
        w.writeI32(id: 1, version)
        w.writeStructList(id: 2, schema) { w, element in element.encode(to: &w) }
        w.writeI64(id: 3, numRows)
        w.writeStructList(id: 4, rowGroups) { w, group in group.encode(to: &w) }
        if let keyValueMetadata { w.writeStructList(id: 5, keyValueMetadata) { w, kv in kv.encode(to: &w) } }
        if let createdBy { w.writeString(id: 6, createdBy) }
        if let columnOrders {
            w.writeStructList(id: 7, columnOrders) { w, typeOrder in
                if typeOrder { w.writeEmptyStruct(id: 1) }
            }
        }
        w.endStruct()
        return w.bytes
    }
}
