/// The values each date and time type holds without the server silently corrupting or clamping them. The encoder
/// rejects anything outside; the sink's limits (``ClickHouseWarehouse/limits``) are these, so the executors' stages
/// apply each column's `out_of_range` policy first.
extension ClickHouseTypeMapping {
    /// Days since 1970-01-01 that a `Date` holds and ClickHouse 18.16 reads back correctly: up to
    /// 2105-12-31 (its calendar tables end there; later days print and parse wrongly). Earlier
    /// dates are silently stored as 0 by the server, so the encoder rejects them.
    public static let dateRange: ClosedRange<Int64> = 0...49_672

    /// Seconds since the epoch that a `DateTime` holds and 18.16 reads back correctly: up to
    /// 2105-12-31 23:59:59, the end of its calendar (past 2106-02-06 even the binary values print as 1970).
    public static let dateTimeSecondsRange: ClosedRange<Int64> = 0...4_291_747_199

    /// The range of `timestamp` / `timestamptz` microseconds the legacy encoder accepts (seconds are floored).
    public static let timestampMicrosecondsRange: ClosedRange<Int64> =
        (dateTimeSecondsRange.lowerBound * 1_000_000)...(dateTimeSecondsRange.upperBound * 1_000_000 + 999_999)

    /// `Date32` and `DateTime64` from 22.8: 1900-01-01 ... 2299-12-31, in days since 1970-01-01.
    public static let date32Range: ClosedRange<Int64> = -25_567...120_529

    /// `Date32` (21.9) and `DateTime64` (21.4) before 22.8: 1925-01-01 ... 2282-12-31. (The changelog says "1925 to
    /// 2283" and the Date32 docs of 21.9 "2283-11-11", but DateTime64 clamped its largest value to 2282-12-31; the
    /// narrower end holds for both.)
    public static let date32RangeBefore1900Support: ClosedRange<Int64> = -16_436...114_320

    /// Days since 1970-01-01 a `date` column holds under this mapping.
    public var dateDays: ClosedRange<Int64> {
        guard capabilities.contains(.date32) else { return Self.dateRange }
        return capabilities.contains(.datesFrom1900) ? Self.date32Range : Self.date32RangeBefore1900Support
    }

    /// Microseconds since 1970-01-01 00:00:00 UTC a `timestamp`/`timestamptz` column holds under this mapping.
    public var timestampMicroseconds: ClosedRange<Int64> {
        guard capabilities.contains(.dateTime64) else { return Self.timestampMicrosecondsRange }
        let days = capabilities.contains(.datesFrom1900) ? Self.date32Range
            : capabilities.contains(.dateTime64From1925) ? Self.date32RangeBefore1900Support : Self.dateRange
        return (days.lowerBound * Self.microsecondsPerDay)...(days.upperBound * Self.microsecondsPerDay + Self.microsecondsPerDay - 1)
    }

    private static let microsecondsPerDay: Int64 = 86_400_000_000
}
