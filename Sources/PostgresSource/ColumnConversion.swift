public import SluiceCore

/// How one source column's COPY BINARY values become values of its target ``DataType``; chosen once, before
/// the run, by ``ColumnConversion/init(source:target:table:)``, which rejects impossible pairs.
///
/// The matrix (rows: source kinds; every pair not listed is rejected):
///
/// | source | targets |
/// |---|---|
/// | int2, int4, int8, oid | any integer type (range-checked per value), decimal(p,s), float32, float64, string |
/// | numeric | decimal(p,s) (exact; more fractional digits than s is an error), integers (exact), float32/float64 (nearest), string |
/// | real | float32, float64, string |
/// | double precision | float64, string |
/// | boolean | boolean, string |
/// | text, varchar, char(n), name, xml, enum, "char" | string |
/// | json, jsonb | json, string |
/// | bytea | binary, string (`\x` hex) |
/// | uuid | uuid, string |
/// | date | date, timestamp, timestamptz (midnight UTC), string |
/// | time | time, string |
/// | timestamp | timestamp, string |
/// | timestamptz | timestamptz, string |
/// | interval | string (ISO 8601 duration), json (`{"months":m,"days":d,"microseconds":u}`) |
/// | inet, cidr | string |
/// | arrays of the scalar kinds above | json, string (JSON text) |
public struct ColumnConversion: Sendable, Hashable {
    public let source: SourceKind
    public let target: DataType
    let op: ValueOp

    /// Chooses the conversion or throws ``SluiceError/Code/postgresUnsupportedConversion`` naming the
    /// table and column.
    public init(source column: SourceColumn, target: DataType, table: String?) throws(SluiceError) {
        let context = ErrorContext(table: table, column: column.name)
        guard let kind = SourceKind(typeOID: column.typeOID) else {
            throw SluiceError(.postgresUnsupportedConversion,
                              "type \(column.typeName) (OID \(column.typeOID)) cannot be extracted: composite, range and other "
                              + "non-scalar types are not supported; cast the column in the query (to text or json) or leave it out",
                              context: context)
        }
        guard let op = ValueOp.choose(source: kind, target: target) else {
            throw SluiceError(.postgresUnsupportedConversion,
                              "source type \(column.typeName) cannot be read into target type \(target)",
                              context: context)
        }
        self.source = kind
        self.target = target
        self.op = op
    }
}

/// The decoding step for one column, flattened so the per-value dispatch is one switch.
enum ValueOp: Sendable, Hashable {
    case intToInt32(width: Int, min: Int64, max: Int64)
    case intToInt64(width: Int, min: Int64, max: Int64)
    case intToDecimal(width: Int, multiplier: Int128, limit: Int128)
    case intToFloat32(width: Int)
    case intToFloat64(width: Int)
    case intToString(width: Int)
    case numericToDecimal(scale: Int, limit: Int128)
    case numericToInt32(min: Int64, max: Int64)
    case numericToInt64(min: Int64, max: Int64)
    case numericToFloat32, numericToFloat64, numericToString
    case float4ToFloat32, float4ToFloat64, float8ToFloat64
    case floatToString(width: Int)
    case boolToBoolean, boolToString
    /// text-like and json sources into string / json targets; jsonb drops its version byte.
    case textToString(jsonb: Bool)
    case charToString
    case byteaToBinary, byteaToString
    case uuidToUUID, uuidToString
    case dateToDate, dateToTimestamp, dateToString
    case timeToTime, timeToString
    case timestampToTimestamp, timestampToString(zoned: Bool)
    case intervalToString, intervalToJSON
    case inetToString
    /// The element kind is in the conversion's `source` (`.array(of:)`); kept out of here so ValueOp stays trivial.
    case arrayToJSON

    /// Width in bytes for the integer kinds: int2 2, int4 4, int8 8, oid -4 (unsigned 32-bit).
    static func integerWidth(_ kind: SourceKind) -> Int? {
        switch kind {
        case .int2: 2
        case .int4: 4
        case .int8: 8
        case .oid: -4
        default: nil
        }
    }

    /// The range an integer-stored target can hold, as Int64 (uint64 holds 0...Int64.max from a signed source).
    static func integerRange(_ target: DataType) -> (min: Int64, max: Int64, wide: Bool)? {
        switch target {
        case .int8: (Int64(Int8.min), Int64(Int8.max), false)
        case .int16: (Int64(Int16.min), Int64(Int16.max), false)
        case .int32: (Int64(Int32.min), Int64(Int32.max), false)
        case .uint8: (0, Int64(UInt8.max), false)
        case .uint16: (0, Int64(UInt16.max), false)
        case .uint32: (0, Int64(UInt32.max), true)
        case .int64: (Int64.min, Int64.max, true)
        case .uint64: (0, Int64.max, true)
        default: nil
        }
    }

    static func choose(source: SourceKind, target: DataType) -> ValueOp? {
        if let width = integerWidth(source) {
            if let range = integerRange(target) {
                return range.wide ? .intToInt64(width: width, min: range.min, max: range.max)
                    : .intToInt32(width: width, min: range.min, max: range.max)
            }
            switch target {
            case .decimal(let p, let s):
                return .intToDecimal(width: width, multiplier: DecimalText.powerOfTen(s), limit: DecimalText.powerOfTen(p))
            case .float32: return .intToFloat32(width: width)
            case .float64: return .intToFloat64(width: width)
            case .string: return .intToString(width: width)
            default: return nil
            }
        }
        switch (source, target) {
        case (.numeric, .decimal(let p, let s)): return .numericToDecimal(scale: s, limit: DecimalText.powerOfTen(p))
        case (.numeric, .float32): return .numericToFloat32
        case (.numeric, .float64): return .numericToFloat64
        case (.numeric, .string): return .numericToString
        case (.numeric, _):
            guard let range = integerRange(target) else { return nil }
            return range.wide ? .numericToInt64(min: range.min, max: range.max) : .numericToInt32(min: range.min, max: range.max)
        case (.float4, .float32): return .float4ToFloat32
        case (.float4, .float64): return .float4ToFloat64
        case (.float8, .float64): return .float8ToFloat64
        case (.float4, .string): return .floatToString(width: 4)
        case (.float8, .string): return .floatToString(width: 8)
        case (.bool, .boolean): return .boolToBoolean
        case (.bool, .string): return .boolToString
        case (.text, .string), (.json, .string), (.json, .json): return .textToString(jsonb: false)
        case (.jsonb, .string), (.jsonb, .json): return .textToString(jsonb: true)
        case (.char, .string): return .charToString
        case (.bytea, .binary): return .byteaToBinary
        case (.bytea, .string): return .byteaToString
        case (.uuid, .uuid): return .uuidToUUID
        case (.uuid, .string): return .uuidToString
        case (.date, .date): return .dateToDate
        case (.date, .timestamp), (.date, .timestampTZ): return .dateToTimestamp
        case (.date, .string): return .dateToString
        case (.time, .time): return .timeToTime
        case (.time, .string): return .timeToString
        case (.timestamp, .timestamp), (.timestamptz, .timestampTZ): return .timestampToTimestamp
        case (.timestamp, .string): return .timestampToString(zoned: false)
        case (.timestamptz, .string): return .timestampToString(zoned: true)
        case (.interval, .string): return .intervalToString
        case (.interval, .json): return .intervalToJSON
        case (.inet, .string): return .inetToString
        case (.array, .json), (.array, .string): return .arrayToJSON
        default: return nil
        }
    }
}
