public import Foundation
public import SluiceCore

/// What a run did, table by table: printed at the end of `sluice run` and written as JSON by `--report`.
public struct RunReport: Sendable, Encodable {
    public var runID: String
    public var pipeline: String
    public var startedAt: String
    public var seconds: Double
    public var tables: [TableReport]

    public var succeeded: Bool { tables.allSatisfy { $0.status != .failed } }

    enum CodingKeys: String, CodingKey {
        case runID = "run_id", pipeline, startedAt = "started_at", seconds, succeeded, tables
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(runID, forKey: .runID)
        try c.encode(pipeline, forKey: .pipeline)
        try c.encode(startedAt, forKey: .startedAt)
        try c.encode(seconds, forKey: .seconds)
        try c.encode(succeeded, forKey: .succeeded)
        try c.encode(tables, forKey: .tables)
    }

    /// Pretty-printed JSON with sorted keys.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    /// A human-readable summary.
    public var text: String {
        var lines = ["run \(runID) (\(pipeline)): \(succeeded ? "succeeded" : "FAILED") in \(Self.format(seconds))s"]
        let header = ["table", "mode", "status", "tasks", "extracted", "loaded", "nulled", "dropped", "MiB", "bookmark", "s"]
        var rows = [header]
        for table in tables {
            let nulled = table.nulledValues.values.reduce(0, +)
            rows.append([table.table, table.mode.rawValue, table.status.rawValue, "\(table.tasks)", "\(table.rowsExtracted)",
                         "\(table.rowsLoaded)", "\(nulled)", "\(table.rowsDropped)",
                         Self.format(Double(table.shardBytes) / 1_048_576), table.bookmarkAfter ?? "-", Self.format(table.seconds)])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            lines.append(row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: "  "))
        }
        for table in tables {
            for (column, count) in table.nulledValues.sorted(by: { $0.key < $1.key }) where count > 0 {
                lines.append("  \(table.table).\(column): \(count) out-of-range values set to NULL")
            }
            if let error = table.error { lines.append("  \(table.table): \(error)") }
        }
        return lines.joined(separator: "\n")
    }

    static func format(_ value: Double) -> String { String(format: "%.2f", value) }
}

/// One table's part of a ``RunReport``.
public struct TableReport: Sendable, Encodable {
    public enum Mode: String, Sendable, Encodable {
        /// The table's first run (or a forced one): everything up to now.
        case backfill
        /// Rows whose cursor passed the bookmark.
        case incremental
        /// No cursor: the whole table, swapped in when loaded.
        case fullReload = "full_reload"
        /// A past range of the cursor extracted again (`--from`/`--to`); the bookmark does not move.
        case rangeReload = "range_reload"
    }

    public enum Status: String, Sendable, Encodable {
        case succeeded, failed
    }

    public var table: String
    public var mode: Mode
    public var status: Status
    public var error: String?
    public var tasks: Int
    public var attempts: Int
    public var rowsExtracted: UInt64
    public var rowsLoaded: UInt64
    public var rowsDropped: UInt64
    public var nulledValues: [String: UInt64]
    public var shardBytes: UInt64
    public var bookmarkBefore: String?
    public var bookmarkAfter: String?
    public var seconds: Double

    public init(table: String, mode: Mode) {
        self.table = table
        self.mode = mode
        status = .failed
        tasks = 0
        attempts = 0
        rowsExtracted = 0
        rowsLoaded = 0
        rowsDropped = 0
        nulledValues = [:]
        shardBytes = 0
        seconds = 0
    }

    /// Adds the task results of a finished table.
    public mutating func add(_ results: [TaskResult]) {
        for result in results {
            attempts += Int(result.attempt)
            rowsExtracted += result.rowsExtracted
            rowsLoaded += result.rowsLoaded
            rowsDropped += result.rowsFiltered
            shardBytes += result.shardBytes
            nulledValues.merge(result.nulledValues, uniquingKeysWith: +)
        }
    }

    enum CodingKeys: String, CodingKey {
        case table, mode, status, error, tasks, attempts, seconds
        case rowsExtracted = "rows_extracted", rowsLoaded = "rows_loaded", rowsDropped = "rows_dropped"
        case nulledValues = "nulled_values", shardBytes = "shard_bytes"
        case bookmarkBefore = "bookmark_before", bookmarkAfter = "bookmark_after"
    }
}
