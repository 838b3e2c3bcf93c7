public import SluiceCore

/// Where a table's last successful run stopped and whether it is still being backfilled: the one bookmark model
/// of Sluice (stored by a ``BookmarkStore``; ClickHouse keeps it in `etl_metadata.cdc_state`).
public struct Bookmark: Sendable, Hashable {
    /// The table's name in the pipeline.
    public var table: String
    /// The largest cursor value loaded so far, as exact text (``SluiceCore/CursorValue/text``); nil before the
    /// first row was ever loaded.
    public var value: String?
    /// The same position as seconds since the epoch, for people (`cdc_state.last_extracted_time`); nil for an
    /// integer cursor or no position.
    public var epochSeconds: Int64?
    /// True while the table is being backfilled (in slices); false once it runs incrementally.
    public var backfill: Bool
    /// When ``backfill`` last changed, microseconds since the epoch.
    public var backfillChangedAt: Int64
    /// The run that saved it.
    public var runID: String

    public init(table: String, value: String?, epochSeconds: Int64? = nil, backfill: Bool, backfillChangedAt: Int64,
                runID: String) {
        self.table = table
        self.value = value
        self.epochSeconds = epochSeconds
        self.backfill = backfill
        self.backfillChangedAt = backfillChangedAt
        self.runID = runID
    }

    /// ``value`` parsed as a cursor value of `kind`.
    public func cursor(kind: CursorKind) throws(SluiceError) -> CursorValue? {
        guard let value else { return nil }
        guard let parsed = CursorValue(text: value, kind: kind) else {
            throw SluiceError(.bookmarkInvalid, "stored bookmark '\(value)' is not a \(kind.rawValue) value",
                              context: ErrorContext(table: table))
        }
        return parsed
    }
}

/// Where bookmarks live. The driver reads them while planning and writes one when a table's load succeeded.
/// The metadata store: each table's bookmark, and (``RunHistory``) one record per table per run.
public protocol BookmarkStore: RunHistory {
    /// Creates whatever holds the bookmarks, if missing.
    func prepare() async throws(SluiceError)
    /// The table's bookmark, or nil when it has none (a new table, or a store not created yet).
    func load(table: String) async throws(SluiceError) -> Bookmark?
    /// Records `bookmark` as the table's newest.
    func save(_ bookmark: Bookmark) async throws(SluiceError)
    /// The files `table` has loaded (``FileLedger``); ``FileLedger/none`` when it has no ledger.
    func fileLedger(table: String) async throws(SluiceError) -> FileLedger
    /// Records that `table` loaded `files` in run `runID`: added to its ledger's generation, or, `startingOver`, as a
    /// new generation that replaces the ledger. Written before the bookmark that follows the same load, so a ledger
    /// never names a file whose rows are not in the target.
    func recordFiles(_ files: [FileVersion], table: String, startingOver: Bool, runID: String) async throws(SluiceError)
    /// Forgets the files `table` loaded (`sluice bookmark set` and `reset`, by `runID`): until a run records files again,
    /// its bookmark alone says what is loaded, as for a table loaded before the ledger existed.
    func forgetFiles(table: String, runID: String) async throws(SluiceError)
}

extension SluiceError.Code {
    /// The source no longer matches the table's declaration: a declared column dropped or retyped.
    public static let schemaDrift = Self("schema_drift", retryable: false)
    /// A stored bookmark, or a cursor value an executor reported, that is not a value of the cursor's kind.
    public static let bookmarkInvalid = Self("bookmark_invalid", retryable: false)
}
