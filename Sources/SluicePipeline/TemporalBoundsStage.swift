public import SluiceConfig
public import SluiceCore

/// The bounds one date or timestamp column must stay within, and what happens to a value outside.
public struct TemporalRule: Sendable, Hashable, Codable {
    /// The column's position in the batches.
    public var column: Int
    /// The column's target name, for messages and counts.
    public var name: String
    /// In the column's storage unit: days for `date`, microseconds for timestamps.
    public var lower: Int64
    public var upper: Int64
    public var policy: OutOfRangePolicy

    public init(column: Int, name: String, lower: Int64, upper: Int64, policy: OutOfRangePolicy) {
        self.column = column
        self.name = name
        self.lower = lower
        self.upper = upper
        self.policy = policy
    }

    /// The rules of `table`'s date and timestamp columns: the sink's `limits`, narrowed (never widened) by each
    /// column's `min` and `max`, with the column's `out_of_range` policy.
    public static func rules(for table: TableConfig, limits: SinkLimits) -> [TemporalRule] {
        table.columns.enumerated().compactMap { index, column in
            let range: ClosedRange<Int64>
            let parse: (String) -> Int64?
            switch column.type {
            case .date:
                range = limits.dates
                parse = { CivilTime.parseTimestamp($0).map { CivilTime.floorDivide($0.microseconds, CivilTime.microsecondsPerDay).quotient } }
            case .timestamp, .timestampTZ:
                range = limits.timestamps
                parse = { CivilTime.parseTimestamp($0)?.microseconds }
            default:
                return nil
            }
            let lower = max(range.lowerBound, column.min.flatMap(parse) ?? range.lowerBound)
            let upper = min(range.upperBound, column.max.flatMap(parse) ?? range.upperBound)
            return TemporalRule(column: index, name: column.name, lower: lower, upper: upper, policy: table.policy(for: column))
        }
    }
}

/// The seed's preliminary filter, for every sink: dates and timestamps the sink cannot hold become NULL, drop
/// their row, or fail the task naming the table, column and row, per column.
public struct TemporalBoundsStage: Stage {
    public let table: String
    public let rules: [TemporalRule]

    public init(table: String, rules: [TemporalRule]) {
        self.table = table
        self.rules = rules
    }

    public func apply(_ batch: RecordBatch, context: inout StageContext) throws(SluiceError) -> RecordBatch {
        let firstRow = context.firstRow
        var columns = batch.columns
        var keep: [Bool]?
        for rule in rules where rule.column < columns.count {
            var column = columns[rule.column]
            var validity = column.validity
            var nulled: UInt64 = 0
            func check(_ value: Int64, row: Int) throws(SluiceError) {
                if (value >= rule.lower && value <= rule.upper) || column.isNull(row) || keep?[row] == false { return }
                switch rule.policy {
                case .fail:
                    let text = Value.int(value).text(as: batch.schema.fields[rule.column].type) ?? "\(value)"
                    throw SluiceError(.valueOutOfRange,
                                      "value \(text) is outside what the sink can hold; set out_of_range: set_null or drop_row to filter it",
                                      context: ErrorContext(table: table, column: rule.name, row: firstRow + row))
                case .setNull:
                    if validity == nil { validity = Array(repeating: true, count: batch.rowCount) }
                    validity![row] = false
                    nulled += 1
                case .dropRow:
                    if keep == nil { keep = Array(repeating: true, count: batch.rowCount) }
                    keep![row] = false
                    context.stats.droppedRows += 1
                }
            }
            switch column.values {
            case .int32(let values): for row in values.indices { try check(Int64(values[row]), row: row) }
            case .int64(let values): for row in values.indices { try check(values[row], row: row) }
            default: continue
            }
            if nulled > 0 {
                column.validity = validity
                columns[rule.column] = column
                context.stats.add(nulled: nulled, in: rule.name)
            }
        }
        var result = try RecordBatch(schema: batch.schema, columns: columns)
        if let keep { result = result.selecting(keep) }
        return result
    }
}
