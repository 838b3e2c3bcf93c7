public import Foundation
import SluiceConfig
public import SluiceCore
public import SluicePipeline

/// `sluice status`: each table's bookmark, what its next run will do, and its last runs, from the metadata store
/// alone (the source is not contacted).
public struct StatusReport: Sendable, Encodable {
    public struct TableStatus: Sendable, Encodable {
        public var table: String
        /// The bookmark's exact cursor value; nil without one.
        public var bookmark: String?
        /// `backfill`, `incremental` or `full_reload`: what the next run does unless told otherwise.
        public var nextMode: String
        /// The next run, said plainly.
        public var state: String
        /// The run that saved the bookmark.
        public var bookmarkRun: String?
        /// For a lake table that chooses files by its ledger: how many files it has loaded.
        public var loadedFiles: Int?
        /// Newest first.
        public var runs: [RunRecord]

        enum CodingKeys: String, CodingKey {
            case table, bookmark, state, runs
            case nextMode = "next_mode", bookmarkRun = "bookmark_run", loadedFiles = "loaded_files"
        }
    }

    public var pipeline: String
    public var tables: [TableStatus]

    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try encoder.encode(self)
    }

    public var text: String {
        var lines = ["pipeline \(pipeline)"]
        for table in tables {
            lines.append("")
            lines.append("\(table.table): \(table.state)")
            guard !table.runs.isEmpty else {
                lines.append("  no runs recorded")
                continue
            }
            var rows = [["run", "mode", "status", "extracted", "quarantined", "loaded", "deleted", "MiB", "started (UTC)", "s"]]
            for run in table.runs {
                rows.append([run.runID, run.mode.isEmpty ? "-" : run.mode, run.status, "\(run.rowsExtracted)", "\(run.rowsQuarantined)",
                             "\(run.rowsLoaded)", "\(run.rowsDeleted)", String(format: "%.2f", Double(run.bytes) / 1_048_576),
                             Self.time(run.startedAt), "\((run.finishedAt - run.startedAt) / 1_000_000)"])
            }
            let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
            for (index, row) in rows.enumerated() {
                lines.append("  " + row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                    .joined(separator: "  "))
                if index > 0, !table.runs[index - 1].note.isEmpty {
                    lines.append("    " + table.runs[index - 1].note)
                }
                if index > 0, !table.runs[index - 1].error.isEmpty {
                    let error = table.runs[index - 1].error
                    lines.append("    error: " + (error.count > 300 ? String(error.prefix(300)) + "…" : error))
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    /// `2026-12-04 20:10:00` from microseconds since the epoch.
    static func time(_ micros: Int64) -> String {
        String(CivilTime.formatTimestamp(microseconds: micros).prefix(19))
    }
}

extension Driver {
    /// The selected tables' bookmarks and last `runs` runs each, from the metadata store.
    public func status(runs: Int) async throws(SluiceError) -> StatusReport {
        let stored = Dictionary(try await bookmarks.allBookmarks().map { ($0.table, $0) }, uniquingKeysWith: { first, _ in first })
        var tables: [StatusReport.TableStatus] = []
        for table in try selectedTables() {
            let bookmark = stored[table.name]
            let ledger = table.cursor == nil || table.parent != nil ? FileLedger.none : try await bookmarks.fileLedger(table: table.name)
            let loadedFiles = ledger.generation == nil ? nil : ledger.files.count
            let (mode, state): (String, String)
            if table.parent != nil {
                (mode, state) = ("-", "a child of \(table.parent!.table): loads with its parent's runs")
            } else if table.cursor == nil {
                (mode, state) = ("full_reload", "no cursor: every run reloads the whole table")
            } else if let bookmark, bookmark.value != nil, let loadedFiles, !bookmark.backfill {
                (mode, state) = ("incremental", "incremental by files; the next run reads the files not among the \(loadedFiles) loaded (its file ledger), whatever their \(table.cursor!)")
            } else if let bookmark, let value = bookmark.value {
                (mode, state) = bookmark.backfill
                    ? ("backfill", "backfilling in windows; the next slice starts after \(value)")
                    : ("incremental", "incremental; the next run reads \(table.cursor!) > \(value) less the lag")
            } else if let bookmark {
                (mode, state) = ("backfill", "bookmark reset (by \(bookmark.runID)): the next run is a backfill")
            } else {
                (mode, state) = ("backfill", "no bookmark yet: the next run is a backfill")
            }
            tables.append(StatusReport.TableStatus(
                table: table.name, bookmark: bookmark?.value, nextMode: mode, state: state, bookmarkRun: bookmark?.runID,
                loadedFiles: loadedFiles, runs: try await bookmarks.history(table: table.name, limit: runs)))
        }
        return StatusReport(pipeline: pipeline.pipeline, tables: tables)
    }
}
