import Foundation
public import SluiceCore

/// A column usable as a partition key: the same four kinds as a cursor, with values carried as Int64 in
/// SluiceCore's units (``SluiceCore/CursorKind``).
public typealias PartitionKeyKind = CursorKind

extension CursorKind {
    /// The kind of a column of this type OID, nil when it cannot be a key.
    public init?(typeOID: UInt32) {
        switch typeOID {
        case PostgresTypeOID.int2, PostgresTypeOID.int4, PostgresTypeOID.int8: self = .integer
        case PostgresTypeOID.timestamp: self = .timestamp
        case PostgresTypeOID.timestamptz: self = .timestampTZ
        case PostgresTypeOID.date: self = .date
        default: return nil
        }
    }

    /// A value of this kind as a SQL literal.
    public func literal(_ value: Int64) -> PostgresLiteral {
        switch self {
        case .integer: .integer(value)
        case .timestamp: .timestamp(value)
        case .timestampTZ: .timestampTZ(value)
        case .date: .date(value)
        }
    }

    /// SQL turning `expression` (of the column's type) into the Int64 units above.
    func valueSQL(_ expression: String) -> String {
        switch self {
        case .integer: "(\(expression))::int8"
        case .timestamp, .timestampTZ: "(extract(epoch FROM \(expression)) * 1000000)::int8"
        case .date: "((\(expression)) - DATE '1970-01-01')::int8"
        }
    }

    /// A condition excluding values the units cannot express (`infinity`), nil for integers.
    func finiteSQL(_ expression: String) -> String? {
        self == .integer ? nil : "isfinite(\(expression))"
    }

    /// The SQL type name used to read pg_stats' anyarray columns.
    func arrayTypeName(typeOID: UInt32) -> String {
        switch (self, typeOID) {
        case (.integer, PostgresTypeOID.int2): "smallint"
        case (.integer, PostgresTypeOID.int4): "integer"
        case (.integer, _): "bigint"
        case (.timestamp, _): "timestamp"
        case (.timestampTZ, _): "timestamptz"
        case (.date, _): "date"
        }
    }
}

/// Statistics for balanced partitions: histogram bounds and most common values with their frequencies.
public struct ColumnStatistics: Sendable, Hashable {
    public var histogramBounds: [Int64]
    public var mostCommonValues: [Int64]
    public var mostCommonFrequencies: [Double]
    public var nullFraction: Double
}

extension PostgresCatalog {
    /// The key column's kind, checking that it exists and is an integer, date or timestamp.
    public func keyKind(_ table: PostgresTableName, column: String) throws(SluiceError) -> (kind: PartitionKeyKind, typeOID: UInt32) {
        let described = try describe(table, columns: [column])[0]
        guard let kind = PartitionKeyKind(typeOID: described.sourceColumn.typeOID) else {
            throw SluiceError(.postgresUnsupportedConversion,
                              "partition and cursor columns must be integer, date or timestamp, not \(described.typeName)",
                              context: ErrorContext(table: table.description, column: column))
        }
        return (kind, described.sourceColumn.typeOID)
    }

    /// `min` and `max` of a key column in its units, over the rows matching `predicates` (infinite values
    /// left out); nil when no row has a value.
    public func keyBounds(_ table: PostgresTableName, column: String, kind: PartitionKeyKind,
                          where predicates: [PostgresPredicate] = []) throws(SluiceError) -> (min: Int64, max: Int64)? {
        let name = SQL.quoteIdentifier(column)
        var conditions = try PostgresPredicate.renderAll(predicates)
        if let finite = kind.finiteSQL(name) { conditions.append(finite) }
        let sql = "SELECT \(kind.valueSQL("min(\(name))"))::text, \(kind.valueSQL("max(\(name))"))::text FROM \(table.quoted)"
            + (SQL.and(conditions).map { " WHERE \($0)" } ?? "")
        let rows = try wrap(ErrorContext(table: table.description, column: column)) { () throws(SluiceError) in try connection.query(sql) }
        guard let row = rows.first, let low = row[0].flatMap({ Int64($0) }), let high = row[1].flatMap({ Int64($0) }) else { return nil }
        return (low, high)
    }

