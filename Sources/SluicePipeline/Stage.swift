public import SluiceCore

/// One step an executor runs over every batch between the source reader and the Parquet shard: today the
/// preliminary filters; transforms and validations join the chain the same way.
public protocol Stage: Sendable {
    /// Transforms `batch`, whose first row is row `firstRow` (1-based) of the task, for messages.
    func apply(_ batch: RecordBatch, firstRow: Int, stats: inout StageStats) throws(SluiceError) -> RecordBatch
}

/// What the stages changed, summed over a task.
public struct StageStats: Sendable, Hashable {
    /// Per target column, values turned to NULL.
    public var nulledValues: [String: UInt64] = [:]
    /// Rows dropped because a value was out of the sink's range (`out_of_range: drop_row`).
    public var droppedRows: UInt64 = 0
    /// Rows the table's `filter` (or an inner join) left out.
    public var filteredRows: UInt64 = 0

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

    public init(_ specs: [StageSpec], table: String) {
        stages = specs.map { $0.makeStage(table: table) }
    }

    public func apply(_ batch: RecordBatch, firstRow: Int, stats: inout StageStats) throws(SluiceError) -> RecordBatch {
        var current = batch
        for stage in stages where current.rowCount > 0 {
            current = try stage.apply(current, firstRow: firstRow, stats: &stats)
        }
        return current
    }
}

extension SluiceError.Code {
    /// A value the sink cannot hold, under the `fail` policy.
    public static let valueOutOfRange = Self("value_out_of_range")
}
