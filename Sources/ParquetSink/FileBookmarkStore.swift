import Foundation
import SluiceCore
import SluicePipeline

/// Bookmarks and run records kept beside the results, for a sink that is a folder of files:
/// `<root>/_sluice/bookmarks/<table>.json` (each replaced atomically) and `<root>/_sluice/runs.jsonl` (one record per
/// line, appended). Only the driver writes them.
struct FileBookmarkStore: BookmarkStore {
    let directory: String

    init(root: String) {
        directory = root + "/_sluice"
    }

    private struct Stored: Codable {
        var table: String
        var value: String?
        var epochSeconds: Int64?
        var backfill: Bool
        var backfillChangedAt: Int64
        var runID: String
    }

    func prepare() async throws(SluiceError) {
        try create(directory + "/bookmarks")
    }

    func load(table: String) async throws(SluiceError) -> Bookmark? {
        let path = bookmarkPath(table)
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        do {
            let stored = try JSONDecoder().decode(Stored.self, from: data)
            return Bookmark(table: stored.table, value: stored.value, epochSeconds: stored.epochSeconds, backfill: stored.backfill,
                            backfillChangedAt: stored.backfillChangedAt, runID: stored.runID)
        } catch {
            throw SluiceError(.bookmarkInvalid, "the stored bookmark cannot be read", context: ErrorContext(file: path, table: table),
                              underlying: "\(error)")
        }
    }

    func save(_ bookmark: Bookmark) async throws(SluiceError) {
        try create(directory + "/bookmarks")
        let stored = Stored(table: bookmark.table, value: bookmark.value, epochSeconds: bookmark.epochSeconds, backfill: bookmark.backfill,
                            backfillChangedAt: bookmark.backfillChangedAt, runID: bookmark.runID)
        let path = bookmarkPath(bookmark.table)
        do {
            try JSONEncoder().encode(stored).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw SluiceError(.parquetSinkIO, "cannot write the bookmark", context: ErrorContext(file: path, table: bookmark.table),
                              underlying: "\(error)")
        }
    }

    func record(_ records: [RunRecord]) async throws(SluiceError) {
        try create(directory)
        let path = directory + "/runs.jsonl"
        var text = ""
        for record in records {
            guard let line = try? JSONEncoder().encode(record) else { continue }
            text += String(decoding: line, as: UTF8.self) + "\n"
        }
        guard FileManager.default.fileExists(atPath: path) || FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw SluiceError(.parquetSinkIO, "cannot append to the run records", context: ErrorContext(file: path))
        }
        defer { try? handle.close() }
        do {
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(text.utf8))
        } catch {
            throw SluiceError(.parquetSinkIO, "cannot append to the run records", context: ErrorContext(file: path), underlying: "\(error)")
        }
    }

    func history(table: String?, limit: Int) async throws(SluiceError) -> [RunRecord] {
        guard let data = FileManager.default.contents(atPath: directory + "/runs.jsonl") else { return [] }
        let records = String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap {
            try? JSONDecoder().decode(RunRecord.self, from: Data($0.utf8))
        }
        return Array(records.filter { table == nil || $0.table == table }
            .sorted { ($0.startedAt, $0.runID) > ($1.startedAt, $1.runID) }.prefix(max(limit, 0)))
    }

    func allBookmarks() async throws(SluiceError) -> [Bookmark] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory + "/bookmarks")) ?? []
        var bookmarks: [Bookmark] = []
        for name in names.sorted() where name.hasSuffix(".json") {
            if let bookmark = try await load(table: String(name.dropLast(5)).removingPercentEncoding ?? "") { bookmarks.append(bookmark) }
        }
        return bookmarks
    }

    private func bookmarkPath(_ table: String) -> String {
        directory + "/bookmarks/" + (table.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? table) + ".json"
    }

    private func create(_ path: String) throws(SluiceError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw SluiceError(.parquetSinkIO, "cannot create \(path)", context: ErrorContext(file: path), underlying: "\(error)")
        }
    }
}
