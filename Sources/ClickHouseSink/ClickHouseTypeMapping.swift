public import SluiceCore

/// Chooses the ClickHouse column type for each Sluice ``DataType``, by the server's capabilities. Pure; the Native
/// encoder and the DDL generator both use it, so a table and the blocks inserted into it always agree.
///
/// | Sluice | legacy (18.16, no capabilities) | with the capability |
/// |---|---|---|
/// | boolean | UInt8 | Bool (``ClickHouseCapability/bool``) |
/// | int8 ... int64, uint8 ... uint64 | Int8 ... Int64, UInt8 ... UInt64 | |
/// | float32 / float64 | Float32 / Float64 | |
/// | decimal(p, s) | Decimal(p, s), 4, 8 or 16 bytes by precision | (Decimal256 is never needed: p <= 38) |
/// | string | String | LowCardinality(String) for columns in ``lowCardinalityColumns`` (``ClickHouseCapability/lowCardinality``) |
/// | json, binary | String | |
/// | uuid | UUID | |
/// | date | Date, [1970-01-01, 2105-12-31] | Date32 (``ClickHouseCapability/date32``), [1900-01-01, 2299-12-31] |
/// | time | String `HH:MM:SS.ffffff` | |
/// | timestamp, timestamptz | DateTime('UTC'), whole seconds (floor) | DateTime64(6, 'UTC') (``ClickHouseCapability/dateTime64``), microseconds |
///
/// A nullable field becomes `Nullable(T)`, and a nullable LowCardinality string `LowCardinality(Nullable(String))`.
/// `ClickHouseTypeMapping()` is the legacy mapping, 18.16's types exactly.
public struct ClickHouseTypeMapping: Sendable, Hashable {
    /// The display zone of `DateTime` and `DateTime64` columns. `"UTC"` (the default) shows a `timestamp` (a
    /// wall-clock time stored as if it were UTC) as the same wall-clock time on any server; `nil` writes plain
    /// `DateTime`, which the server shows in its own zone.
    public var dateTimeTimeZone: String?
    /// What the server stores beyond 18.16's types; empty for the legacy mapping.
    public var capabilities: Set<ClickHouseCapability>
    /// String columns, by name, that the table declared `low_cardinality: true`: written as `LowCardinality(String)`
    /// when the server has ``ClickHouseCapability/lowCardinality``, as `String` otherwise.
    public var lowCardinalityColumns: Set<String>

    public init(dateTimeTimeZone: String? = "UTC", capabilities: Set<ClickHouseCapability> = [],
                lowCardinalityColumns: Set<String> = []) {
        self.dateTimeTimeZone = dateTimeTimeZone
        self.capabilities = capabilities
        self.lowCardinalityColumns = lowCardinalityColumns
    }

    /// ClickHouse 18.16's types, exactly what Sluice wrote before the modern mapping existed.
    public static let legacy = ClickHouseTypeMapping()

    /// Every capability: what a server of 22.8 or later gets.
    public static let modern = ClickHouseTypeMapping(capabilities: Set(ClickHouseCapability.allCases))

    /// The mapping for a server of `version`: each capability it has, none it lacks.
    public init(serverVersion version: ClickHouseServerVersion) {
        self.init(capabilities: ClickHouseCapability.available(on: version))
    }

    /// This mapping for a table whose `columns` are declared `low_cardinality: true`.
    public func withLowCardinality(_ columns: some Sequence<String>) -> ClickHouseTypeMapping {
        var mapping = self
        mapping.lowCardinalityColumns = Set(columns)
        return mapping
    }

    public var isLegacy: Bool { capabilities.isEmpty }

    /// `legacy types`, `modern types`, or for a server between the two `modern types without Date32 (21.9), ...`,
    /// for logs and plans.
    public var summary: String {
        guard !isLegacy else { return "legacy types" }
        let missing = ClickHouseCapability.allCases.filter { !capabilities.contains($0) }
        guard !missing.isEmpty else { return "modern types" }
        return "modern types without " + missing.map(\.description).joined(separator: ", ")
    }

    /// Whether timestamps keep their microseconds (`DateTime64(6)`); without, they hold whole seconds and the clean
    /// layer keeps the microseconds of key timestamps in `<column>_us` companions.
    public var timestampsKeepMicroseconds: Bool { capabilities.contains(.dateTime64) }

    /// The ClickHouse type of a field, `Nullable(...)` when the field is nullable.
    public func type(for field: Field) -> ClickHouseType {
        let base = type(for: field.type)
        let nullable = field.nullable ? ClickHouseType.nullable(base) : base
        if field.type == .string, lowCardinalityColumns.contains(field.name), capabilities.contains(.lowCardinality) {
            return .lowCardinality(nullable)
        }
        return nullable
    }

    /// The ClickHouse type of a value of `type`, never nullable.
    public func type(for type: DataType) -> ClickHouseType {
        switch type {
        case .boolean: capabilities.contains(.bool) ? .bool : .uint8
        case .uint8: .uint8
        case .int8: .int8
        case .int16: .int16
        case .int32: .int32
        case .int64: .int64
        case .uint16: .uint16
        case .uint32: .uint32
        case .uint64: .uint64
        case .float32: .float32
        case .float64: .float64
        case .decimal(let precision, let scale): .decimal(precision: precision, scale: scale)
        case .string, .json, .binary, .time: .string
        case .uuid: .uuid
        case .date: capabilities.contains(.date32) ? .date32 : .date
        case .timestamp, .timestampTZ:
            capabilities.contains(.dateTime64) ? .dateTime64(precision: 6, timeZone: dateTimeTimeZone) : .dateTime(timeZone: dateTimeTimeZone)
        }
    }
}
