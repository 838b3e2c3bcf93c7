/// What one extraction task reads from PostgreSQL: the SELECT the driver built, run inside
/// `COPY (...) TO STDOUT (FORMAT binary)`, in the run's exported snapshot. It travels with the task as the
/// payload of kind `postgres` (JSON).
public struct PostgresReadSpec: Sendable, Hashable, Codable {
    public static let kind = "postgres"

    public var query: String
    /// The exported snapshot to read in (`pg_export_snapshot()`); nil reads the current data.
    public var snapshot: String?
    /// The query's output columns, named as the run reports them.
    public var columns: [SourceColumn]
    /// The column whose largest value becomes the bookmark (a name among ``columns``).
    public var cursorColumn: String?
    /// True when the partition must be read in the snapshot it was planned in, even after that snapshot was lost
    /// (``SnapshotBinding``): ctid block ranges of a table without a cursor. Absent (nil) in older plans: false.
    public var pinnedToSnapshot: Bool?

    public init(query: String, snapshot: String?, columns: [SourceColumn], cursorColumn: String? = nil) {
        self.query = query
        self.snapshot = snapshot
        self.columns = columns
        self.cursorColumn = cursorColumn
    }
}
