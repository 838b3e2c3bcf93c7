import SluiceCore

/// The unit of a TIME or TIMESTAMP logical type (parquet.thrift `TimeUnit`).
public enum ParquetTimeUnit: Sendable, Hashable, CustomStringConvertible {
    case millis, micros, nanos

    public var description: String {
        switch self {
        case .millis: "MILLIS"
        case .micros: "MICROS"
        case .nanos: "NANOS"
        }
    }
}

/// The logical-type annotation of a schema element (parquet.thrift `LogicalType`, a union).
/// An annotation this reader does not know is kept as ``unrecognized(fieldID:)`` and ignored, as the spec asks.
public enum ParquetLogicalType: Sendable, Hashable, CustomStringConvertible {
    case string
    case map
    case list
    case enumeration
    case decimal(precision: Int, scale: Int)
    case date
    case time(isAdjustedToUTC: Bool, unit: ParquetTimeUnit)
    case timestamp(isAdjustedToUTC: Bool, unit: ParquetTimeUnit)
    case integer(bitWidth: Int, isSigned: Bool)
    /// `NullType`: a column holding only NULLs.
    case null
    case json
    case bson
    case uuid
    case float16
    case variant
    case geometry
    case geography
    case unrecognized(fieldID: Int16)

    public var description: String {
        switch self {
        case .string: "STRING"
        case .map: "MAP"
        case .list: "LIST"
        case .enumeration: "ENUM"
        case .decimal(let p, let s): "DECIMAL(\(p),\(s))"
        case .date: "DATE"
        case .time(let utc, let unit): "TIME(\(unit),isAdjustedToUTC=\(utc))"
        case .timestamp(let utc, let unit): "TIMESTAMP(\(unit),isAdjustedToUTC=\(utc))"
        case .integer(let bits, let signed): "INT(\(bits),\(signed ? "signed" : "unsigned"))"
        case .null: "UNKNOWN"
        case .json: "JSON"
        case .bson: "BSON"
        case .uuid: "UUID"
        case .float16: "FLOAT16"
        case .variant: "VARIANT"
        case .geometry: "GEOMETRY"
        case .geography: "GEOGRAPHY"
        case .unrecognized(let id): "LOGICAL(\(id))"
        }
    }
}

extension ParquetLogicalType {
    init(from r: inout ThriftCompactReader) throws(SluiceError) {
        var result: ParquetLogicalType?
        var last: Int16 = 0
        while let field = try r.readFieldHeader(&last) {
            guard field.type == .struct else {
                try r.skip(field.type)
                continue
            }
            switch field.id {
            case 1: result = .string; try r.skip(field.type)
            case 2: result = .map; try r.skip(field.type)
            case 3: result = .list; try r.skip(field.type)
            case 4: result = .enumeration; try r.skip(field.type)
            case 5: result = try r.readStruct(field) { (r: inout ThriftCompactReader) throws(SluiceError) in
                var scale: Int32?, precision: Int32?
                var last: Int16 = 0
                while let f = try r.readFieldHeader(&last) {
                    switch f.id {
                    case 1: scale = try r.readI32(f)
                    case 2: precision = try r.readI32(f)
                    default: try r.skip(f.type)
                    }
                }
                guard let scale, let precision else { throw ThriftCompactReader.missing("scale/precision", in: "DecimalType") }
                return .decimal(precision: Int(precision), scale: Int(scale))
            }
            case 6: result = .date; try r.skip(field.type)
            case 7, 8:
                let (utc, unit) = try r.readStruct(field) { (r: inout ThriftCompactReader) throws(SluiceError) in
                    try Self.readTimeFields(&r)
                }
                result = field.id == 7 ? .time(isAdjustedToUTC: utc, unit: unit) : .timestamp(isAdjustedToUTC: utc, unit: unit)
            case 10: result = try r.readStruct(field) { (r: inout ThriftCompactReader) throws(SluiceError) in
                var bits: Int8?, signed: Bool?
                var last: Int16 = 0
                while let f = try r.readFieldHeader(&last) {
                    switch f.id {
                    case 1: bits = try r.readI8(f)
                    case 2: signed = try r.readBool(f)
                    default: try r.skip(f.type)
                    }
                }
                guard let bits, let signed else { throw ThriftCompactReader.missing("bitWidth/isSigned", in: "IntType") }
                return .integer(bitWidth: Int(bits), isSigned: signed)
            }
            case 11: result = .null; try r.skip(field.type)
            case 12: result = .json; try r.skip(field.type)
            case 13: result = .bson; try r.skip(field.type)
            case 14: result = .uuid; try r.skip(field.type)
            case 15: result = .float16; try r.skip(field.type)
            case 16: result = .variant; try r.skip(field.type)
            case 17: result = .geometry; try r.skip(field.type)
            case 18: result = .geography; try r.skip(field.type)
            default: result = .unrecognized(fieldID: field.id); try r.skip(field.type)
            }
        }
        self = result ?? .unrecognized(fieldID: 0)
    }

