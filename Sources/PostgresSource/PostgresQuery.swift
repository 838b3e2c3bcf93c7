public import SluiceCore

/// The SELECT one extraction task runs inside `COPY (...) TO STDOUT (FORMAT binary)`: quoted table and
/// columns, the casts the catalogue asked for (``PostgresColumn/selectCast``), and the WHERE clause built
/// from the partition predicate, the cursor window, pushed-down filters and the soft-delete predicate.
public struct PostgresQuery: Sendable, Hashable {
    public var table: PostgresTableName
    public var columns: [PostgresColumn]
    public var predicates: [PostgresPredicate]

    public init(table: PostgresTableName, columns: [PostgresColumn], predicates: [PostgresPredicate] = []) {
        self.table = table
        self.columns = columns
        self.predicates = predicates
    }

    /// `SELECT "a", "b"::text AS "b" FROM "s"."t" WHERE (...) AND (...)`.
    public func sql() throws(SluiceError) -> String {
        guard !columns.isEmpty else {
            throw SluiceError(.invalidValue, "an extraction query needs at least one column", context: ErrorContext(table: table.description))
        }
        let list = columns.map { column in
            let name = SQL.quoteIdentifier(column.name)
            return column.selectCast.map { "\(name)::\($0) AS \(name)" } ?? name
        }.joined(separator: ", ")
        var text = "SELECT \(list) FROM \(table.quoted)"
        var rendered: [String] = []
        for predicate in predicates {
            if let sql = try predicate.render() { rendered.append(sql) }
        }
        if let clause = SQL.and(rendered) { text += " WHERE \(clause)" }
        return text
    }

    /// The columns as the COPY stream carries them (after casts), for ``TaskSource/postgres(query:snapshot:columns:)``.
    public var sourceColumns: [SourceColumn] { columns.map(\.sourceColumn) }

    /// The task source for this query, read inside `snapshot` when one is given.
    public func taskSource(snapshot: String?) throws(SluiceError) -> TaskSource {
        .postgres(query: try sql(), snapshot: snapshot, columns: sourceColumns)
    }
}
