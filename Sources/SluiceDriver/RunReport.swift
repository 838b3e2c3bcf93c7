public import Foundation
import SluiceCore
public import SluicePipeline

/// What a run did, per table and per task: printed at the end of `sluice run` and written as JSON by `--report`.
public struct RunReport: Sendable, Encodable {
    public var runID: String
    public var pipeline: String
    public var startedAt: String
    public var seconds: Double
    public var tables: [TableReport]
    /// Executors that got no more tasks because they failed attempts others completed, in the order it happened.
    public var excludedExecutors: [ExcludedExecutorReport]

    public init(runID: String, pipeline: String, startedAt: String, seconds: Double, tables: [TableReport],
                excludedExecutors: [ExcludedExecutorReport] = []) {
        self.runID = runID
        self.pipeline = pipeline
        self.startedAt = startedAt
        self.seconds = seconds
        self.tables = tables
        self.excludedExecutors = excludedExecutors
    }

    public var succeeded: Bool { tables.allSatisfy { $0.status == .succeeded } }

    enum CodingKeys: String, CodingKey {
        case runID = "run_id", pipeline, startedAt = "started_at", seconds, succeeded, tables
        case excludedExecutors = "excluded_executors"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(runID, forKey: .runID)
        try c.encode(pipeline, forKey: .pipeline)
        try c.encode(startedAt, forKey: .startedAt)
        try c.encode(seconds, forKey: .seconds)
        try c.encode(succeeded, forKey: .succeeded)
        try c.encode(tables, forKey: .tables)
        try c.encode(excludedExecutors, forKey: .excludedExecutors)
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
        let header = ["table", "mode", "status", "tasks", "extracted", "filtered", "quarantined", "loaded", "deleted", "nulled", "dropped",
                      "MiB", "bookmark", "s"]
        var rows = [header]
        for table in tables {
            let nulled = table.nulledValues.values.reduce(0, +)
            rows.append([table.table, table.mode?.rawValue ?? "-", table.status.rawValue, "\(table.tasks.count)", "\(table.rowsExtracted)",
                         "\(table.rowsFiltered)", "\(table.rowsQuarantined)",
                         "\(table.rowsLoaded)", "\(table.rowsDeleted)", "\(nulled)", "\(table.rowsDropped)",
                         Self.format(Double(table.shardBytes) / 1_048_576), table.bookmarkAfter ?? "-", Self.format(table.seconds)])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            lines.append(row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: "  "))
        }
        for excluded in excludedExecutors {
            lines.append("  executor \(excluded.executor) was excluded after \(excluded.failures) failed attempts in a row "
                         + "while other executors completed theirs: \(excluded.error)")
        }
        for table in tables {
            for (column, count) in table.nulledValues.sorted(by: { $0.key < $1.key }) where count > 0 {
                lines.append("  \(table.table).\(column): \(count) out-of-range values set to NULL")
            }
            for (rule, count) in table.quarantined.sorted(by: { $0.key < $1.key }) where count > 0 {
                lines.append("  \(table.table): validation \(rule) quarantined \(count) row\(count == 1 ? "" : "s")")
            }
            for file in table.quarantineFiles { lines.append("  \(table.table): quarantined rows in \(file)") }
            for change in table.schemaChanges { lines.append("  \(table.table): \(change)") }
            for warning in table.warnings { lines.append("  \(table.table): warning: \(warning)") }
            if let error = table.error { lines.append("  \(table.table): \(error)") }
            if table.status == .failed && table.rowsLoaded == 0 && table.mode != nil {
                lines.append("  \(table.table): nothing of this run was loaded; the bookmark did not move")
            }
            if table.status == .failed && table.rowsLoaded > 0 {
                lines.append("  \(table.table): \(table.rowsLoaded) rows of this run reached \(table.target ?? "the sink") before it failed; "
                             + "the bookmark did not move, so the next run loads them again as the same versions")
            }
        }
        return lines.joined(separator: "\n")
    }

    static func format(_ value: Double) -> String { String(format: "%.2f", value) }
}

/// One table's part of a ``RunReport``.
public struct TableReport: Sendable, Encodable {
    public enum Status: String, Sendable, Encodable {
        case succeeded, failed
    }

    public var table: String
    /// Nil when the table failed before its mode was decided.
    public var mode: RunMode?
    public var status: Status
    public var error: String?
    /// Where the table loads (`clean.orders`).
    public var target: String?
    /// Rows the source returned.
    public var rowsExtracted: UInt64 = 0
    /// Rows staged by the committed attempts (after the stages).
    public var rowsStaged: UInt64 = 0
    /// Rows that became part of the sink's table: committed attempts only, whether or not the table succeeded.
    public var rowsLoaded: UInt64 = 0
    /// Of the loaded rows, rows flagged deleted.
    public var rowsDeleted: UInt64 = 0
    public var rowsDropped: UInt64 = 0
    /// Rows the filter rejected (in runs that load them as deletions, they are among ``rowsDeleted`` too).
    public var rowsFiltered: UInt64 = 0
    /// Per validation rule, rows set aside in quarantine files.
    public var quarantined: [String: UInt64] = [:]
    /// The quarantine files of the committed attempts (on the executors' staging disks).
    public var quarantineFiles: [String] = []
    public var nulledValues: [String: UInt64] = [:]
    public var shardBytes: UInt64 = 0
    public var bookmarkBefore: String?
    public var bookmarkAfter: String?
    public var seconds: Double = 0
    /// What planning found that can lose or change rows without an error, each with the fix.
    public var warnings: [String] = []
    /// Changes schema evolution made to the target (`added column notes (string)`).
    public var schemaChanges: [String] = []
    public var tasks: [TaskReport] = []