    private static func readTimeFields(_ r: inout ThriftCompactReader) throws(SluiceError) -> (Bool, ParquetTimeUnit) {
        var utc: Bool?
        var unit: ParquetTimeUnit?
        var last: Int16 = 0
        while let f = try r.readFieldHeader(&last) {
            switch f.id {
            case 1: utc = try r.readBool(f)
            case 2:
                unit = try r.readStruct(f) { (r: inout ThriftCompactReader) throws(SluiceError) -> ParquetTimeUnit? in
                    var unit: ParquetTimeUnit?
                    var last: Int16 = 0
                    while let u = try r.readFieldHeader(&last) {
                        switch u.id {
                        case 1: unit = .millis
                        case 2: unit = .micros
                        case 3: unit = .nanos
                        default: break
                        }
                        try r.skip(u.type)
                    }
                    return unit
                }
            default: try r.skip(f.type)
            }
        }
        guard let utc, let unit else { throw ThriftCompactReader.missing("isAdjustedToUTC/unit", in: "TimeType") }
        return (utc, unit)
    }

    func encode(to w: inout ThriftCompactWriter) {
        switch self {
        case .string: w.writeEmptyStruct(id: 1)
        case .map: w.writeEmptyStruct(id: 2)
        case .list: w.writeEmptyStruct(id: 3)
        case .enumeration: w.writeEmptyStruct(id: 4)
        case .decimal(let precision, let scale):
            w.writeStruct(id: 5) { w in
                w.writeI32(id: 1, Int32(scale))
                w.writeI32(id: 2, Int32(precision))
            }
        case .date: w.writeEmptyStruct(id: 6)
        case .time(let utc, let unit): Self.encodeTime(&w, id: 7, utc: utc, unit: unit)
        case .timestamp(let utc, let unit): Self.encodeTime(&w, id: 8, utc: utc, unit: unit)
        case .integer(let bits, let signed):
            w.writeStruct(id: 10) { w in
                w.writeI8(id: 1, Int8(bits))
                w.writeBool(id: 2, signed)
            }
        case .null: w.writeEmptyStruct(id: 11)
        case .json: w.writeEmptyStruct(id: 12)
        case .bson: w.writeEmptyStruct(id: 13)
        case .uuid: w.writeEmptyStruct(id: 14)
        case .float16: w.writeEmptyStruct(id: 15)
        case .variant: w.writeEmptyStruct(id: 16)
        case .geometry: w.writeEmptyStruct(id: 17)
        case .geography: w.writeEmptyStruct(id: 18)
        case .unrecognized(let id): if id > 0 { w.writeEmptyStruct(id: id) }
        }
    }

    private static func encodeTime(_ w: inout ThriftCompactWriter, id: Int16, utc: Bool, unit: ParquetTimeUnit) {
        w.writeStruct(id: id) { w in
            w.writeBool(id: 1, utc)
            w.writeStruct(id: 2) { w in
                switch unit {
                case .millis: w.writeEmptyStruct(id: 1)
                case .micros: w.writeEmptyStruct(id: 2)
                case .nanos: w.writeEmptyStruct(id: 3)
                }
            }
        }
    }
}
