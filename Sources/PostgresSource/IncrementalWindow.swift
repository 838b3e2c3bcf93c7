import SluiceCore

/// A cursor value kept as a bookmark, exact to the source's precision (microseconds for timestamps).
public struct CursorBookmark: Sendable, Hashable, CustomStringConvertible {
    public var kind: PartitionKeyKind
    /// The integer; microseconds since 1970-01-01 for timestamps; days since 1970-01-01 for dates.
    public var value: Int64

    public init(kind: PartitionKeyKind, value: Int64) {
        self.kind = kind
        self.value = value
    }

    /// Parses the text ``text`` writes (and the ISO forms CivilTime reads): `42`, `2024-01-02`,
    /// `2024-01-02 03:04:05.123456`, `2024-01-02 03:04:05.123456Z`.
    public init?(text: String, kind: PartitionKeyKind) {
        switch kind {
        case .integer:
            guard let v = Int64(text) else { return nil }
            value = v
        case .date:
            guard let days = CivilTime.parseDate(text) else { return nil }
            value = days
        case .timestamp, .timestampTZ:
            guard let parsed = CivilTime.parseTimestamp(text) else { return nil }
            value = parsed.microseconds
        }
        self.kind = kind
    }

    /// The exact text to store (`TaskResult.maxCursor`, `cdc_state.last_extracted_time`): SluiceCore's
    /// text form, with all six fractional digits for timestamps.
    public var text: String {
        switch kind {
        case .integer: String(value)
        case .date: CivilTime.formatDate(days: value)
        case .timestamp: CivilTime.formatTimestamp(microseconds: value)
        case .timestampTZ: CivilTime.formatTimestamp(microseconds: value) + "Z"
        }
    }

    public var description: String { text }

    /// The bookmark as a SQL literal.
    public var literal: PostgresLiteral { kind.literal(value) }

    /// Seconds since 1970-01-01 of a date or timestamp bookmark (for people: `cdc_state.last_extracted_time`);
    /// nil for integers.
    public var epochSeconds: Int64? {
        switch kind {
        case .integer: nil
        case .date: value * 86_400
        case .timestamp, .timestampTZ: CivilTime.floorDivide(value, CivilTime.microsecondsPerSecond).quotient
        }
    }
}

extension PartitionKeyKind {
    /// A duration in this kind's units, for ``IncrementalWindow/lag``: microseconds for timestamps, whole days
    /// (rounded up) for dates, and 0 for integers, whose values say nothing about time.
    public func units(ofMicroseconds microseconds: Int64) -> Int64 {
        switch self {
        case .integer: 0
        case .date: (max(0, microseconds) + CivilTime.microsecondsPerDay - 1) / CivilTime.microsecondsPerDay
        case .timestamp, .timestampTZ: max(0, microseconds)
        }
    }
}

/// The rows an incremental run extracts: `cursor > bookmark - lag AND cursor <= upper`.
///
/// The lag re-reads a margin below the bookmark so that a transaction which committed after the last run
/// with an older cursor value (a late commit) is still picked up; the sink loads idempotently, so the
/// overlap never doubles rows. With no bookmark (a first run or a backfill) the window is open below.
public struct IncrementalWindow: Sendable, Hashable {
    public var column: String
    public var kind: PartitionKeyKind
    public var bookmark: CursorBookmark?
    /// In the cursor's units: microseconds for timestamps, days for dates, the integer for integers.
    public var lag: Int64
    /// The window's inclusive upper end (a backfill window, or `--to`); nil for open.
    public var upper: CursorBookmark?

    public init(column: String, kind: PartitionKeyKind, bookmark: CursorBookmark? = nil, lag: Int64 = 0, upper: CursorBookmark? = nil) {
        self.column = column
        self.kind = kind
        self.bookmark = bookmark
        self.lag = max(lag, 0)
        self.upper = upper
    }

    /// The window's lower end, exclusive: the bookmark minus the lag (saturating).
    public var lowerExclusive: Int64? {
        bookmark.map { $0.value.subtractingReportingOverflow(lag).overflow ? Int64.min : $0.value - lag }
    }

    /// The predicate to share with every partition of the run.
    public var predicate: PostgresPredicate {
        .cursorWindow(column: column, after: lowerExclusive.map(kind.literal), upTo: upper.map(\.literal))
    }

    /// The bookmark after a run that extracted rows up to `maxCursor` (from ``ExtractionStats/maxCursor``,
    /// the largest across all tasks): never moves backwards, stays when nothing was extracted.
    public func advanced(to maxCursor: Int64?) -> CursorBookmark? {
        guard let maxCursor else { return bookmark }
        guard let bookmark else { return CursorBookmark(kind: kind, value: maxCursor) }
        return CursorBookmark(kind: kind, value: max(bookmark.value, maxCursor))
    }
}
