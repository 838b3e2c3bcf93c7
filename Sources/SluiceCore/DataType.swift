/// The logical type of a column as Sluice carries it from a source, through Parquet, into a sink.
///
/// Every type has exactly one in-memory representation (see ``ColumnValues``):
///
/// | type | storage | meaning of a stored value |
/// |---|---|---|
/// | `boolean` | `.boolean` | |
/// | `int8`, `int16`, `int32`, `uint8`, `uint16` | `.int32` | the integer |
/// | `uint32`, `int64` | `.int64` | the integer |
/// | `uint64` | `.int64` | the bit pattern of the `UInt64` |
/// | `decimal(p, s)` | `.int128` | the unscaled integer: value = stored / 10^s |
/// | `float32` / `float64` | `.float32` / `.float64` | |
/// | `string`, `json` | `.bytes` | UTF-8 |
/// | `binary` | `.bytes` | raw bytes |
/// | `uuid` | `.fixedBytes(16)` | the 16 bytes in network order |
/// | `date` | `.int32` | days since 1970-01-01 (proleptic Gregorian) |
/// | `time` | `.int64` | microseconds since midnight |
/// | `timestamp` | `.int64` | microseconds since 1970-01-01 00:00:00, a wall-clock time with no zone |
/// | `timestampTZ` | `.int64` | microseconds since 1970-01-01 00:00:00 UTC, an instant |
public enum DataType: Sendable, Hashable {
    case boolean
    case int8, int16, int32, int64
    case uint8, uint16, uint32, uint64
    case float32, float64
    /// Exact decimal with `precision` digits (1...38), `scale` of them after the point.
    case decimal(precision: Int, scale: Int)
    case string
    case json
    case binary
    case uuid
    case date
    case time
    case timestamp
    case timestampTZ

    /// The largest precision a ``decimal(precision:scale:)`` may have: what fits in an `Int128`.
    public static let maxDecimalPrecision = 38

    /// Which ``ColumnValues`` case holds values of this type.
    public var storage: StorageKind {
        switch self {
        case .boolean: .boolean
        case .int8, .int16, .int32, .uint8, .uint16, .date: .int32
        case .int64, .uint32, .uint64, .time, .timestamp, .timestampTZ: .int64
        case .decimal: .int128
        case .float32: .float32
        case .float64: .float64
        case .string, .json, .binary: .bytes
        case .uuid: .fixedBytes(width: 16)
        }
    }

    /// The scale of a decimal, 0 for every other type.
    public var decimalScale: Int {
        if case .decimal(_, let scale) = self { return scale }
        return 0
    }
}

/// The physical arrays behind a column; see ``DataType`` for which type uses which.
public enum StorageKind: Sendable, Hashable {
    case boolean, int32, int64, int128, float32, float64, bytes
    case fixedBytes(width: Int)
}

extension DataType: CustomStringConvertible {
    /// The name used in configuration files and messages (`decimal(18,2)`, `timestamptz`, ...).
    public var description: String {
        switch self {
        case .boolean: "boolean"
        case .int8: "int8"
        case .int16: "int16"
        case .int32: "int32"
        case .int64: "int64"
        case .uint8: "uint8"
        case .uint16: "uint16"
        case .uint32: "uint32"
        case .uint64: "uint64"
        case .float32: "float32"
        case .float64: "float64"
        case .decimal(let p, let s): "decimal(\(p),\(s))"
        case .string: "string"
        case .json: "json"
        case .binary: "binary"
        case .uuid: "uuid"
        case .date: "date"
        case .time: "time"
        case .timestamp: "timestamp"
        case .timestampTZ: "timestamptz"
        }
    }

    /// Parses the names ``description`` prints, plus common SQL spellings
    /// (`bigint`, `int`, `smallint`, `text`, `varchar`, `double`, `real`, `numeric(p,s)`, `bool`).
    /// Returns nil for anything else.
    public init?(parsing text: String) {
        let lowered = text.lowercased().filter { !$0.isWhitespace }
        if let open = lowered.firstIndex(of: "("), lowered.hasSuffix(")") {
            let head = lowered[..<open]
            guard head == "decimal" || head == "numeric" else { return nil }
            let args = lowered[lowered.index(after: open)..<lowered.index(before: lowered.endIndex)]
                .split(separator: ",", omittingEmptySubsequences: false)
            guard (1...2).contains(args.count), let p = Int(args[0]),
                  let s = args.count == 2 ? Int(args[1]) : 0,
                  (1...DataType.maxDecimalPrecision).contains(p), (0...p).contains(s)
            else { return nil }
            self = .decimal(precision: p, scale: s)
            return
        }
        switch lowered {
        case "boolean", "bool": self = .boolean
        case "int8", "tinyint": self = .int8
        case "int16", "smallint": self = .int16
        case "int32", "int", "integer": self = .int32
        case "int64", "bigint": self = .int64
        case "uint8": self = .uint8
        case "uint16": self = .uint16
        case "uint32": self = .uint32
        case "uint64": self = .uint64
        case "float32", "real", "float": self = .float32
        case "float64", "double", "doubleprecision": self = .float64
        case "string", "text", "varchar": self = .string
        case "json", "jsonb": self = .json
        case "binary", "bytea", "bytes": self = .binary
        case "uuid": self = .uuid
        case "date": self = .date
        case "time": self = .time
        case "timestamp": self = .timestamp
        case "timestamptz": self = .timestampTZ
        default: return nil
        }
    }
}

extension DataType: Codable {
    /// Decodes from the text ``description`` prints (`decimal(12,2)`, `timestamptz`, ...).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let type = DataType(parsing: text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "'\(text)' is not a type; use boolean, int8..int64, uint8..uint64, float32, float64, "
                    + "decimal(p,s) with p <= 38, string, json, binary, uuid, date, time, timestamp or timestamptz")
        }
        self = type
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
