public import SluiceCore
public import SluicePipeline

/// Bookmarks in `<metadata_database>.cdc_state`, file ledgers in `<metadata_database>.file_ledger` and run history in
/// `<metadata_database>.runs`, as a ``SluicePipeline/BookmarkStore``.
public struct ClickHouseBookmarkStore: BookmarkStore {
    public let table: CDCStateTable
    public let runs: RunsTable
    public let ledger: FileLedgerTable

    public init(table: CDCStateTable, runs: RunsTable? = nil, ledger: FileLedgerTable? = nil) {
        self.table = table
        self.runs = runs ?? RunsTable(client: table.client, database: table.database)
        self.ledger = ledger ?? FileLedgerTable(client: table.client, database: table.database)
    }

    public func prepare() async throws(SluiceError) {
        try await table.ensureSchema()
        try await runs.ensureSchema()
        try await ledger.ensureSchema()
    }

    public func fileLedger(table name: String) async throws(SluiceError) -> FileLedger {
        do {
            return try await ledger.load(table: name)
        } catch where error.code == .clickHouseUnknownDatabase || error.code == .clickHouseUnknownTable {
            return .none
        }
    }

    public func recordFiles(_ files: [FileVersion], table name: String, startingOver: Bool, runID: String) async throws(SluiceError) {
        try await ledger.record(files, table: name, startingOver: startingOver, runID: runID)
    }

    public func forgetFiles(table name: String, runID: String) async throws(SluiceError) {
        do {
            try await ledger.forget(table: name, runID: runID)
        } catch where error.code == .clickHouseUnknownDatabase || error.code == .clickHouseUnknownTable {
            return  // no ledger yet: nothing to forget
        }
    }

    /// Appends to the runs table that ``prepare()`` created when the run (or the bookmark command) started.
    public func record(_ records: [RunRecord]) async throws(SluiceError) {
        try await runs.append(records)
    }

    public func history(table name: String?, limit: Int) async throws(SluiceError) -> [RunRecord] {
        do {
            return try await runs.newest(table: name, limit: limit)
        } catch where error.code == .clickHouseUnknownDatabase || error.code == .clickHouseUnknownTable {
            return []
        }
    }

    public func allBookmarks() async throws(SluiceError) -> [Bookmark] {
        do {
            return try await table.loadAll().map(Self.bookmark)
        } catch where error.code == .clickHouseUnknownDatabase || error.code == .clickHouseUnknownTable {
            return []
        }
    }

    static func bookmark(_ row: CDCStateRow) -> Bookmark {
        Bookmark(table: row.table, value: row.lastExtractedValue, epochSeconds: row.lastExtractedTime.map { $0 / 1_000_000 },
                 backfill: row.backfill, backfillChangedAt: row.backfillChangedAt, runID: row.runID)
    }

    public func load(table name: String) async throws(SluiceError) -> Bookmark? {
        do {
            return try await table.load(table: name).map(Self.bookmark)
        } catch where error.code == .clickHouseUnknownDatabase || error.code == .clickHouseUnknownTable {
            return nil  // no bookmark store yet: every table is new
        }
    }

    public func save(_ bookmark: Bookmark) async throws(SluiceError) {
        _ = try await table.save(CDCStateRow(
            table: bookmark.table, lastExtractedValue: bookmark.value,
            lastExtractedTime: bookmark.epochSeconds.map { $0 * 1_000_000 }, backfill: bookmark.backfill,
            backfillChangedAt: bookmark.backfillChangedAt, runID: bookmark.runID))
    }
}
