import Foundation
import SluiceConfig
public import SluiceCore
public import SluicePipeline

/// `sluice bookmark set|reset`: an operator moves a table's bookmark by hand. Each change is saved like a run's
/// (a newer row in the bookmark store) and recorded in the run history with who asked.
extension Driver {
    /// What a bookmark change did.
    public struct BookmarkChange: Sendable {
        public var table: String
        public var before: Bookmark?
        public var after: Bookmark
    }

    /// Turns `table` back to backfill: its next run reads everything again (the sink's versioning keeps that from
    /// doubling rows, and rows soft-deleted meanwhile arrive flagged).
    public func resetBookmark(table name: String, by who: String) async throws(SluiceError) -> BookmarkChange {
        let table = try bookmarkedTable(name)
        let before = try await bookmarks.load(table: table.name)
        let after = Bookmark(table: table.name, value: nil, backfill: true, backfillChangedAt: now(), runID: Self.operatorRunID(now()))
        try await bookmarks.forgetFiles(table: table.name, runID: after.runID)
        try await save(after, before: before, action: "bookmark_reset", by: who)
        return BookmarkChange(table: table.name, before: before, after: after)
    }

    /// Sets `table`'s bookmark to `text`, a value of its cursor (read from the source, as a run would); its next run
    /// is incremental from there.
    public func setBookmark(table name: String, value text: String, by who: String) async throws(SluiceError) -> BookmarkChange {
        let table = try bookmarkedTable(name)
        let view = try await source.openRun(consistent: false)
        let described: SourceTable
        do {
            described = try await view.describe(table)
        } catch {
            await view.close()
            throw error
        }
        await view.close()
        guard let kind = described.cursorKind else {
            throw SluiceError(.configInvalid, "the source does not give \(table.name)'s cursor \(table.cursor ?? "-") a cursor type",
                              context: ErrorContext(table: table.name))
        }
        guard let value = CursorValue(text: text, kind: kind) else {
            throw SluiceError(.configInvalid, "'\(text)' is not a \(kind.rawValue) value (the type of \(table.name).\(table.cursor ?? "-"))",
                              context: ErrorContext(table: table.name, column: table.cursor))
        }
        let before = try await bookmarks.load(table: table.name)
        let after = Bookmark(table: table.name, value: value.text, epochSeconds: value.epochSeconds, backfill: false,
                             backfillChangedAt: now(), runID: Self.operatorRunID(now()))
        // A file ledger would keep skipping (or reading) files whatever the new bookmark says: it goes, and the files up
        // to the bookmark count as loaded again (FileLedger.selection).
        try await bookmarks.forgetFiles(table: table.name, runID: after.runID)
        try await save(after, before: before, action: "bookmark_set", by: who)
        return BookmarkChange(table: table.name, before: before, after: after)
    }

    private func bookmarkedTable(_ name: String) throws(SluiceError) -> TableConfig {
        guard let table = pipeline.table(named: name) else {
            throw SluiceError(.configInvalid, "no table named '\(name)' in the pipeline (it has \(pipeline.tables.map(\.name).joined(separator: ", ")))")
        }
        if let parent = table.parent {
            throw SluiceError(.configInvalid, "\(name) is a child of \(parent.table) and has no bookmark of its own; change the bookmark of \(parent.table)",
                              context: ErrorContext(table: name))
        }
        guard table.cursor != nil else {
            throw SluiceError(.configInvalid, "\(name) has no cursor, so no bookmark: every run reloads it whole",
                              context: ErrorContext(table: name))
        }
        return table
    }

    private func save(_ bookmark: Bookmark, before: Bookmark?, action: String, by who: String) async throws(SluiceError) {
        try await bookmarks.prepare()
        try await bookmarks.save(bookmark)
        let at = now()
        try await bookmarks.record([RunRecord(
            runID: bookmark.runID, pipeline: pipeline.pipeline, table: bookmark.table, mode: action, status: "succeeded",
            startedAt: at, finishedAt: at, bookmark: bookmark.value ?? "",
            note: "\(action) by \(who): \(before?.value ?? "none") -> \(bookmark.value ?? "none (backfill)")")])
    }

    /// A run id as runs get them, marked as an operator's.
    static func operatorRunID(_ micros: Int64) -> String {
        "operator-" + makeRunID(at: Date(timeIntervalSince1970: TimeInterval(micros) / 1_000_000))
    }
}
