public import SluiceCore

/// What an earlier run's committed shard holds for one table, as the run's manifest recorded it: everything a task
/// reports about its output except the sink's receipt, which belonged to that run.
public struct StagedShard: Sendable, Hashable, Codable {
    /// The table's name in the pipeline.
    public var table: String
    public var file: String
    /// The file's size and SHA-256 (lowercase hex) when its attempt staged it.
    public var bytes: UInt64
    public var sha256: String
    public var rowsExtracted: UInt64
    public var rowsStaged: UInt64
    public var rowsDeleted: UInt64
    public var rowsDropped: UInt64
    public var rowsFiltered: UInt64
    public var quarantined: [String: UInt64]
    public var nulledValues: [String: UInt64]
    public var quarantineFile: String?

    public init(output: TaskOutput, table: String, sha256: String) {
        self.table = table
        file = output.shardPath
        bytes = output.shardBytes
        self.sha256 = sha256
        rowsExtracted = output.rowsExtracted
        rowsStaged = output.rowsStaged
        rowsDeleted = output.rowsDeleted
        rowsDropped = output.rowsDropped
        rowsFiltered = output.rowsFiltered
        quarantined = output.quarantined
        nulledValues = output.nulledValues
        quarantineFile = output.quarantinePath
    }

    /// The task output it stands for once a sink staged it again (`receipt`).
    public func output(receipt: ConnectorPayload) -> TaskOutput {
        TaskOutput(table: table, rowsExtracted: rowsExtracted, rowsStaged: rowsStaged, rowsDeleted: rowsDeleted,
                   rowsDropped: rowsDropped, rowsFiltered: rowsFiltered, quarantined: quarantined, nulledValues: nulledValues,
                   shardPath: file, shardBytes: bytes, quarantinePath: quarantineFile, receipt: receipt)
    }
}

/// The read of a task whose partition a resumed run does not extract again: the shards an earlier run committed for
/// it (the task's table first, then each child table), which the executor stages in the sink as they are. It
/// travels as the task's ``TaskSpec/read`` with kind ``kind``, so the cluster protocol needs nothing new.
public struct StagedShardRead: Sendable, Hashable, Codable {
    public static let kind = "sluice.staged-shards"

    /// The run that extracted and committed the shards.
    public var run: String
    /// The largest cursor value the partition's rows had, as that run's executor reported it.
    public var maxCursor: String?
    public var shards: [StagedShard]

    public init(run: String, maxCursor: String?, shards: [StagedShard]) {
        self.run = run
        self.maxCursor = maxCursor
        self.shards = shards
    }

    public func payload() throws(SluiceError) -> ConnectorPayload { try .json(kind: Self.kind, self) }
}
