/// A ClickHouse column type that Sluice writes, spelled the way ClickHouse prints it in `system.columns`
/// (`Decimal(38, 10)`, `Nullable(String)`, `DateTime('UTC')`, `DateTime64(6, 'UTC')`, `LowCardinality(Nullable(String))`).
public indirect enum ClickHouseType: Sendable, Hashable, CustomStringConvertible {
    case uint8, uint16, uint32, uint64
    case int8, int16, int32, int64
    case float32, float64
    /// `Decimal(P, S)`: stored as Int32 for P <= 9, Int64 for P <= 18, Int128 for P <= 38.
    case decimal(precision: Int, scale: Int)
    case string
    case uuid
    /// UInt16 days since 1970-01-01.
    case date
    /// UInt32 seconds since 1970-01-01 00:00:00 UTC, shown in `timeZone` (the server's when nil).
    case dateTime(timeZone: String?)
    /// Int32 days since 1970-01-01, negative before (ClickHouse 21.9 and later).
    case date32
    /// Int64 ticks of 10^-precision seconds since 1970-01-01 00:00:00 UTC, shown in `timeZone` (20.1 and later).
    case dateTime64(precision: Int, timeZone: String?)
    /// One byte, 0 or 1 (21.12 and later).
    case bool
    case nullable(ClickHouseType)
    /// A dictionary-encoded column of `String` or `Nullable(String)` (19.3 and later without an experimental setting).
    case lowCardinality(ClickHouseType)

    public var description: String {
        switch self {
        case .uint8: "UInt8"
        case .uint16: "UInt16"
        case .uint32: "UInt32"
        case .uint64: "UInt64"
        case .int8: "Int8"
        case .int16: "Int16"
        case .int32: "Int32"
        case .int64: "Int64"
        case .float32: "Float32"
        case .float64: "Float64"
        case .decimal(let precision, let scale): "Decimal(\(precision), \(scale))"
        case .string: "String"
        case .uuid: "UUID"
        case .date: "Date"
        case .dateTime(let zone?): "DateTime(\(ClickHouseSQL.stringLiteral(zone)))"
        case .dateTime(nil): "DateTime"
        case .date32: "Date32"
        case .dateTime64(let precision, let zone?): "DateTime64(\(precision), \(ClickHouseSQL.stringLiteral(zone)))"
        case .dateTime64(let precision, nil): "DateTime64(\(precision))"
        case .bool: "Bool"
        case .nullable(let inner): "Nullable(\(inner))"
        case .lowCardinality(let inner): "LowCardinality(\(inner))"
        }
    }

    /// The type without `Nullable(...)` (`LowCardinality(Nullable(String))` -> `LowCardinality(String)`).
    public var nonNullable: ClickHouseType {
        switch self {
        case .nullable(let inner): inner
        case .lowCardinality(let inner): .lowCardinality(inner.nonNullable)
        default: self
        }
    }

    /// `Nullable(T)` or `LowCardinality(Nullable(T))`.
    public var isNullable: Bool {
        switch self {
        case .nullable: true
        case .lowCardinality(let inner): inner.isNullable
        default: false
        }
    }

    /// Bytes per value in Native and RowBinary for fixed-width types; nil for `String` and `LowCardinality`.
    public var fixedWidth: Int? {
        switch self {
        case .uint8, .int8, .bool: 1
        case .uint16, .int16, .date: 2
        case .uint32, .int32, .float32, .dateTime, .date32: 4
        case .uint64, .int64, .float64, .dateTime64: 8
        case .decimal(let precision, _): precision <= 9 ? 4 : precision <= 18 ? 8 : 16
        case .uuid: 16
        case .string, .lowCardinality: nil
        case .nullable(let inner): inner.fixedWidth
        }
    }

    /// Whether a table column printed as `tableType` accepts values sent as `self` in a Native block:
    /// the same type, where a `DateTime`'s or `DateTime64`'s display zone may differ (the stored values are the same).
    public func isWireCompatible(withTableType tableType: String) -> Bool {
        Self.strippingDateTimeZone(tableType) == Self.strippingDateTimeZone(description)
    }

    /// `DateTime('UTC')` -> `DateTime`, `DateTime64(6, 'UTC')` -> `DateTime64(6)`.
    private static func strippingDateTimeZone(_ name: String) -> String {
        if let start = name.firstRange(of: "DateTime(") {
            guard let close = name[start.upperBound...].firstIndex(of: ")") else { return name }
            return String(name[..<start.lowerBound]) + "DateTime" + String(name[name.index(after: close)...])
        }
        if let start = name.firstRange(of: "DateTime64(") {
            guard let close = name[start.upperBound...].firstIndex(of: ")") else { return name }
            let precision = name[start.upperBound..<close].prefix(while: { $0 != "," })
            return String(name[..<start.lowerBound]) + "DateTime64(\(precision))" + String(name[name.index(after: close)...])
        }
        return name
    }
}
