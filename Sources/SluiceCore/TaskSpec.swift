/// One unit of work the driver hands to an executor: extract one partition of one table, write it as a
/// Parquet shard, and load that shard into the sink.
///
/// The executor combines a task with the pipeline configuration it received when it joined the run
/// (target schema, transforms, sink), so a task carries only what the driver decided for this run.
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
    public var source: TaskSource
    /// Where the Parquet shard goes: `<staging>/<run>/<table>/part-<partition>.parquet`.
    public var shardPath: String

    public init(id: UInt64, attempt: UInt32, runID: String, table: String, partitionIndex: UInt32,
                partitionCount: UInt32, source: TaskSource, shardPath: String) {
        self.id = id
        self.attempt = attempt
        self.runID = runID
        self.table = table
        self.partitionIndex = partitionIndex
        self.partitionCount = partitionCount
        self.source = source
        self.shardPath = shardPath
    }

    /// `table#partition` — how logs and errors name a task.
    public var label: String { "\(table)#\(partitionIndex)" }
}

/// What a task reads.
public enum TaskSource: Sendable, Hashable {
    /// Rows of `query` (a SELECT the driver built) from PostgreSQL, read with COPY BINARY inside the
    /// exported `snapshot` when one is given. `columns` lists the query's output columns as PostgreSQL
    /// describes them, since COPY BINARY does not carry types.
    case postgres(query: String, snapshot: String?, columns: [SourceColumn])
}

/// A source column as the source's catalogue describes it.
public struct SourceColumn: Sendable, Hashable {
    public var name: String
    /// PostgreSQL type OID (`pg_type.oid`).
    public var typeOID: UInt32
    /// The type's name as `format_type` prints it (`numeric(12,2)`, `timestamp with time zone`).
    public var typeName: String
    /// `pg_attribute.atttypmod`, -1 when none.
    public var typeModifier: Int32

    public init(name: String, typeOID: UInt32, typeName: String, typeModifier: Int32 = -1) {
        self.name = name
        self.typeOID = typeOID
        self.typeName = typeName
        self.typeModifier = typeModifier
    }
}

/// What an executor reports after a task succeeded.
public struct TaskResult: Sendable, Hashable {
    public var taskID: UInt64
    public var attempt: UInt32
    public var rowsExtracted: UInt64
    public var rowsLoaded: UInt64
    public var shardPath: String
    public var shardBytes: UInt64
    /// The largest cursor value among the extracted rows, as exact text (`2024-01-02 03:04:05.123456`,
    /// `42`); nil when the table has no cursor or no row was extracted.
    public var maxCursor: String?
    /// Per column, how many values a preliminary filter turned to NULL (dates out of range, ...).
    public var nulledValues: [String: UInt64]
    /// Rows dropped by a filter applied in the executor (rows rejected by a validation are failures, not drops).
    public var rowsFiltered: UInt64
    public var extractMicroseconds: UInt64
    public var loadMicroseconds: UInt64

    public init(taskID: UInt64, attempt: UInt32, rowsExtracted: UInt64, rowsLoaded: UInt64, shardPath: String,
                shardBytes: UInt64, maxCursor: String?, nulledValues: [String: UInt64] = [:], rowsFiltered: UInt64 = 0,
                extractMicroseconds: UInt64 = 0, loadMicroseconds: UInt64 = 0) {
        self.taskID = taskID
        self.attempt = attempt
        self.rowsExtracted = rowsExtracted
        self.rowsLoaded = rowsLoaded
        self.shardPath = shardPath
        self.shardBytes = shardBytes
        self.maxCursor = maxCursor
        self.nulledValues = nulledValues
        self.rowsFiltered = rowsFiltered
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
