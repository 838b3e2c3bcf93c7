/// A ClickHouse column type that Sluice writes, spelled the way ClickHouse 18.16 prints it in
/// `system.columns` (`Decimal(38, 10)`, `Nullable(String)`, `DateTime('UTC')`).
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
    case nullable(ClickHouseType)

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
        case .nullable(let inner): "Nullable(\(inner))"
        }
    }

    /// The type without `Nullable(...)`.
    public var nonNullable: ClickHouseType {
        if case .nullable(let inner) = self { return inner }
        return self
    }

    public var isNullable: Bool {
        if case .nullable = self { return true }
        return false
    }

    /// Bytes per value in Native and RowBinary for fixed-width types; nil for `String`.
    public var fixedWidth: Int? {
        switch self {
        case .uint8, .int8: 1
        case .uint16, .int16, .date: 2
        case .uint32, .int32, .float32, .dateTime: 4
        case .uint64, .int64, .float64: 8
        case .decimal(let precision, _): precision <= 9 ? 4 : precision <= 18 ? 8 : 16
        case .uuid: 16
        case .string: nil
        case .nullable(let inner): inner.fixedWidth
        }
    }

    /// Whether a table column printed as `tableType` accepts values sent as `self` in a Native block:
    /// the same type, where a `DateTime`'s display zone may differ (the stored seconds are the same).
    public func isWireCompatible(withTableType tableType: String) -> Bool {
        Self.strippingDateTimeZone(tableType) == Self.strippingDateTimeZone(description)
    }

    private static func strippingDateTimeZone(_ name: String) -> String {
        guard let start = name.firstRange(of: "DateTime(") else { return name }
        guard let close = name[start.upperBound...].firstIndex(of: ")") else { return name }
        return String(name[..<start.lowerBound]) + "DateTime" + String(name[name.index(after: close)...])
    }
}
