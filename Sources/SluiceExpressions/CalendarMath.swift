import SluiceCore

/// `date_trunc` and `extract` on days and microseconds since 1970-01-01, on the proleptic Gregorian calendar
/// (``CivilTime``), correct before 1970 and for negative timestamps (everything rounds toward the past).
enum CalendarMath {
    static let microsecondsPerDay = CivilTime.microsecondsPerDay

    /// `microseconds` truncated to the start of its `unit`, or nil when that start is before the first
    /// representable microsecond. Weeks start on Monday (ISO 8601).
    static func truncate(_ microseconds: Int64, to unit: DateTruncation) -> Int64? {
        let (days, _) = CivilTime.floorDivide(microseconds, microsecondsPerDay)
        let start: (Int64, Int64)
        switch unit {
        case .year, .quarter, .month:
            let (year, month, _) = CivilTime.civil(days: days)
            let firstMonth = unit == .year ? 1 : (unit == .quarter ? (month - 1) / 3 * 3 + 1 : month)
            start = (CivilTime.days(year: year, month: firstMonth, day: 1), microsecondsPerDay)
        case .week: start = (days - mondayBasedWeekday(days), microsecondsPerDay)
        case .day: start = (days, microsecondsPerDay)
        case .hour: start = (CivilTime.floorDivide(microseconds, 3_600_000_000).quotient, 3_600_000_000)
        case .minute: start = (CivilTime.floorDivide(microseconds, 60_000_000).quotient, 60_000_000)
        case .second: start = (CivilTime.floorDivide(microseconds, 1_000_000).quotient, 1_000_000)
        }
        let (result, overflow) = start.0.multipliedReportingOverflow(by: start.1)
        return overflow ? nil : result
    }

    /// 0 for Monday ... 6 for Sunday (1970-01-01 was a Thursday).
    static func mondayBasedWeekday(_ days: Int64) -> Int64 {
        CivilTime.floorDivide(days + 3, 7).remainder
    }

    /// An integer field of a timestamp: year, quarter, month, day, hour, minute, dow (0 = Sunday), doy.
    static func integerField(_ field: DateField, ofMicroseconds microseconds: Int64) -> Int64 {
        let (days, time) = CivilTime.floorDivide(microseconds, microsecondsPerDay)
        switch field {
        case .hour: return time / 3_600_000_000
        case .minute: return time / 60_000_000 % 60
        default: return integerField(field, ofDays: days)
        }
    }

    /// An integer field of a date (hour and minute are 0).
    static func integerField(_ field: DateField, ofDays days: Int64) -> Int64 {
        let (year, month, day) = CivilTime.civil(days: days)
        switch field {
        case .year: return year
        case .quarter: return Int64((month - 1) / 3 + 1)
        case .month: return Int64(month)
        case .day: return Int64(day)
        case .dow: return (mondayBasedWeekday(days) + 1) % 7
        case .doy: return days - CivilTime.days(year: year, month: 1, day: 1) + 1
        default: return 0
        }
    }
}
