public import PostgresSource
public import SluiceConfig
public import SluiceCore
public import SluiceRuntime

/// How one table runs: mode, window, partitions and where it loads.
public struct TablePlan: Sendable {
    public var table: TableConfig
    public var mode: TableReport.Mode
    /// The bookmark the run starts from (incremental runs), exact.
    public var bookmarkBefore: BookmarkValue?
    /// The extraction query without a partition predicate (columns, filters, window).
    public var query: PostgresQuery
    /// One entry per partition task, with its predicate and PostgreSQL's row estimate.
    public var partitions: [PartitionPlanEntry]
    /// The ClickHouse table the tasks load: the target itself, or a fresh copy for a full reload.
    public var loadTable: String

    /// The query of partition `index`.
    public func query(partition index: Int) -> PostgresQuery {
        var query = self.query
        if let predicate = partitions[index].predicate { query.predicates.append(predicate) }
        return query
    }
}

/// A run-wide choice of mode, from `sluice run --mode`.
public enum ModeOverride: String, Sendable, CaseIterable {
    /// Reload everything up to now, whatever the bookmark says.
    case backfill
    /// Only rows past the bookmark; an error for a table that has none yet.
    case incremental
}