    /// pg_stats for a key column (histogram bounds, most common values and frequencies), nil when the table
    /// was never analysed or the column has no statistics.
    public func statistics(_ table: PostgresTableName, column: String, kind: PartitionKeyKind, typeOID: UInt32) throws(SluiceError) -> ColumnStatistics? {
        let oid = try tableOID(table)
        let type = kind.arrayTypeName(typeOID: typeOID)
        let finite = kind.finiteSQL("v").map { " WHERE \($0)" } ?? ""
        let sql = """
            SELECT (SELECT array_agg(\(kind.valueSQL("v")) ORDER BY o)::text
                      FROM unnest(s.histogram_bounds::text::\(type)[]) WITH ORDINALITY AS u(v, o)\(finite)),
                   (SELECT array_agg(\(kind.valueSQL("v")) ORDER BY o)::text
                      FROM unnest(s.most_common_vals::text::\(type)[]) WITH ORDINALITY AS u(v, o)\(finite)),
                   (SELECT array_agg(f ORDER BY o)::text
                      FROM unnest(s.most_common_vals::text::\(type)[], s.most_common_freqs) WITH ORDINALITY AS u(v, f, o)\(finite)),
                   s.null_frac::text
            FROM pg_stats s JOIN pg_class c ON c.relname = s.tablename JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = s.schemaname
            WHERE c.oid = $1::oid AND s.attname = $2
            """
        let rows = try wrap(ErrorContext(table: table.description, column: column)) { () throws(SluiceError) in
            try connection.query(sql, parameters: [String(oid), column])
        }
        guard let row = rows.first else { return nil }
        let bounds = Self.parseArray(row[0]).compactMap { Int64($0) }
        let values = Self.parseArray(row[1]).compactMap { Int64($0) }
        let frequencies = Self.parseArray(row[2]).compactMap { Double($0) }
        guard bounds.count >= 2 || !values.isEmpty, values.count == frequencies.count else { return nil }
        return ColumnStatistics(histogramBounds: bounds, mostCommonValues: values, mostCommonFrequencies: frequencies,
                                nullFraction: row[3].flatMap { Double($0) } ?? 0)
    }

    /// A sorted sample of a key column's values drawn with `TABLESAMPLE BERNOULLI (percent)`.
    public func sampleKeys(_ table: PostgresTableName, column: String, kind: PartitionKeyKind, percent: Double,
                           where predicates: [PostgresPredicate] = []) throws(SluiceError) -> [Int64] {
        let name = SQL.quoteIdentifier(column)
        var conditions = try PostgresPredicate.renderAll(predicates)
        conditions.append("\(name) IS NOT NULL")
        if let finite = kind.finiteSQL(name) { conditions.append(finite) }
        let clamped = min(max(percent, 0.0001), 100)
        let sql = "SELECT \(kind.valueSQL(name)) FROM \(table.quoted) TABLESAMPLE BERNOULLI (\(clamped)) REPEATABLE (7)"
            + " WHERE \(SQL.and(conditions)!) ORDER BY 1"
        let rows = try wrap(ErrorContext(table: table.description, column: column)) { () throws(SluiceError) in try connection.query(sql) }
        return rows.compactMap { $0[0].flatMap { Int64($0) } }
    }

    /// The planner's row estimate for `SELECT * FROM table WHERE predicates` (EXPLAIN, no execution).
    public func explainRows(_ table: PostgresTableName, where predicates: [PostgresPredicate]) throws(SluiceError) -> Int64 {
        // The planner never estimates fewer than 1 row; a table without a heap page holds none.
        if try sizeEstimate(table).pages == 0 { return 0 }
        let conditions = try PostgresPredicate.renderAll(predicates)
        let sql = "EXPLAIN (FORMAT JSON) SELECT 1 FROM \(table.quoted)" + (SQL.and(conditions).map { " WHERE \($0)" } ?? "")
        let rows = try wrap(ErrorContext(table: table.description)) { () throws(SluiceError) in try connection.query(sql) }
        guard let text = rows.first?.first ?? nil,
              let json = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]],
              let plan = json.first?["Plan"] as? [String: Any], let estimate = plan["Plan Rows"] as? NSNumber
        else { return 0 }
        return estimate.int64Value
    }

    /// The current number of heap blocks (from the file size, not the possibly stale relpages).
    public func blockCount(_ table: PostgresTableName) throws(SluiceError) -> Int64 {
        try sizeEstimate(table).pages
    }

    /// Elements of a one-dimensional array's text form `{1,2,3}` (no quoting needed for numbers).
    static func parseArray(_ text: String?) -> [Substring] {
        guard let text, text.hasPrefix("{"), text.hasSuffix("}") else { return [] }
        return text.dropFirst().dropLast().split(separator: ",")
    }
}
