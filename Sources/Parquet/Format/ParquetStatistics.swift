import SluiceCore

/// Raw statistics of a page or column chunk (parquet.thrift `Statistics`): values are PLAIN-encoded
/// (without a length prefix for byte arrays). ``minValue``/``maxValue`` follow the column's sort order;
/// the deprecated ``min``/``max`` are only meaningful for signed orderings.
public struct ParquetStatistics: Sendable, Hashable {
    public var max: [UInt8]?
    public var min: [UInt8]?
    public var nullCount: Int64?
    public var distinctCount: Int64?
    public var maxValue: [UInt8]?
    public var minValue: [UInt8]?
    public var isMaxValueExact: Bool?
    public var isMinValueExact: Bool?
    public var nanCount: Int64?

    public init(max: [UInt8]? = nil, min: [UInt8]? = nil, nullCount: Int64? = nil, distinctCount: Int64? = nil,
                maxValue: [UInt8]? = nil, minValue: [UInt8]? = nil, isMaxValueExact: Bool? = nil,
                isMinValueExact: Bool? = nil, nanCount: Int64? = nil) {
        self.max = max
        self.min = min
        self.nullCount = nullCount
        self.distinctCount = distinctCount
        self.maxValue = maxValue
        self.minValue = minValue
        self.isMaxValueExact = isMaxValueExact
        self.isMinValueExact = isMinValueExact
        self.nanCount = nanCount
    }
}

extension ParquetStatistics {
    init(from r: inout ThriftCompactReader) throws(SluiceError) {
        self.init()
        var last: Int16 = 0
        while let f = try r.readFieldHeader(&last) {
            switch f.id {
            case 1: max = try r.readBinary(f)
            case 2: min = try r.readBinary(f)
            case 3: nullCount = try r.readI64(f)
            case 4: distinctCount = try r.readI64(f)
            case 5: maxValue = try r.readBinary(f)
            case 6: minValue = try r.readBinary(f)
            case 7: isMaxValueExact = try r.readBool(f)
            case 8: isMinValueExact = try r.readBool(f)
            case 9: nanCount = try r.readI64(f)
            default: try r.skip(f.type)
            }
        }
    }

    func encode(to w: inout ThriftCompactWriter) {
        if let max { w.writeBinary(id: 1, max) }
        if let min { w.writeBinary(id: 2, min) }
        if let nullCount { w.writeI64(id: 3, nullCount) }
        if let distinctCount { w.writeI64(id: 4, distinctCount) }
        if let maxValue { w.writeBinary(id: 5, maxValue) }
        if let minValue { w.writeBinary(id: 6, minValue) }
        if let isMaxValueExact { w.writeBool(id: 7, isMaxValueExact) }
        if let isMinValueExact { w.writeBool(id: 8, isMinValueExact) }
        if let nanCount { w.writeI64(id: 9, nanCount) }
    }
}
