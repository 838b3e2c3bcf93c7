public import SluiceCore

/// One step an executor runs over every batch between the source reader and the Parquet shard: the table's
/// transform (joins, filter, derived columns, validations), then the sink's value limits.
public protocol Stage: Sendable {
    /// Transforms `batch`; counts what it changed and sets rows aside in `context`.
    func apply(_ batch: RecordBatch, context: inout StageContext) throws(SluiceError) -> RecordBatch
}

/// What a stage is told about a batch and what it reports besides the rows it returns.
public struct StageContext: Sendable {
    /// The task row (1-based, as read) of the batch's first row, for messages.
    public var firstRow: Int
    /// Summed over the task.
    public var stats: StageStats
    /// Rows a validation set aside since the task runner last collected them (it writes them to the quarantine file).
    public var quarantined: [QuarantinedRows]
    /// Rows to load as deletions (of the staged schema, flagged deleted) since the task runner last collected them:
    /// rows the filter or a quarantine rule rejected in a run whose sink holds earlier versions of them.
    public var deletions: [RecordBatch]

    public init(firstRow: Int = 1, stats: StageStats = StageStats()) {
        self.firstRow = firstRow
        self.stats = stats
        quarantined = []
        deletions = []
    }
}

/// What the stages changed, summed over a task.
public struct StageStats: Sendable, Hashable {
    /// Per target column, values turned to NULL.
    public var nulledValues: [String: UInt64] = [:]
    /// Rows dropped because a value was out of the sink's range (`out_of_range: drop_row`).
    public var droppedRows: UInt64 = 0
    /// Rows the table's `filter` (or an inner join) left out.
    public var filteredRows: UInt64 = 0
    /// Rows a validation set aside (``quarantined`` summed over rules).
    public var quarantinedRows: UInt64 { quarantined.values.reduce(0, +) }
    /// Per validation rule, rows it set aside.
    public var quarantined: [String: UInt64] = [:]

    public init() {}

    public mutating func add(nulled count: UInt64, in column: String) {
        guard count > 0 else { return }
        nulledValues[column, default: 0] += count
    }
}

/// A stage as the driver describes it to executors (part of a ``TableWork``).
public enum StageSpec: Sendable, Hashable, Codable {
    /// Dates and timestamps outside what the sink holds (or the column's own `min`/`max`).
    case temporalBounds([TemporalRule])

    /// The stage that carries this out.
    public func makeStage(table: String) -> any Stage {
        switch self {
        case .temporalBounds(let rules): TemporalBoundsStage(table: table, rules: rules)
        }
    }
}

/// The stages of one table, run in order.
public struct StageChain: Sendable {
    public let stages: [any Stage]

    public init(_ stages: [any Stage]) {
        self.stages = stages
    }

    public init(_ specs: [StageSpec], table: String) {
        stages = specs.map { $0.makeStage(table: table) }
    }

    public func apply(_ batch: RecordBatch, context: inout StageContext) throws(SluiceError) -> RecordBatch {
        var current = batch
        for stage in stages where current.rowCount > 0 {
            current = try stage.apply(current, context: &context)
        }
        return current
    }
}

extension SluiceError.Code {
    /// A value the sink cannot hold, under the `fail` policy.
    public static let valueOutOfRange = Self("value_out_of_range", retryable: false)
}
