import PostgresSource
import SluiceConfig
import SluiceCore

/// Turns a table's `partition` settings into partition predicates.
enum PartitionPlanning {
    static func partitions(for table: TableConfig, base: PostgresQuery, catalog: PostgresCatalog) throws(SluiceError)
        -> [PartitionPlan]
    {
        let settings = table.partition
        guard let strategy = settings.effectiveStrategy else {
            return [PartitionPlan(predicate: nil, estimatedRows: nil)]
        }
        switch strategy {
        case .predicates:
            return settings.predicates.map { PartitionPlan(predicate: .sql($0), estimatedRows: nil) }
        case .range:
            guard let columnName = settings.column else { return [PartitionPlan(predicate: nil, estimatedRows: nil)] }
            let column = try catalog.describe(base.table, columns: [columnName])[0]
            var where_ = ""
            var rendered: [String] = []
            for predicate in base.predicates { if let sql = try predicate.render() { rendered.append(sql) } }
            if !rendered.isEmpty { where_ = " WHERE " + rendered.map { "(\($0))" }.joined(separator: " AND ") }
            let name = SQL.quoteIdentifier(columnName)
            let rows = try catalog.connection.query("SELECT min(\(name))::text, max(\(name))::text FROM \(base.table.quoted)\(where_)")
            guard let row = rows.first, let minText = row[0], let maxText = row[1] else {
                return [PartitionPlan(predicate: nil, estimatedRows: 0)]
            }
            let count = max(1, settings.count ?? 1)
            guard let (low, high, literal) = bounds(minText, maxText, typeOID: column.typeOID), count > 1, high > low else {
                return [PartitionPlan(predicate: nil, estimatedRows: nil)]
            }
            let width = (high - low) / Int64(count) + 1
            return (0..<count).map { index in
                let lower = index == 0 ? nil : literal(low + width * Int64(index))
                let upper = index == count - 1 ? nil : literal(low + width * Int64(index + 1))
                return PartitionPlan(predicate: .range(column: columnName, lower: lower, upper: upper, includeNulls: index == 0),
                                     estimatedRows: nil)
            }
        case .balanced, .ctid:
            throw SluiceError(.configInvalid, "partition strategy \(strategy.rawValue) is not available in this build",
                              context: ErrorContext(table: table.name))
        }
    }

    /// Numeric bounds of an integer, date or timestamp column from PostgreSQL's text.
    static func bounds(_ minText: String, _ maxText: String, typeOID: UInt32)
        -> (Int64, Int64, (Int64) -> PostgresLiteral)?
    {
        switch typeOID {
        case 20, 21, 23:
            guard let low = Int64(minText), let high = Int64(maxText) else { return nil }
            return (low, high, { .integer($0) })
        case 1082:
            guard let low = CivilTime.parseDate(minText), let high = CivilTime.parseDate(maxText) else { return nil }
            return (low, high, { .date($0) })
        case 1114, 1184:
            guard let low = CivilTime.parseTimestamp(minText)?.microseconds,
                  let high = CivilTime.parseTimestamp(maxText)?.microseconds
            else { return nil }
            return typeOID == 1114 ? (low, high, { .timestamp($0) }) : (low, high, { .timestampTZ($0) })
        default:
            return nil
        }
    }
}
