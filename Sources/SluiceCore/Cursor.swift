/// The kinds of column a cursor (or an ordered partition key) can be, with values carried as `Int64` in
/// SluiceCore's units, so that comparing two values is comparing two integers.
public enum CursorKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// smallint, integer, bigint: the integer itself.
    case integer
    /// A timestamp without time zone: microseconds since 1970-01-01 00:00 on the wall clock.
    case timestamp
    /// A timestamp with time zone: microseconds since 1970-01-01 00:00 UTC.
    case timestampTZ = "timestamptz"
    /// A date: days since 1970-01-01.
    case date

    /// `duration` in this kind's units: microseconds for timestamps, whole days (rounded up) for dates, and
    /// nil for integers, whose values say nothing about time.
    public func units(ofMicroseconds microseconds: Int64) -> Int64? {
        switch self {
        case .integer: nil
        case .date: (max(0, microseconds) + CivilTime.microsecondsPerDay - 1) / CivilTime.microsecondsPerDay
        case .timestamp, .timestampTZ: max(0, microseconds)
        }
    }

    /// Whether a target column of `type` can carry cursor values of this kind without changing them.
    public func agrees(with type: DataType) -> Bool {
        switch (self, type) {
        case (.integer, .int16), (.integer, .int32), (.integer, .int64), (.date, .date),
             (.timestamp, .timestamp), (.timestamp, .timestampTZ), (.timestampTZ, .timestamp), (.timestampTZ, .timestampTZ):
            true
        default:
            false
        }
    }
}

/// One cursor value, exact to the source's precision: the position a bookmark records.
public struct CursorValue: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var kind: CursorKind
    /// The integer; microseconds since 1970-01-01 for timestamps; days since 1970-01-01 for dates.
    public var value: Int64

    public init(kind: CursorKind, value: Int64) {
        self.kind = kind
        self.value = value
    }

    /// Parses the text ``text`` writes (and the ISO forms ``CivilTime`` reads): `42`, `2024-01-02`,
    /// `2024-01-02 03:04:05.123456`, `2024-01-02 03:04:05.123456Z`.
    public init?(text: String, kind: CursorKind) {
        switch kind {
        case .integer:
            guard let parsed = Int64(text) else { return nil }
            value = parsed
        case .date:
            guard let days = CivilTime.parseDate(text) else { return nil }
            value = days
        case .timestamp, .timestampTZ:
            guard let parsed = CivilTime.parseTimestamp(text) else { return nil }
            value = parsed.microseconds
        }
        self.kind = kind
    }

    /// The exact text stored in bookmarks: all six fractional digits for timestamps, a `Z` for instants.
    public var text: String {
        switch kind {
        case .integer: String(value)
        case .date: CivilTime.formatDate(days: value)
        case .timestamp: CivilTime.formatTimestamp(microseconds: value)
        case .timestampTZ: CivilTime.formatTimestamp(microseconds: value) + "Z"
        }
    }

    public var description: String { text }

    /// Seconds since 1970-01-01 of a date or timestamp (for people: `cdc_state.last_extracted_time`); nil for integers.
    public var epochSeconds: Int64? {
        switch kind {
        case .integer: nil
        case .date: value * 86_400
        case .timestamp, .timestampTZ: CivilTime.floorDivide(value, CivilTime.microsecondsPerSecond).quotient
        }
    }

    /// This value moved by `units` of its kind (saturating at the ends of `Int64`).
    public func moved(by units: Int64) -> CursorValue {
        let (sum, overflow) = value.addingReportingOverflow(units)
        return CursorValue(kind: kind, value: overflow ? (units < 0 ? .min : .max) : sum)
    }

    public static func < (lhs: CursorValue, rhs: CursorValue) -> Bool { lhs.value < rhs.value }
}

/// Which cursor values a run extracts: `after < cursor <= upTo`, each end open when nil, plus the rows whose
/// cursor is NULL when `includesNulls`. Every mode is one of these: a backfill is open at both ends (and takes
/// NULLs), an incremental run starts after the bookmark less the lag, a backfill slice ends at the slice's end,
/// and a range reload `--from A --to B` is `A - 1 < cursor <= B - 1`.
public struct CursorWindow: Sendable, Hashable, Codable {
    /// Exclusive lower end.
    public var after: CursorValue?
    /// Inclusive upper end.
    public var upTo: CursorValue?
    /// Whether rows whose cursor is NULL belong to the window.
    public var includesNulls: Bool

    public init(after: CursorValue? = nil, upTo: CursorValue? = nil, includesNulls: Bool = false) {
        self.after = after
        self.upTo = upTo
        self.includesNulls = includesNulls
    }

    /// Every row.
    public static let everything = CursorWindow(includesNulls: true)

    /// Whether the window holds every row (no predicate needed).
    public var isEverything: Bool { after == nil && upTo == nil && includesNulls }

    /// The window grown outwards to whole days: it starts at the first moment of the day of its first value and
    /// ends at the last moment of the day of its last (for a date cursor, whose values are days, it is itself).
    /// Integer cursors have no days; their windows are returned unchanged.
    public func widenedToWholeDays() -> CursorWindow {
        var widened = self
        let day = CivilTime.microsecondsPerDay
        if let after, after.kind == .timestamp || after.kind == .timestampTZ, after.value < .max {
            let first = CivilTime.floorDivide(after.value + 1, day).quotient
            let (start, overflow) = first.multipliedReportingOverflow(by: day)
            if !overflow && start > .min { widened.after = CursorValue(kind: after.kind, value: start - 1) }
        }
        if let upTo, upTo.kind == .timestamp || upTo.kind == .timestampTZ {
            let last = CivilTime.floorDivide(upTo.value, day).quotient
            let (end, overflow) = (last + 1).multipliedReportingOverflow(by: day)
            widened.upTo = CursorValue(kind: upTo.kind, value: overflow ? .max : end - 1)
        }
        return widened
    }

    /// Whether `value` (nil for a NULL cursor) falls in the window.
    public func contains(_ value: Int64?) -> Bool {
        guard let value else { return includesNulls }
        if let after, value <= after.value { return false }
        if let upTo, value > upTo.value { return false }
        return true
    }
}
