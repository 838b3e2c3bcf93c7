import Foundation
import SluiceCore
import SluicePipeline
import SluiceStorage

/// Bookmarks, file ledgers and run records kept beside the results, for a sink that is a folder of files:
/// `<root>/_sluice/bookmarks/<table>.json` and `<root>/_sluice/files/<table>.json` (each replaced atomically), and
/// `<root>/_sluice/runs.jsonl` (one record per line, appended). Only the driver writes them.
struct FileBookmarkStore: BookmarkStore {
    let directory: String
    /// The results folder's store (a directory, or a bucket): the paths below are whole paths in it.
    let store: any StagingStore

    init(root: String, store: any StagingStore) {
        directory = root + "/_sluice"
        self.store = store
    }

    private struct Stored: Codable {
        var table: String
        var value: String?
        var epochSeconds: Int64?
        var backfill: Bool
        var backfillChangedAt: Int64
        var runID: String
    }

    /// `work` on a thread of its own: the store blocks.
    private func onThread<T: Sendable>(_ work: @escaping @Sendable (any StagingStore) throws(SluiceError) -> T) async throws(SluiceError) -> T {
        try await BlockingIO.run(name: "sluice.parquet_sink.bookmarks") { [store] () throws(SluiceError) -> T in try work(store) }
    }

    func prepare() async throws(SluiceError) {}

    func load(table: String) async throws(SluiceError) -> Bookmark? {
        let path = bookmarkPath(table)
        guard let data = try await onThread({ store throws(SluiceError) in try store.read(path) }) else { return nil }
        do {
            let stored = try JSONDecoder().decode(Stored.self, from: Data(data))
            return Bookmark(table: stored.table, value: stored.value, epochSeconds: stored.epochSeconds, backfill: stored.backfill,
                            backfillChangedAt: stored.backfillChangedAt, runID: stored.runID)
        } catch {
            throw SluiceError(.bookmarkInvalid, "the stored bookmark cannot be read", context: ErrorContext(file: path, table: table),
                              underlying: "\(error)")
        }
    }

    /// Each bookmark is one file, replaced whole (a rename; one PUT in a bucket).
    func save(_ bookmark: Bookmark) async throws(SluiceError) {
        let stored = Stored(table: bookmark.table, value: bookmark.value, epochSeconds: bookmark.epochSeconds, backfill: bookmark.backfill,
                            backfillChangedAt: bookmark.backfillChangedAt, runID: bookmark.runID)
        let path = bookmarkPath(bookmark.table)
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try JSONEncoder().encode(stored))
        } catch {
            throw SluiceError(.parquetSinkIO, "cannot encode the bookmark", context: ErrorContext(table: bookmark.table), underlying: "\(error)")
        }
        try await onThread { store throws(SluiceError) in try store.write(bytes, to: path) }
    }

    /// A table's ledger as stored: its generation and files, sorted.
    private struct StoredLedger: Codable {
        var generation: String
        var files: [FileVersion]
    }

    func fileLedger(table: String) async throws(SluiceError) -> FileLedger {
        guard let stored = try await storedLedger(table) else { return .none }
        return FileLedger(generation: stored.generation, files: Set(stored.files))
    }

    /// The ledger is one file per table, read, merged and replaced whole.
    func recordFiles(_ files: [FileVersion], table: String, startingOver: Bool, runID: String) async throws(SluiceError) {
        var ledger = StoredLedger(generation: runID, files: [])
        if !startingOver, let stored = try await storedLedger(table) { ledger = stored }
        ledger.files = Array(Set(ledger.files).union(files)).sorted()
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try JSONEncoder().encode(ledger))
        } catch {
            throw SluiceError(.parquetSinkIO, "cannot encode the file ledger", context: ErrorContext(table: table), underlying: "\(error)")
        }
        let path = ledgerPath(table)
        try await onThread { store throws(SluiceError) in try store.write(bytes, to: path) }
    }

    /// The table's ledger file goes.
    func forgetFiles(table: String, runID: String) async throws(SluiceError) {
        let path = ledgerPath(table)
        try await onThread { store throws(SluiceError) in store.remove([path]) }
    }

    private func storedLedger(_ table: String) async throws(SluiceError) -> StoredLedger? {
        let path = ledgerPath(table)
        guard let data = try await onThread({ store throws(SluiceError) in try store.read(path) }) else { return nil }
        do {
            return try JSONDecoder().decode(StoredLedger.self, from: Data(data))
        } catch {
            throw SluiceError(.bookmarkInvalid, "the stored file ledger cannot be read; run with --mode full_reload to start it over, or delete it (the files up to the bookmark then count as loaded)",
                              context: ErrorContext(file: path, table: table),
                              underlying: "\(error)")
        }
    }

    /// Run records go to `runs.jsonl`, rewritten whole with the new lines at its end (a bucket has no append; only
    /// the driver writes it).
    func record(_ records: [RunRecord]) async throws(SluiceError) {
        let path = directory + "/runs.jsonl"
        var text = ""
        for record in records {
            guard let line = try? JSONEncoder().encode(record) else { continue }
            text += String(decoding: line, as: UTF8.self) + "\n"
        }
        let added = Array(text.utf8)
        try await onThread { store throws(SluiceError) in
            try store.write((try store.read(path) ?? []) + added, to: path)
        }
    }

    func history(table: String?, limit: Int) async throws(SluiceError) -> [RunRecord] {
        let path = directory + "/runs.jsonl"
        guard let data = try await onThread({ store throws(SluiceError) in try store.read(path) }) else { return [] }
        let records = String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap {
            try? JSONDecoder().decode(RunRecord.self, from: Data($0.utf8))
        }
        return Array(records.filter { table == nil || $0.table == table }
            .sorted { ($0.startedAt, $0.runID) > ($1.startedAt, $1.runID) }.prefix(max(limit, 0)))
    }

    func allBookmarks() async throws(SluiceError) -> [Bookmark] {
        let names = try await onThread { store in store.entries(in: "_sluice/bookmarks") }
        var bookmarks: [Bookmark] = []
        for name in names.sorted() where name.hasSuffix(".json") {
            if let bookmark = try await load(table: String(name.dropLast(5)).removingPercentEncoding ?? "") { bookmarks.append(bookmark) }
        }
        return bookmarks
    }

    private func bookmarkPath(_ table: String) -> String {
        directory + "/bookmarks/" + Self.fileName(table) + ".json"
    }

    private func ledgerPath(_ table: String) -> String {
        directory + "/files/" + Self.fileName(table) + ".json"
    }

    private static func fileName(_ table: String) -> String {
        table.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? table
    }
}
