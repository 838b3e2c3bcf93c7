public import SluiceCore

/// Chooses the ClickHouse 18.16 column type for each Sluice ``DataType``. Pure; the Native encoder and
/// the DDL generator both use it, so a table and the blocks inserted into it always agree.
///
/// | Sluice | ClickHouse | notes |
/// |---|---|---|
/// | boolean | UInt8 | 0 / 1 |
/// | int8 ... int64, uint8 ... uint64 | Int8 ... Int64, UInt8 ... UInt64 | |
/// | float32 / float64 | Float32 / Float64 | |
/// | decimal(p, s) | Decimal(p, s) | 4, 8 or 16 bytes by precision |
/// | string, json, binary | String | |
/// | uuid | UUID | |
/// | date | Date | [1970-01-01, 2105-12-31], else an error |
/// | time | String | `HH:MM:SS.ffffff` |
/// | timestamp, timestamptz | DateTime('UTC') | whole seconds (floor), [1970-01-01 00:00:00, 2105-12-31 23:59:59], else an error |
///
/// A nullable field becomes `Nullable(T)`.
public struct ClickHouseTypeMapping: Sendable, Hashable {
    /// The display zone of `DateTime` columns. `"UTC"` (the default) shows a `timestamp` (a wall-clock
    /// time stored as if it were UTC) as the same wall-clock time on any server; `nil` writes plain
    /// `DateTime`, which the server shows in its own zone.
    public var dateTimeTimeZone: String?

    public init(dateTimeTimeZone: String? = "UTC") {
        self.dateTimeTimeZone = dateTimeTimeZone
    }

    /// Days since 1970-01-01 that a `Date` holds and ClickHouse 18.16 reads back correctly: up to
    /// 2105-12-31 (its calendar tables end there; later days print and parse wrongly). Earlier
    /// dates are silently stored as 0 by the server, so the encoder rejects them.
    public static let dateRange: ClosedRange<Int64> = 0...49_672

    /// Seconds since the epoch that a `DateTime` holds and 18.16 reads back correctly: up to
    /// 2105-12-31 23:59:59, the end of its calendar (past 2106-02-06 even the binary values print as 1970).
    public static let dateTimeSecondsRange: ClosedRange<Int64> = 0...4_291_747_199

    /// The range of `timestamp` / `timestamptz` microseconds the encoder accepts (seconds are floored).
    public static let timestampMicrosecondsRange: ClosedRange<Int64> =
        (dateTimeSecondsRange.lowerBound * 1_000_000)...(dateTimeSecondsRange.upperBound * 1_000_000 + 999_999)

    /// The ClickHouse type of a field, `Nullable(...)` when the field is nullable.
    public func type(for field: Field) -> ClickHouseType {
        let base = type(for: field.type)
        return field.nullable ? .nullable(base) : base
    }

    /// The ClickHouse type of a value of `type`, never nullable.
    public func type(for type: DataType) -> ClickHouseType {
        switch type {
        case .boolean, .uint8: .uint8
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
        case .date: .date
        case .timestamp, .timestampTZ: .dateTime(timeZone: dateTimeTimeZone)
        }
    }
}