    public init(table: String, mode: RunMode?) {
        self.table = table
        self.mode = mode
        status = .failed
    }

    /// All attempts of all tasks.
    public var attempts: Int { tasks.reduce(0) { $0 + $1.attempts.count } }

    /// Rows set aside by every rule.
    public var rowsQuarantined: UInt64 { quarantined.values.reduce(0, +) }

    enum CodingKeys: String, CodingKey {
        case table, mode, status, error, target, tasks, attempts, seconds, warnings
        case schemaChanges = "schema_changes"
        case rowsExtracted = "rows_extracted", rowsStaged = "rows_staged", rowsLoaded = "rows_loaded",
             rowsDeleted = "rows_deleted", rowsDropped = "rows_dropped", rowsFiltered = "rows_filtered",
             rowsQuarantined = "rows_quarantined", quarantined, quarantineFiles = "quarantine_files"
        case nulledValues = "nulled_values", shardBytes = "shard_bytes"
        case bookmarkBefore = "bookmark_before", bookmarkAfter = "bookmark_after"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(table, forKey: .table)
        try c.encodeIfPresent(mode, forKey: .mode)
        try c.encode(status.rawValue, forKey: .status)
        try c.encodeIfPresent(error, forKey: .error)
        try c.encodeIfPresent(target, forKey: .target)
        try c.encode(tasks, forKey: .tasks)
        try c.encode(attempts, forKey: .attempts)
        try c.encode(seconds, forKey: .seconds)
        try c.encode(rowsExtracted, forKey: .rowsExtracted)
        try c.encode(rowsStaged, forKey: .rowsStaged)
        try c.encode(rowsLoaded, forKey: .rowsLoaded)
        try c.encode(rowsDeleted, forKey: .rowsDeleted)
        try c.encode(rowsDropped, forKey: .rowsDropped)
        try c.encode(rowsFiltered, forKey: .rowsFiltered)
        try c.encode(rowsQuarantined, forKey: .rowsQuarantined)
        try c.encode(quarantined, forKey: .quarantined)
        try c.encode(quarantineFiles, forKey: .quarantineFiles)
        try c.encode(nulledValues, forKey: .nulledValues)
        try c.encode(shardBytes, forKey: .shardBytes)
        try c.encodeIfPresent(bookmarkBefore, forKey: .bookmarkBefore)
        try c.encodeIfPresent(bookmarkAfter, forKey: .bookmarkAfter)
        try c.encode(warnings, forKey: .warnings)
        try c.encode(schemaChanges, forKey: .schemaChanges)
    }
}

/// One task of a table: its partition and every attempt at it.
public struct TaskReport: Sendable, Encodable {
    public enum Status: String, Sendable, Encodable {
        /// Its rows are part of the sink's table.
        case committed
        case failed
        /// Never finished: its table failed or the run was abandoned first.
        case cancelled
    }

    public var task: UInt64
    public var partition: Int
    /// The partition as the source describes it (`"id" >= 100 AND "id" < 200`).
    public var summary: String
    public var status: Status = .cancelled
    /// Rows that became part of the sink's table.
    public var rowsLoaded: UInt64 = 0
    public var attempts: [AttemptReport] = []

    enum CodingKeys: String, CodingKey {
        case task, partition, summary, status, attempts
        case rowsLoaded = "rows_loaded"
    }
}

/// One attempt at a task, as the driver saw it.
public struct AttemptReport: Sendable, Encodable {
    public enum Outcome: String, Sendable, Encodable {
        case running
        /// Staged, waiting for the driver's commit.
        case staged
        /// Staged and committed: these rows are in the sink.
        case committed
        case failed
        /// Its executor was lost while it ran.
        case lost
        /// It reported success after another attempt had replaced it; what it staged was discarded.
        case superseded
    }

    public var attempt: UInt32
    public var executor: String
    public var outcome: Outcome
    public var rowsExtracted: UInt64?
    public var rowsStaged: UInt64?
    public var error: String?
    /// For a failed attempt: whether its error was retryable (false: its table failed at once).
    public var retryable: Bool?
    /// For a failed attempt that was retried: how long the next attempt waited (its backoff).
    public var retryAfterSeconds: Double?

    enum CodingKeys: String, CodingKey {
        case attempt, executor, outcome, error, retryable
        case rowsExtracted = "rows_extracted", rowsStaged = "rows_staged", retryAfterSeconds = "retry_after_seconds"
    }
}

/// An executor the run stopped giving tasks (``SluiceScheduler/ExecutorExclusion``).
public struct ExcludedExecutorReport: Sendable, Encodable, Hashable {
    public var executor: String
    /// Its failed attempts in a row that decided it.
    public var failures: Int
    /// The last of them.
    public var error: String

    public init(executor: String, failures: Int, error: String) {
        self.executor = executor
        self.failures = failures
        self.error = error
    }
}
