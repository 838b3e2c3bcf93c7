public import SluiceCore

/// The SELECT one extraction task runs inside `COPY (...) TO STDOUT (FORMAT binary)`: quoted table and
/// columns, the casts the catalogue asked for (``PostgresColumn/selectCast``), and the WHERE clause built
/// from the partition predicate, the cursor window, pushed-down filters and the soft-delete predicate.
public struct PostgresQuery: Sendable, Hashable {
    /// A column computed in the SELECT list from trusted configuration SQL (the soft-delete flag).
    public struct Computed: Sendable, Hashable {
        /// A SQL expression over the table's columns.
        public var expression: String
        /// How the COPY stream carries it (its name is the output alias).
        public var column: SourceColumn

        public init(expression: String, column: SourceColumn) {
            self.expression = expression
            self.column = column
        }
    }

    public var table: PostgresTableName
    public var columns: [PostgresColumn]
    /// Output after ``columns``.
    public var computed: [Computed]
    public var predicates: [PostgresPredicate]

    public init(table: PostgresTableName, columns: [PostgresColumn], computed: [Computed] = [],
                predicates: [PostgresPredicate] = []) {
        self.table = table
        self.columns = columns
        self.computed = computed
        self.predicates = predicates
    }

    /// `SELECT "a", "b"::text AS "b" FROM "s"."t" WHERE (...) AND (...)`.
    public func sql() throws(SluiceError) -> String {
        guard !columns.isEmpty else {
            throw SluiceError(.invalidValue, "an extraction query needs at least one column", context: ErrorContext(table: table.description))
        }
        let list = (columns.map { column in
            let name = SQL.quoteIdentifier(column.name)
            return column.selectCast.map { "\(name)::\($0) AS \(name)" } ?? name
        } + computed.map { "(\($0.expression)) AS \(SQL.quoteIdentifier($0.column.name))" }).joined(separator: ", ")
        var text = "SELECT \(list) FROM \(table.quoted)"
        var rendered: [String] = []
        for predicate in predicates {
            if let sql = try predicate.render() { rendered.append(sql) }
        }
        if let clause = SQL.and(rendered) { text += " WHERE \(clause)" }
        return text
    }

    /// The columns as the COPY stream carries them (after casts), computed ones last.
    public var sourceColumns: [SourceColumn] { columns.map(\.sourceColumn) + computed.map(\.column) }

    /// What a task reads for this query, inside `snapshot` when one is given.
    public func readSpec(snapshot: String?, cursorColumn: String? = nil) throws(SluiceError) -> PostgresReadSpec {
        PostgresReadSpec(query: try sql(), snapshot: snapshot, columns: sourceColumns, cursorColumn: cursorColumn)
    }
}
