/// One unit of work the driver hands to an executor: read one partition of one table, run the table's stages
/// over it, write the rows as a Parquet shard, and stage that shard in the sink. The driver commits the staged
/// rows afterwards (exactly one attempt per task), so an executor never makes rows visible by itself.
///
/// Everything the driver decided about the table (its schemas, stages and sink target) travels once per run
/// in the run's plan; a task carries only what differs between tasks.
public struct TaskSpec: Sendable, Hashable {
    /// Unique within a run; stays the same across attempts.
    public var id: UInt64
    /// 1 for the first attempt, 2 for the first retry, ...
    public var attempt: UInt32
    public var runID: String
    /// The table's name in the pipeline configuration.
    public var table: String
    public var partitionIndex: UInt32
    public var partitionCount: UInt32
    /// What to read: the source connector's own description of this partition (a query, files, ...).
    public var read: ConnectorPayload
    /// Where the Parquet shard goes: `<staging>/<run>/<table>/part-<partition>.parquet`.
    public var shardPath: String

    public init(id: UInt64, attempt: UInt32, runID: String, table: String, partitionIndex: UInt32,
                partitionCount: UInt32, read: ConnectorPayload, shardPath: String) {
        self.id = id
        self.attempt = attempt
        self.runID = runID
        self.table = table
        self.partitionIndex = partitionIndex
        self.partitionCount = partitionCount
        self.read = read
        self.shardPath = shardPath
    }

    /// `table#partition`: how logs and errors name a task.
    public var label: String { "\(table)#\(partitionIndex)" }
}

/// A connector's own description of a piece of work or of its outcome, opaque to the engine: `kind` names the
/// connector (`postgres`, `clickhouse`) and `bytes` are whatever that connector encodes (JSON for Sluice's own).
public struct ConnectorPayload: Sendable, Hashable {
    public var kind: String
    public var bytes: [UInt8]

    public init(kind: String, bytes: [UInt8]) {
        self.kind = kind
        self.bytes = bytes
    }

    /// No payload.
    public static let none = ConnectorPayload(kind: "", bytes: [])
}

/// What an executor reports after a task succeeded: what it read, what the stages did, what it staged.
public struct TaskResult: Sendable, Hashable {
    public var taskID: UInt64
    public var attempt: UInt32
    /// Rows the source returned.
    public var rowsExtracted: UInt64
    /// Rows written to the shard and staged in the sink (after the stages dropped what they drop).
    public var rowsStaged: UInt64
    /// Of ``rowsStaged``, rows flagged deleted (soft-deleted at the source since an earlier load).
    public var rowsDeleted: UInt64
    /// Rows a stage dropped (rows rejected by a validation are failures, not drops).
    public var rowsDropped: UInt64
    /// Per target column, values a stage or the source's policy turned to NULL.
    public var nulledValues: [String: UInt64]
    /// The largest cursor value among the extracted rows, as exact text (`2024-01-02 03:04:05.123456Z`, `42`);
    /// nil when the table has no cursor or no row had one.
    public var maxCursor: String?
    public var shardPath: String
    public var shardBytes: UInt64
    /// The sink's receipt for what it staged: what the driver commits (or discards) for this attempt.
    public var receipt: ConnectorPayload
    public var extractMicroseconds: UInt64
    public var loadMicroseconds: UInt64

    public init(taskID: UInt64, attempt: UInt32, rowsExtracted: UInt64, rowsStaged: UInt64, rowsDeleted: UInt64 = 0,
                rowsDropped: UInt64 = 0, nulledValues: [String: UInt64] = [:], maxCursor: String?, shardPath: String,
                shardBytes: UInt64, receipt: ConnectorPayload = .none, extractMicroseconds: UInt64 = 0,
                loadMicroseconds: UInt64 = 0) {
        self.taskID = taskID
        self.attempt = attempt
        self.rowsExtracted = rowsExtracted
        self.rowsStaged = rowsStaged
        self.rowsDeleted = rowsDeleted
        self.rowsDropped = rowsDropped
        self.nulledValues = nulledValues
        self.maxCursor = maxCursor
        self.shardPath = shardPath
        self.shardBytes = shardBytes
        self.receipt = receipt
        self.extractMicroseconds = extractMicroseconds
        self.loadMicroseconds = loadMicroseconds
    }
}

/// What an executor reports after a task failed.
public struct TaskFailure: Sendable, Hashable {
    public var taskID: UInt64
    public var attempt: UInt32
    public var error: SluiceError
    /// False when retrying cannot help (bad data, bad configuration); the driver then fails the table at once.
    public var retryable: Bool

    public init(taskID: UInt64, attempt: UInt32, error: SluiceError, retryable: Bool) {
        self.taskID = taskID
        self.attempt = attempt
        self.error = error
        self.retryable = retryable
    }
}
