/// Where a table's last successful run stopped, and whether it is in backfill or incremental mode:
/// one logical row of `etl_metadata.cdc_state`.
public struct CDCStateRow: Sendable, Hashable {
    /// The table's name in the pipeline configuration.
    public var table: String
    /// The largest cursor value extracted, as exact text at full source precision (a timestamp with
    /// microseconds, an integer, ...); nil before the first row was ever extracted.
    public var lastExtractedValue: String?
    /// The same position as a time, for people (microseconds since the epoch, UTC). Stored as a
    /// `DateTime`, so in whole seconds; nil when unknown or outside 1970...2105.
    public var lastExtractedTime: Int64?
    /// True while the table is being backfilled; false once it runs incrementally.
    public var backfill: Bool
    /// When ``backfill`` last changed (microseconds since the epoch, stored in whole seconds).
    public var backfillChangedAt: Int64
    /// The run that wrote this bookmark.
    public var runID: String
    /// When the bookmark was saved (microseconds since the epoch, stored in whole seconds); set by
    /// ``CDCStateTable/save(_:)``.
    public var updatedAt: Int64
    /// The row version (`ReplacingMergeTree(version)`): the latest save has the largest. Set by
    /// ``CDCStateTable/save(_:)``.
    public var version: UInt64

    public init(table: String, lastExtractedValue: String?, lastExtractedTime: Int64?, backfill: Bool,
                backfillChangedAt: Int64, runID: String, updatedAt: Int64 = 0, version: UInt64 = 0) {
        self.table = table
        self.lastExtractedValue = lastExtractedValue
        self.lastExtractedTime = lastExtractedTime
        self.backfill = backfill
        self.backfillChangedAt = backfillChangedAt
        self.runID = runID
        self.updatedAt = updatedAt
        self.version = version
    }
}
