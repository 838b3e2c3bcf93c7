public import SluiceCore

/// A table's bookmark as stored in `<metadata_database>.cdc_state`.
public struct StoredBookmark: Sendable, Equatable {
    /// The largest cursor value extracted so far, as exact text; nil before the first successful run.
    public var value: String?
    /// True while the table is being backfilled; false once it runs incrementally.
    public var backfill: Bool

    public init(value: String?, backfill: Bool) {
        self.value = value
        self.backfill = backfill
    }
}

/// Where bookmarks live. The driver reads them when planning and writes them when a table's load succeeded.
public protocol BookmarkStoring: Sendable {
    func prepare() async throws(SluiceError)
    func load(table: String) async throws(SluiceError) -> StoredBookmark?
    /// Records that `table`'s rows up to `value` (text of a cursor, `epochSeconds` for people) are loaded.
    func save(table: String, value: String?, epochSeconds: Int64, backfill: Bool, runID: String) async throws(SluiceError)
}
