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
    /// The child tables read with this partition (co-partitioned tables: the rows of each that belong to the
    /// partition's rows), in the order of the table's plan.
    public var related: [RelatedRead]

    public init(id: UInt64, attempt: UInt32, runID: String, table: String, partitionIndex: UInt32,
                partitionCount: UInt32, read: ConnectorPayload, shardPath: String, related: [RelatedRead] = []) {
        self.id = id
        self.attempt = attempt
        self.runID = runID
        self.table = table
        self.partitionIndex = partitionIndex
        self.partitionCount = partitionCount
        self.read = read
        self.shardPath = shardPath
        self.related = related
    }

    /// `table#partition`: how logs and errors name a task.
    public var label: String { "\(table)#\(partitionIndex)" }
}

/// A child table's part of a task: what to read of it and where its shard goes.
public struct RelatedRead: Sendable, Hashable {
    /// The child table's name in the pipeline.
    public var table: String
    public var read: ConnectorPayload
    public var shardPath: String

    public init(table: String, read: ConnectorPayload, shardPath: String) {
        self.table = table
        self.read = read
        self.shardPath = shardPath
    }
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

/// What an executor reports after a task succeeded: what it read, what the stages did, what it staged, for the
/// task's table and for each child table read with it.
public struct TaskResult: Sendable, Hashable {
    public var taskID: UInt64
    public var attempt: UInt32
    /// The largest cursor value among the extracted rows, as exact text (`2024-01-02 03:04:05.123456Z`, `42`);
    /// nil when the table has no cursor or no row had one.
    public var maxCursor: String?
    public var extractMicroseconds: UInt64
    public var loadMicroseconds: UInt64
    /// The task's table.
    public var output: TaskOutput
    /// Each child table read with the task, in the order of ``TaskSpec/related``.
    public var related: [TaskOutput]

    public init(taskID: UInt64, attempt: UInt32, maxCursor: String?, output: TaskOutput, related: [TaskOutput] = [],
                extractMicroseconds: UInt64 = 0, loadMicroseconds: UInt64 = 0) {
        self.taskID = taskID
        self.attempt = attempt
        self.maxCursor = maxCursor
        self.output = output
        self.related = related
        self.extractMicroseconds = extractMicroseconds
        self.loadMicroseconds = loadMicroseconds
    }

    /// A result for a task without child tables.
    public init(taskID: UInt64, attempt: UInt32, rowsExtracted: UInt64, rowsStaged: UInt64, rowsDeleted: UInt64 = 0,
                rowsDropped: UInt64 = 0, nulledValues: [String: UInt64] = [:], maxCursor: String?, shardPath: String,
                shardBytes: UInt64, receipt: ConnectorPayload = .none, extractMicroseconds: UInt64 = 0,
                loadMicroseconds: UInt64 = 0) {
        self.init(taskID: taskID, attempt: attempt, maxCursor: maxCursor,
                  output: TaskOutput(table: "", rowsExtracted: rowsExtracted, rowsStaged: rowsStaged, rowsDeleted: rowsDeleted,
                                     rowsDropped: rowsDropped, nulledValues: nulledValues, shardPath: shardPath,
                                     shardBytes: shardBytes, receipt: receipt),
                  extractMicroseconds: extractMicroseconds, loadMicroseconds: loadMicroseconds)
    }

    /// The task table's output, then each child table's.
    public var outputs: [TaskOutput] { [output] + related }

    public var rowsExtracted: UInt64 { output.rowsExtracted }
    public var rowsStaged: UInt64 { output.rowsStaged }
    public var rowsDeleted: UInt64 { output.rowsDeleted }
    public var rowsDropped: UInt64 { output.rowsDropped }
    public var nulledValues: [String: UInt64] { output.nulledValues }
    public var shardPath: String { output.shardPath }
    public var shardBytes: UInt64 { output.shardBytes }
    public var receipt: ConnectorPayload { output.receipt }
}

/// What one task did for one table: its rows through each step, its shard, its quarantine file and the sink's
/// receipt for what it staged.
public struct TaskOutput: Sendable, Hashable {
    /// The table's name in the pipeline (empty in results of single-table tasks built by hand).
    public var table: String
    /// Rows the source returned.
    public var rowsExtracted: UInt64
    /// Rows written to the shard and staged in the sink (after the stages dropped what they drop).
    public var rowsStaged: UInt64
    /// Of ``rowsStaged``, rows flagged deleted (soft-deleted at the source, or rejected by the filter or a rule in
    /// a run that loads rejected rows as deletions).
    public var rowsDeleted: UInt64
    /// Rows a stage dropped because a value was out of the sink's range.
    public var rowsDropped: UInt64
    /// Rows the table's filter (or an inner join) rejected.
    public var rowsFiltered: UInt64
    /// Per validation rule, rows set aside in the quarantine file.
    public var quarantined: [String: UInt64]
    /// Per target column, values a stage or the source's policy turned to NULL.
    public var nulledValues: [String: UInt64]
    public var shardPath: String
    public var shardBytes: UInt64
    /// Where the quarantined rows are, when there are any.
    public var quarantinePath: String?
    /// The sink's receipt for what it staged: what the driver commits (or discards) for this attempt.
    public var receipt: ConnectorPayload

    public init(table: String, rowsExtracted: UInt64, rowsStaged: UInt64, rowsDeleted: UInt64 = 0, rowsDropped: UInt64 = 0,
                rowsFiltered: UInt64 = 0, quarantined: [String: UInt64] = [:], nulledValues: [String: UInt64] = [:],
                shardPath: String, shardBytes: UInt64, quarantinePath: String? = nil, receipt: ConnectorPayload = .none) {
        self.table = table
        self.rowsExtracted = rowsExtracted
        self.rowsStaged = rowsStaged
        self.rowsDeleted = rowsDeleted
        self.rowsDropped = rowsDropped
        self.rowsFiltered = rowsFiltered
        self.quarantined = quarantined
        self.nulledValues = nulledValues
        self.shardPath = shardPath
        self.shardBytes = shardBytes
        self.quarantinePath = quarantinePath
        self.receipt = receipt
    }

    /// Rows set aside by every rule.
    public var rowsQuarantined: UInt64 { quarantined.values.reduce(0, +) }
}

/// What an executor reports after a task failed.
public struct TaskFailure: Sendable, Hashable {
    public var taskID: UInt64
    public var attempt: UInt32
    public var error: SluiceError

    public init(taskID: UInt64, attempt: UInt32, error: SluiceError) {
        self.taskID = taskID
        self.attempt = attempt
        self.error = error
    }

    /// False when retrying cannot help (bad data, configuration, schema, permissions, SQL): the driver then fails the
    /// table at once. The error's own class (``SluiceError/retryable``), decided where it was made.
    public var retryable: Bool { error.retryable }
}
