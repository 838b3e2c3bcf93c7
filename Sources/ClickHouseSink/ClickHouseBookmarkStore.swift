public import SluiceCore
public import SluicePipeline

/// Bookmarks in `<metadata_database>.cdc_state`, as a ``SluicePipeline/BookmarkStore``.
public struct ClickHouseBookmarkStore: BookmarkStore {
    public let table: CDCStateTable

    public init(table: CDCStateTable) {
        self.table = table
    }

    public func prepare() async throws(SluiceError) {
        try await table.ensureSchema()
    }

    public func load(table name: String) async throws(SluiceError) -> Bookmark? {
        do {
            return try await table.load(table: name).map {
                Bookmark(table: $0.table, value: $0.lastExtractedValue, epochSeconds: $0.lastExtractedTime.map { $0 / 1_000_000 },
                         backfill: $0.backfill, backfillChangedAt: $0.backfillChangedAt, runID: $0.runID)
            }
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
