public import PostgresSource
public import SluiceConfig
public import SluiceCore
public import SluiceRuntime

/// How one table runs: mode, window, partitions and where it loads.
public struct TablePlan: Sendable {
    public var table: TableConfig
    public var mode: TableReport.Mode
    /// The bookmark the run starts from (incremental runs), exact.
    public var bookmarkBefore: CursorBookmark?
    /// The extraction query without a partition predicate (columns, filters, window).
    public var query: PostgresQuery
    /// One entry per partition task, with its predicate and PostgreSQL's row estimate.
    public var partitions: [PartitionPlanEntry]
    /// The ClickHouse table the tasks load: the target itself, or a fresh copy for a full reload.
    public var loadTable: String
    /// How the bookmark moves when the table succeeds.
    public var bookmarkRule: BookmarkRule
    /// How PostgreSQL stores the cursor (nil without one): the unit of bookmarks.
    public var cursorKind: PartitionKeyKind?

    /// The query of partition `index`.
    public func query(partition index: Int) -> PostgresQuery {
        var query = self.query
        if let predicate = partitions[index].predicate { query.predicates.append(predicate) }
        return query
    }
}

/// How a table's bookmark moves after its load succeeded.
public enum BookmarkRule: Sendable, Equatable {
    /// Not at all (no cursor, or a reload of a past range).
    case unchanged
    /// To the largest cursor value extracted (never backwards); the table is then out of backfill.
    case largestExtracted
    /// To the end of this run's backfill slice; the table stays in backfill.
    case sliceEnd(CursorBookmark)
}

/// A past range of the cursor to extract again (`sluice run --from --to`), bounds as text.
public struct CursorRange: Sendable, Equatable {
    /// Inclusive.
    public var from: String
    /// Exclusive.
    public var to: String

    public init(from: String, to: String) {
        self.from = from
        self.to = to
    }
}

/// A run-wide choice of mode, from `sluice run --mode`.
public enum ModeOverride: String, Sendable, CaseIterable {
    /// Reload everything up to now, whatever the bookmark says.
    case backfill
    /// Only rows past the bookmark; an error for a table that has none yet.
    case incremental
}
