public import SluiceCore
public import SluiceConfig

/// The earliest and latest value a date or timestamp column may carry into the sink, in the column's
/// storage unit (days for `date`, microseconds for timestamps), with the policy for values outside.
public struct TemporalBounds: Sendable, Equatable {
    public var lower: Int64
    public var upper: Int64
    public var policy: OutOfRangePolicy

    /// ClickHouse 18.16's `Date`: 1970-01-01 ... 2105-12-31 (it silently corrupts anything else).
    public static let sinkDateRange: ClosedRange<Int64> = 0...CivilTime.days(year: 2105, month: 12, day: 31)
    /// ClickHouse 18.16's `DateTime` (whole seconds, UTC): 1970-01-01 00:00:00 ... 2105-12-31 23:59:59.999999.
    public static let sinkTimestampRange: ClosedRange<Int64> =
        0...(CivilTime.days(year: 2106, month: 1, day: 1) * CivilTime.microsecondsPerDay - 1)

    /// The bounds of `column` in `table`, or nil for a column that is not a date or timestamp.
    /// Configured `min`/`max` narrow the sink's range; they never widen it.
    public init?(column: ColumnConfig, table: TableConfig) {
        let policy = table.policy(for: column)
        switch column.type {
        case .date:
            let range = Self.sinkDateRange
            lower = max(range.lowerBound, column.min.flatMap { CivilTime.parseTimestamp($0) }.map {
                CivilTime.floorDivide($0.microseconds, CivilTime.microsecondsPerDay).quotient } ?? range.lowerBound)
            upper = min(range.upperBound, column.max.flatMap { CivilTime.parseTimestamp($0) }.map {
                CivilTime.floorDivide($0.microseconds, CivilTime.microsecondsPerDay).quotient } ?? range.upperBound)
        case .timestamp, .timestampTZ:
            let range = Self.sinkTimestampRange
            lower = max(range.lowerBound, column.min.flatMap { CivilTime.parseTimestamp($0)?.microseconds } ?? range.lowerBound)
            upper = min(range.upperBound, column.max.flatMap { CivilTime.parseTimestamp($0)?.microseconds } ?? range.upperBound)
        default:
            return nil
        }
        self.policy = policy
    }

    public func contains(_ value: Int64) -> Bool { value >= lower && value <= upper }
}
