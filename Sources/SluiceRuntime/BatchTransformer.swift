public import SluiceCore
public import SluiceConfig

extension SluiceError.Code {
    /// A value the sink cannot hold, under the `fail` policy.
    public static let valueOutOfRange = Self("value_out_of_range")
}

/// What the preliminary filters changed, summed over a task.
public struct TransformStats: Sendable, Equatable {
    /// Per target column, values turned to NULL.
    public var nulledValues: [String: UInt64] = [:]
    public var droppedRows: UInt64 = 0

    public init() {}

    public mutating func add(_ other: TransformStats) {
        nulledValues.merge(other.nulledValues, uniquingKeysWith: +)
        droppedRows += other.droppedRows
    }
}

/// Applies a table's preliminary filters to batches of its declared schema: dates and timestamps the
/// sink cannot hold become NULL, drop their row, or fail the task naming the column and row, per policy.
public struct BatchTransformer: Sendable {
    public let table: String
    private let bounds: [(index: Int, name: String, bounds: TemporalBounds)]

    public init(table: TableConfig) {
        self.table = table.name
        bounds = table.columns.enumerated().compactMap { index, column in
            TemporalBounds(column: column, table: table).map { (index, column.name, $0) }
        }
    }

    /// Transforms `batch`, whose first row is row `firstRow` of the task (for messages).
    public func apply(_ batch: RecordBatch, firstRow: Int) throws(SluiceError) -> (RecordBatch, TransformStats) {
        var stats = TransformStats()
        var columns = batch.columns
        var keep: [Bool]?
        for (index, name, bounds) in bounds {
            var column = columns[index]
            var validity = column.validity
            var nulled: UInt64 = 0
            func check(_ value: Int64, row: Int) throws(SluiceError) {
                if bounds.contains(value) || column.isNull(row) || keep?[row] == false { return }
                switch bounds.policy {
                case .fail:
                    let text = Value.int(value).text(as: batch.schema.fields[index].type) ?? ""
                    throw SluiceError(.valueOutOfRange,
                                      "value \(text) is outside what the sink can hold; set out_of_range: set_null or drop_row to filter it",
                                      context: ErrorContext(table: table, column: name, row: firstRow + row))
                case .setNull:
                    if validity == nil { validity = Array(repeating: true, count: batch.rowCount) }
                    validity![row] = false
                    nulled += 1
                case .dropRow:
                    if keep == nil { keep = Array(repeating: true, count: batch.rowCount) }
                    keep![row] = false
                    stats.droppedRows += 1
                }
            }
            switch column.values {
            case .int32(let values): for row in values.indices { try check(Int64(values[row]), row: row) }
            case .int64(let values): for row in values.indices { try check(values[row], row: row) }
            default: continue
            }
            if nulled > 0 {
                column.validity = validity
                columns[index] = column
                stats.nulledValues[name, default: 0] += nulled
            }
        }
        var result = try RecordBatch(schema: batch.schema, columns: columns)
        if let keep { result = result.selecting(keep) }
        return (result, stats)
    }
}
