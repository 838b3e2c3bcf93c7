import SluiceCore

/// One node of the flattened schema tree (parquet.thrift `SchemaElement`): the root, groups and leaves in
/// depth-first order; a group's `numChildren` says how many of the following nodes belong to it.
public struct ParquetSchemaElement: Sendable, Hashable {
    /// Set for leaves only.
    public var type: ParquetPhysicalType?
    /// Bytes per value for FIXED_LEN_BYTE_ARRAY.
    public var typeLength: Int32?
    public var repetition: ParquetRepetition?
    public var name: String
    /// Set (and non-zero) for groups.
    public var numChildren: Int32?
    public var convertedType: ParquetConvertedType?
    public var scale: Int32?
    public var precision: Int32?
    public var fieldID: Int32?
    public var logicalType: ParquetLogicalType?

    public init(type: ParquetPhysicalType? = nil, typeLength: Int32? = nil, repetition: ParquetRepetition? = nil,
                name: String, numChildren: Int32? = nil, convertedType: ParquetConvertedType? = nil,
                scale: Int32? = nil, precision: Int32? = nil, fieldID: Int32? = nil,
                logicalType: ParquetLogicalType? = nil) {
        self.type = type
        self.typeLength = typeLength
        self.repetition = repetition
        self.name = name
        self.numChildren = numChildren
        self.convertedType = convertedType
        self.scale = scale
        self.precision = precision
        self.fieldID = fieldID
        self.logicalType = logicalType
    }
}

extension ParquetSchemaElement {
    init(from r: inout ThriftCompactReader) throws(SluiceError) {
        var type: ParquetPhysicalType?, typeLength: Int32?, repetition: ParquetRepetition?, name: String?
        var numChildren: Int32?, converted: ParquetConvertedType?, scale: Int32?, precision: Int32?, fieldID: Int32?
        var logical: ParquetLogicalType?
        var last: Int16 = 0
        while let f = try r.readFieldHeader(&last) {
            switch f.id {
            case 1:
                let raw = try r.readI32(f)
                guard let known = ParquetPhysicalType(rawValue: raw) else {
                    throw ParquetError.corrupt("invalid schema: unknown physical type \(raw)")
                }
                type = known
            case 2: typeLength = try r.readI32(f)
            case 3:
                let raw = try r.readI32(f)
                guard let known = ParquetRepetition(rawValue: raw) else {
                    throw ParquetError.corrupt("invalid schema: unknown repetition type \(raw)")
                }
                repetition = known
            case 4: name = try r.readString(f)
            case 5: numChildren = try r.readI32(f)
            case 6: converted = ParquetConvertedType(rawValue: try r.readI32(f))
            case 7: scale = try r.readI32(f)
            case 8: precision = try r.readI32(f)
            case 9: fieldID = try r.readI32(f)
            case 10: logical = try r.readStruct(f) { (r: inout ThriftCompactReader) throws(SluiceError) in
                try ParquetLogicalType(from: &r)
            }
            default: try r.skip(f.type)
            }
        }
        guard let name else { throw ThriftCompactReader.missing("name", in: "SchemaElement") }
        self.init(type: type, typeLength: typeLength, repetition: repetition, name: name, numChildren: numChildren,
                  convertedType: converted, scale: scale, precision: precision, fieldID: fieldID, logicalType: logical)
    }

    func encode(to w: inout ThriftCompactWriter) {
        if let type { w.writeI32(id: 1, type.rawValue) }
        if let typeLength { w.writeI32(id: 2, typeLength) }
        if let repetition { w.writeI32(id: 3, repetition.rawValue) }
        w.writeString(id: 4, name)
        if let numChildren { w.writeI32(id: 5, numChildren) }
        if let convertedType { w.writeI32(id: 6, convertedType.rawValue) }
        if let scale { w.writeI32(id: 7, scale) }
        if let precision { w.writeI32(id: 8, precision) }
        if let fieldID { w.writeI32(id: 9, fieldID) }
        if let logicalType { w.writeStruct(id: 10) { w in logicalType.encode(to: &w) } }
    }
}
