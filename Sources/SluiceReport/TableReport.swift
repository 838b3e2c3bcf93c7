public import SluicePipeline

/// One table's part of a ``RunReport``.
public struct TableReport: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable {
        case succeeded, failed
    }

    public var table: String
    /// For a child table: the parent whose tasks read it (its tasks and attempts are the parent's).
    public var parent: String?
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
    /// Seconds from the start of task scheduling to the table's end.
    public var seconds: Double = 0
    /// How long each stage of the table took.
    public var stageSeconds = StageSeconds()
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

    /// Seconds from the table's first attempt's start to its last attempt's end: extraction, the stages, the
    /// Parquet shards and staging in the sink, retries included. Nil when no attempt started or none ended.
    public var attemptWindow: Double? {
        let attempts = tasks.flatMap(\.attempts)
        guard let first = attempts.compactMap(\.startSeconds).min(), let last = attempts.compactMap(\.endSeconds).max() else {
            return nil
        }
        return max(0, last - first)
    }

    enum CodingKeys: String, CodingKey {
        case table, parent, mode, status, error, target, tasks, attempts, seconds, warnings
        case schemaChanges = "schema_changes", stageSeconds = "stage_seconds"
        case rowsExtracted = "rows_extracted", rowsStaged = "rows_staged", rowsLoaded = "rows_loaded",
             rowsDeleted = "rows_deleted", rowsDropped = "rows_dropped", rowsFiltered = "rows_filtered",
             rowsQuarantined = "rows_quarantined", quarantined, quarantineFiles = "quarantine_files"
        case nulledValues = "nulled_values", shardBytes = "shard_bytes"
        case bookmarkBefore = "bookmark_before", bookmarkAfter = "bookmark_after"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(table, forKey: .table)
        try c.encodeIfPresent(parent, forKey: .parent)
        try c.encodeIfPresent(mode, forKey: .mode)
        try c.encode(status.rawValue, forKey: .status)
        try c.encodeIfPresent(error, forKey: .error)
        try c.encodeIfPresent(target, forKey: .target)
        try c.encode(tasks, forKey: .tasks)
        try c.encode(attempts, forKey: .attempts)
        try c.encode(seconds, forKey: .seconds)
        try c.encode(stageSeconds, forKey: .stageSeconds)
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

    /// Reads what ``encode(to:)`` writes; `attempts` and `rows_quarantined` are recomputed. Fields added after
    /// the first reports (`parent`, `stage_seconds`) may be absent.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        table = try c.decode(String.self, forKey: .table)
        parent = try c.decodeIfPresent(String.self, forKey: .parent)
        mode = try c.decodeIfPresent(RunMode.self, forKey: .mode)
        status = try c.decode(Status.self, forKey: .status)
        error = try c.decodeIfPresent(String.self, forKey: .error)
        target = try c.decodeIfPresent(String.self, forKey: .target)
        tasks = try c.decodeIfPresent([TaskReport].self, forKey: .tasks) ?? []
        seconds = try c.decodeIfPresent(Double.self, forKey: .seconds) ?? 0
        stageSeconds = try c.decodeIfPresent(StageSeconds.self, forKey: .stageSeconds) ?? StageSeconds()
        rowsExtracted = try c.decodeIfPresent(UInt64.self, forKey: .rowsExtracted) ?? 0
        rowsStaged = try c.decodeIfPresent(UInt64.self, forKey: .rowsStaged) ?? 0
        rowsLoaded = try c.decodeIfPresent(UInt64.self, forKey: .rowsLoaded) ?? 0
        rowsDeleted = try c.decodeIfPresent(UInt64.self, forKey: .rowsDeleted) ?? 0
        rowsDropped = try c.decodeIfPresent(UInt64.self, forKey: .rowsDropped) ?? 0
        rowsFiltered = try c.decodeIfPresent(UInt64.self, forKey: .rowsFiltered) ?? 0
        quarantined = try c.decodeIfPresent([String: UInt64].self, forKey: .quarantined) ?? [:]
        quarantineFiles = try c.decodeIfPresent([String].self, forKey: .quarantineFiles) ?? []
        nulledValues = try c.decodeIfPresent([String: UInt64].self, forKey: .nulledValues) ?? [:]
        shardBytes = try c.decodeIfPresent(UInt64.self, forKey: .shardBytes) ?? 0
        bookmarkBefore = try c.decodeIfPresent(String.self, forKey: .bookmarkBefore)
        bookmarkAfter = try c.decodeIfPresent(String.self, forKey: .bookmarkAfter)
        warnings = try c.decodeIfPresent([String].self, forKey: .warnings) ?? []
        schemaChanges = try c.decodeIfPresent([String].self, forKey: .schemaChanges) ?? []
    }
}
