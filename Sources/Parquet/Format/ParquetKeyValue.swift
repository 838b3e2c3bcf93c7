import SluiceCore

/// One entry of key-value metadata (parquet.thrift `KeyValue`).
public struct ParquetKeyValue: Sendable, Hashable {
    public var key: String
    public var value: String?

    public init(key: String, value: String?) {
        self.key = key
        self.value = value
    }
}

extension ParquetKeyValue {
    init(from r: inout ThriftCompactReader) throws(SluiceError) {
        var key: String?, value: String?
        var last: Int16 = 0
        while let f = try r.readFieldHeader(&last) {
            switch f.id {
            case 1: key = try r.readString(f)
            case 2: value = try r.readString(f)
            default: try r.skip(f.type)
            }
        }
        guard let key else { throw ThriftCompactReader.missing("key", in: "KeyValue") }
        self.init(key: key, value: value)
    }

    func encode(to w: inout ThriftCompactWriter) {
        w.writeString(id: 1, key)
        if let value { w.writeString(id: 2, value) }
    }
}
