public import SluiceCore

/// One table's part in one run, as the metadata store keeps it (`etl_metadata.runs` in ClickHouse): what
/// `sluice status` shows and what operators query.
public struct RunRecord: Sendable, Hashable, Codable {
    public var runID: String
    public var pipeline: String
    public var table: String
    /// `backfill`, `incremental`, `full_reload`, `range_reload`, or empty when the table was never planned; for an
    /// operator's change, `bookmark_set` or `bookmark_reset`.
    public var mode: String
    /// `succeeded` or `failed`.
    public var status: String
    public var rowsExtracted: UInt64
    public var rowsQuarantined: UInt64
    public var rowsDeleted: UInt64
    public var rowsLoaded: UInt64
    /// Bytes of the Parquet shards committed.
    public var bytes: UInt64
    /// Microseconds since the epoch.
    public var startedAt: Int64
    public var finishedAt: Int64
    /// The bookmark after the run (unchanged when the table failed); empty without one.
    public var bookmark: String
    /// Empty when the table succeeded.
    public var error: String
    /// What an operator did (`bookmark_reset by alice@host: 2024-01-01 -> none`); empty for runs.
    public var note: String

    public init(runID: String, pipeline: String, table: String, mode: String, status: String, rowsExtracted: UInt64 = 0,
                rowsQuarantined: UInt64 = 0, rowsDeleted: UInt64 = 0, rowsLoaded: UInt64 = 0, bytes: UInt64 = 0,
                startedAt: Int64, finishedAt: Int64, bookmark: String = "", error: String = "", note: String = "") {
        self.runID = runID
        self.pipeline = pipeline
        self.table = table
        self.mode = mode
        self.status = status
        self.rowsExtracted = rowsExtracted
        self.rowsQuarantined = rowsQuarantined
        self.rowsDeleted = rowsDeleted
        self.rowsLoaded = rowsLoaded
        self.bytes = bytes
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.bookmark = bookmark
        self.error = error
        self.note = note
    }
}

/// What the metadata store keeps besides the bookmarks: one ``RunRecord`` per table per run.
public protocol RunHistory: Sendable {
    /// Appends `records` (one per table of a finished run).
    func record(_ records: [RunRecord]) async throws(SluiceError)
    /// The newest `limit` records of `table` (of every table when nil), newest first; empty when the store does not
    /// exist yet.
    func history(table: String?, limit: Int) async throws(SluiceError) -> [RunRecord]
    /// Every table's newest bookmark, by table name; empty when the store does not exist yet.
    func allBookmarks() async throws(SluiceError) -> [Bookmark]
}
