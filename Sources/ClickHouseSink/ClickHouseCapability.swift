/// What a ClickHouse server stores beyond the types of 18.16, each from the release that brought it (from
/// ClickHouse's changelog; only 18.16.1 is tested against a real server here, the rest through chdb). The modern
/// type mapping uses every capability the detected server has, and nothing else.
public enum ClickHouseCapability: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// `LowCardinality(T)` without `allow_experimental_low_cardinality_type` (19.3: "LowCardinality data types are
    /// production ready").
    case lowCardinality = "low_cardinality"
    /// `DateTime64(P, zone)`: Int64 ticks since the epoch (20.1). Until 21.4 it reads back correctly only what
    /// `DateTime` does, 1970-01-01 ... 2105-12-31.
    case dateTime64 = "datetime64"
    /// `Decimal256`, decimals of up to 76 digits (20.8). Detected and reported, never produced: Sluice's decimal is
    /// 128-bit (at most 38 digits) from PostgreSQL to the sink.
    case decimal256
    /// `DateTime64` holds 1925-01-01 ... 2282-12-31 (21.4: "Extended range of DateTime64 to support dates from year
    /// 1925 to 2283").
    case dateTime64From1925 = "datetime64_from_1925"
    /// `Date32`: Int32 days since 1970-01-01, 1925-01-01 ... 2282-12-31 (21.9).
    case date32
    /// `Bool`: one byte, 0 or 1, shown as `false` / `true` (21.12).
    case bool
    /// `Date32` and `DateTime64` hold 1900-01-01 ... 2299-12-31 (22.8, ClickHouse pull request 39425; before, the
    /// server clamped values outside 1925 ... 2283 without an error).
    case datesFrom1900 = "dates_from_1900"

    /// The first release that has it.
    public var since: ClickHouseServerVersion {
        switch self {
        case .lowCardinality: ClickHouseServerVersion(19, 3)
        case .dateTime64: ClickHouseServerVersion(20, 1)
        case .decimal256: ClickHouseServerVersion(20, 8)
        case .dateTime64From1925: ClickHouseServerVersion(21, 4)
        case .date32: ClickHouseServerVersion(21, 9)
        case .bool: ClickHouseServerVersion(21, 12)
        case .datesFrom1900: ClickHouseServerVersion(22, 8)
        }
    }

    /// Every capability `version` has.
    public static func available(on version: ClickHouseServerVersion) -> Set<Self> {
        Set(allCases.filter { version >= $0.since })
    }

    /// `DateTime64 (20.1)`, for messages and docs.
    public var description: String {
        let name = switch self {
        case .lowCardinality: "LowCardinality"
        case .dateTime64: "DateTime64"
        case .decimal256: "Decimal256"
        case .dateTime64From1925: "DateTime64 from 1925"
        case .date32: "Date32"
        case .bool: "Bool"
        case .datesFrom1900: "Date32 and DateTime64 from 1900"
        }
        return "\(name) (\(since))"
    }
}
