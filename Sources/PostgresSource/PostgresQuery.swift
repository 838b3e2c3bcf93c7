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

    /// A child table's rows restricted to those of a parent's rows (a co-partitioned read): the query joins the
    /// parent's rows that pass `predicates` (the parent's partition, window and filters) on the key, and adds the
    /// parent's cursor value to each child row as ``version``.
    public struct Parent: Sendable, Hashable {
        public var table: PostgresTableName
        /// The parent's key column.
        public var key: String
        /// The child's column that holds it.
        public var childKey: String
        /// The parent's cursor column and how the stream carries it (named as the child rows' output column).
        public var version: Version?
        public var predicates: [PostgresPredicate]

        public struct Version: Sendable, Hashable {
            public var column: String
            public var output: SourceColumn

            public init(column: String, output: SourceColumn) {
                self.column = column
                self.output = output
            }
        }

        public init(table: PostgresTableName, key: String, childKey: String, version: Version?, predicates: [PostgresPredicate]) {
            self.table = table
            self.key = key
            self.childKey = childKey
            self.version = version
            self.predicates = predicates
        }
    }

    public var table: PostgresTableName
    public var columns: [PostgresColumn]
    /// Output after ``columns``.
    public var computed: [Computed]
    public var predicates: [PostgresPredicate]
    /// For a child table read with its parent's partition.
    public var parent: Parent?

    public init(table: PostgresTableName, columns: [PostgresColumn], computed: [Computed] = [],
                predicates: [PostgresPredicate] = [], parent: Parent? = nil) {
        self.table = table
        self.columns = columns
        self.computed = computed
        self.predicates = predicates
        self.parent = parent
    }

    /// Aliases of a child read: chosen so that no column name in the child's own SQL (`deleted_when`, `filters`)
    /// can mean one of the parent subquery's outputs instead.
    static let childAlias = "__sluice_child"
    static let parentAlias = "__sluice_parent"
    static let parentKeyAlias = "__sluice_parent_key"
    static let parentVersionAlias = "__sluice_parent_version"

    /// `SELECT "a", "b"::text AS "b" FROM "s"."t" WHERE (...) AND (...)`.
    public func sql() throws(SluiceError) -> String {
        guard !columns.isEmpty else {
            throw SluiceError(.invalidValue, "an extraction query needs at least one column", context: ErrorContext(table: table.description))
        }
        let qualifier = parent == nil ? "" : SQL.quoteIdentifier(Self.childAlias) + "."
        var list = columns.map { column in
            let name = SQL.quoteIdentifier(column.name)
            return column.selectCast.map { "\(qualifier)\(name)::\($0) AS \(name)" } ?? qualifier + name
        } + computed.map { "(\($0.expression)) AS \(SQL.quoteIdentifier($0.column.name))" }
        var text: String
        if let parent {
            let p = SQL.quoteIdentifier(Self.parentAlias)
            if let version = parent.version {
                list.append("\(p).\(SQL.quoteIdentifier(Self.parentVersionAlias)) AS \(SQL.quoteIdentifier(version.output.name))")
            }
            var inner = "SELECT \(SQL.quoteIdentifier(parent.key)) AS \(SQL.quoteIdentifier(Self.parentKeyAlias))"
            if let version = parent.version {
                inner += ", \(SQL.quoteIdentifier(version.column)) AS \(SQL.quoteIdentifier(Self.parentVersionAlias))"
            }
            inner += " FROM \(parent.table.quoted)"
            if let clause = SQL.and(try Self.render(parent.predicates)) { inner += " WHERE \(clause)" }
            text = "SELECT \(list.joined(separator: ", ")) FROM \(table.quoted) AS \(SQL.quoteIdentifier(Self.childAlias))"
                + " JOIN (\(inner)) AS \(p) ON \(qualifier)\(SQL.quoteIdentifier(parent.childKey)) = \(p).\(SQL.quoteIdentifier(Self.parentKeyAlias))"
        } else {
            text = "SELECT \(list.joined(separator: ", ")) FROM \(table.quoted)"
        }
        if let clause = SQL.and(try Self.render(predicates)) { text += " WHERE \(clause)" }
        return text
    }

    static func render(_ predicates: [PostgresPredicate]) throws(SluiceError) -> [String] {
        var rendered: [String] = []
        for predicate in predicates {
            if let sql = try predicate.render() { rendered.append(sql) }
        }
        return rendered
    }

    /// The columns as the COPY stream carries them (after casts), computed ones then a child's parent version last.
    public var sourceColumns: [SourceColumn] {
        columns.map(\.sourceColumn) + computed.map(\.column) + (parent?.version.map { [$0.output] } ?? [])
    }

    /// What a task reads for this query, inside `snapshot` when one is given.
    public func readSpec(snapshot: String?, cursorColumn: String? = nil) throws(SluiceError) -> PostgresReadSpec {
        PostgresReadSpec(query: try sql(), snapshot: snapshot, columns: sourceColumns, cursorColumn: cursorColumn)
    }
}
