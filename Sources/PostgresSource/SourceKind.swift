public import SluiceCore

/// How a PostgreSQL type's value is laid out in a COPY BINARY stream (its `typsend` output).
public indirect enum SourceKind: Sendable, Hashable {
    case int2, int4, int8
    /// `oid`: an unsigned 32-bit integer.
    case oid
    case numeric
    case float4, float8
    case bool
    /// `text`, `varchar`, `bpchar`, `name`, `xml`, enums: the characters in the client encoding.
    case text
    /// The one-byte `"char"` type.
    case char
    case json
    /// `jsonb`: a version byte (1) and the JSON text.
    case jsonb
    case bytea
    case uuid
    case date, time, timestamp, timestamptz, interval
    /// `inet` and `cidr`: family, bits, is_cidr, address length, address bytes.
    case inet(cidr: Bool)
    /// A one- or more-dimensional array of an element kind (itself never an array).
    case array(of: SourceKind)

    /// The kind of a column from its type OID; nil for types Sluice cannot decode (composite types,
    /// ranges, geometric types, arrays of those, ...). Enums and domains must already be mapped to their
    /// wire type by the catalogue (``PostgresColumn/sourceColumn``).
    public init?(typeOID: UInt32) {
        typealias T = PostgresTypeOID
        switch typeOID {
        case T.int2: self = .int2
        case T.int4: self = .int4
        case T.int8: self = .int8
        case T.oid: self = .oid
        case T.numeric: self = .numeric
        case T.float4: self = .float4
        case T.float8: self = .float8
        case T.bool: self = .bool
        case T.text, T.varchar, T.bpchar, T.name, T.xml: self = .text
        case T.char: self = .char
        case T.json: self = .json
        case T.jsonb: self = .jsonb
        case T.bytea: self = .bytea
        case T.uuid: self = .uuid
        case T.date: self = .date
        case T.time: self = .time
        case T.timestamp: self = .timestamp
        case T.timestamptz: self = .timestamptz
        case T.interval: self = .interval
        case T.inet: self = .inet(cidr: false)
        case T.cidr: self = .inet(cidr: true)
        default:
            guard let element = T.arrayElements[typeOID], let kind = SourceKind(typeOID: element) else { return nil }
            self = .array(of: kind)
        }
    }

    /// The value's exact size in bytes for fixed-size kinds, nil for variable-size ones.
    var fixedSize: Int? {
        switch self {
        case .int2: 2
        case .int4, .oid, .float4, .date: 4
        case .int8, .float8, .time, .timestamp, .timestamptz: 8
        case .bool, .char: 1
        case .uuid, .interval: 16
        default: nil
        }
    }

    /// The natural target type for this kind: what a configuration that declares nothing would get.
    public var defaultTarget: DataType {
        switch self {
        case .int2: .int16
        case .int4: .int32
        case .int8: .int64
        case .oid: .uint32
        case .numeric: .string
        case .float4: .float32
        case .float8: .float64
        case .bool: .boolean
        case .text, .char, .inet: .string
        case .json, .jsonb, .array: .json
        case .bytea: .binary
        case .uuid: .uuid
        case .date: .date
        case .time: .time
        case .timestamp: .timestamp
        case .timestamptz: .timestampTZ
        case .interval: .string
        }
    }
}
