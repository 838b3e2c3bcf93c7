import SluiceConfig
import SluiceCore
import SluicePipeline

/// One run's view of PostgreSQL: an exported snapshot that every task joins (held open by its own connection
/// until ``close()``), and a planning connection reading the catalogue inside the same snapshot, so partition
/// bounds and the tasks see the same data.
final class PostgresRun: SourceRun, @unchecked Sendable {
    // @unchecked: `snapshot` and `planning` are set in init and never reassigned; both classes serialise their
    // own libpq calls with a lock, and the driver plans tables one at a time.
    private let snapshot: SnapshotHolder?
    private let planning: PostgresConnection

    /// Blocking: call on a thread of its own.
    init(config: PostgresConnectionConfig, consistent: Bool) throws(SluiceError) {
        let snapshot = consistent ? try SnapshotHolder(config: config) : nil
        do {
            planning = try PostgresConnection(config)
            if let snapshot { try Self.join(planning, snapshot: snapshot.snapshotID) }
        } catch {
            snapshot?.close()
            throw error
        }
        self.snapshot = snapshot
    }

    private static func join(_ connection: PostgresConnection, snapshot: String) throws(SluiceError) {
        try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try connection.execute("SET TRANSACTION SNAPSHOT \(try SnapshotHolder.literal(snapshot))")
    }

    /// Runs catalogue work on a thread of its own. A failed query aborts the snapshot transaction, so the
    /// transaction is begun again for whatever comes next.
    private func catalogue<T: Sendable>(_ table: TableConfig,
                                        _ work: @escaping @Sendable (PostgresCatalog) throws(SluiceError) -> T)
        async throws(SluiceError) -> T
    {
        let planning = self.planning
        let snapshotID = snapshot?.snapshotID
        return try await BlockingIO.run(name: "sluice.postgres.plan") { () throws(SluiceError) -> T in
            do throws(SluiceError) {
                return try work(PostgresCatalog(planning))
            } catch {
                if let snapshotID, !PostgresErrors.isRetryable(error) {
                    try planning.execute("ROLLBACK")
                    try Self.join(planning, snapshot: snapshotID)
                }
                throw error.adding(ErrorContext(table: table.name))
            }
        }
    }

    func describe(_ table: TableConfig) async throws(SluiceError) -> SourceTable {
        try await catalogue(table) { catalog throws(SluiceError) in try Self.describe(table, catalog: catalog) }
    }

    /// Checks `table`'s declaration against the live catalogue: drift (a declared column dropped or retyped)
    /// stops the table; what can lose rows quietly becomes a warning; undeclared columns are listed.
    static func describe(_ table: TableConfig, catalog: PostgresCatalog) throws(SluiceError) -> SourceTable {
        let source = try table.postgresTable()
        let live = try catalog.describe(source)
        var byName: [String: PostgresColumn] = [:]
        for column in live { byName[column.name] = column }
        var columns: [PostgresColumn] = []
        for declared in table.columns {
            let context = ErrorContext(table: table.name, column: declared.name)
            guard let found = byName[declared.source] else {
                let was = declared.sourceType.map { " (it was \($0))" } ?? ""
                throw SluiceError(.schemaDrift,
                                  "source column \(declared.source) no longer exists in \(source)\(was); remove \(declared.name) from the table's columns, or restore the source column",
                                  context: context)
            }
            if let expected = declared.sourceType, normalizedType(expected) != normalizedType(found.typeName) {
                throw SluiceError(.schemaDrift,
                                  "source column \(declared.source) is \(found.typeName) in \(source), but the table was declared from \(expected); check that \(declared.type) still holds it exactly and update source_type",
                                  context: context)
            }
            columns.append(found)
        }
        try catalog.checkColumnPrivileges(source, columns: table.columns.map(\.source))
        _ = try CopyBinaryDecoder.validate(columns: columns.map(\.sourceColumn), schema: table.schema, table: table.name)

        var warnings: [String] = []
        for (declared, found) in zip(table.columns, columns) {
            if !declared.nullable && !found.notNull && !table.primaryKey.contains(declared.name) {
                warnings.append("column \(declared.name) is declared nullable: false but \(source).\(found.name) allows NULL: a NULL fails the task; declare it nullable, or add NOT NULL in PostgreSQL")
            }
            if found.typeName.hasPrefix("character("), declared.type == .string {
                warnings.append("column \(declared.name) is \(found.typeName): its values keep their trailing blanks in the sink (PostgreSQL's length() ignores them); make the source column varchar, or trim it in a derived column")
            }
        }
        let keySources = Set(table.primaryKey.compactMap { table.column(named: $0)?.source })
        if !(try catalog.uniqueKeys(source)).contains(where: { !$0.isEmpty && Set($0).isSubset(of: keySources) }) {
            warnings.append("the primary key (\(table.primaryKey.joined(separator: ", "))) has no unique index or constraint behind it in PostgreSQL: rows that share a key become one row in the sink; add a unique constraint there, or declare the columns that are unique")
        }
        let ignored = Set(table.ignoreColumns)
        let declaredSources = Set(table.columns.map(\.source))
        let undeclared = live.filter { !declaredSources.contains($0.name) && !ignored.contains($0.name) }
            .map { UndeclaredColumn(name: $0.name, sourceType: $0.typeName, type: $0.suggestedTarget) }
        if !undeclared.isEmpty, table.schemaEvolution == .report {
            warnings.append("source columns not loaded: " + undeclared.map { "\($0.name) (\($0.sourceType))" }.joined(separator: ", ")
                            + "; declare them, list them in ignore_columns, or set schema_evolution: add_columns")
        }
        for column in undeclared where column.type == nil && table.schemaEvolution == .addColumns {
            warnings.append("source column \(column.name) (\(column.sourceType)) has no type Sluice can load; it stays out (list it in ignore_columns)")
        }

        guard let cursor = table.cursor, let column = table.column(named: cursor) else {
            return SourceTable(cursorKind: nil, name: source.description, undeclaredColumns: undeclared, warnings: warnings)
        }
        let (kind, _) = try catalog.keyKind(source, column: column.source)
        guard kind.agrees(with: column.type) else {
            throw SluiceError(.configInvalid,
                              "the cursor is a \(kind.rawValue) column in PostgreSQL but declared \(column.type); declare it with the same kind of type",
                              context: ErrorContext(table: table.name, column: cursor))
        }
        return SourceTable(cursorKind: kind, name: source.description, undeclaredColumns: undeclared, warnings: warnings)
    }

    /// A type name as `format_type` prints it, compared case- and space-insensitively, with the common
    /// abbreviations spelled out (`int4` is `integer`, `timestamptz` is `timestamp with time zone`).
    static func normalizedType(_ name: String) -> String {
        let lowered = name.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let aliases = ["int2": "smallint", "int4": "integer", "int": "integer", "int8": "bigint", "float4": "real",
                       "float8": "double precision", "bool": "boolean", "varchar": "character varying",
                       "timestamptz": "timestamp with time zone", "timestamp": "timestamp without time zone",
                       "timetz": "time with time zone", "time": "time without time zone", "decimal": "numeric"]
        if let alias = aliases[lowered] { return alias }
        for (short, long) in [("varchar(", "character varying("), ("decimal(", "numeric("), ("char(", "character(")]
            where lowered.hasPrefix(short) {
            return long + lowered.dropFirst(short.count)
        }
        return lowered
    }

    func cursorBounds(_ table: TableConfig, kind: CursorKind, within window: CursorWindow) async throws(SluiceError)
        -> ClosedRange<CursorValue>?
    {
        guard let cursor = table.cursor, let column = table.column(named: cursor) else { return nil }
        var predicates: [PostgresPredicate] = table.filters.map { .sql($0) }
        if let windowed = try window.predicate(column: column.source) { predicates.append(windowed) }
        let shared = predicates
        return try await catalogue(table) { catalog throws(SluiceError) in
            guard let bounds = try catalog.keyBounds(try table.postgresTable(), column: column.source, kind: kind, where: shared)
            else { return nil }
            return CursorValue(kind: kind, value: bounds.min)...CursorValue(kind: kind, value: bounds.max)
        }
    }

    func partitions(_ request: ReadRequest) async throws(SluiceError) -> [SourcePartition] {
        let table = request.table
        let snapshotID = snapshot?.snapshotID
        var predicates: [PostgresPredicate] = table.filters.map { .sql($0) }
        if let deleted = table.deletedWhen, request.deletedRows == .exclude {
            predicates.append(.sql("(\(deleted)) IS NOT TRUE"))
        }
        if let cursor = table.cursor, let column = table.column(named: cursor),
           let windowed = try request.window.predicate(column: column.source) {
            predicates.append(windowed)
        }
        let shared = predicates
        return try await catalogue(table) { catalog throws(SluiceError) -> [SourcePartition] in
            let source = try table.postgresTable()
            // Columns are reported by their target names; the query reads them by their source names.
            var columns = try catalog.describe(source, columns: table.columns.map(\.source))
            for (index, declared) in table.columns.enumerated() { columns[index].sourceColumn.name = declared.name }
            var computed: [PostgresQuery.Computed] = []
            if let deleted = table.deletedWhen {
                computed.append(.init(expression: "(\(deleted)) IS TRUE",
                                      column: SourceColumn(name: StagedColumns.deleted, typeOID: PostgresTypeOID.bool, typeName: "boolean")))
            }
            let query = PostgresQuery(table: source, columns: columns, computed: computed, predicates: shared)
            _ = try CopyBinaryDecoder.validate(columns: query.sourceColumns, schema: request.schema, table: table.name)
            let plan = try PartitionPlanner(catalog.connection).plan(table.partition.plannerInput(table: source, shared: shared))
            var partitions: [SourcePartition] = []
            for entry in plan.entries {
                var partitionQuery = query
                if let predicate = entry.predicate { partitionQuery.predicates.append(predicate) }
                let spec = try partitionQuery.readSpec(snapshot: snapshotID, cursorColumn: table.cursor)
                partitions.append(SourcePartition(read: try .json(kind: PostgresReadSpec.kind, spec), summary: entry.sql,
                                                  estimatedRows: entry.estimatedRows))
            }
            return partitions
        }
    }

    func close() async {
        let snapshot = self.snapshot
        let planning = self.planning
        await BlockingIO.run(name: "sluice.postgres.snapshot") {
            if snapshot != nil { try? planning.execute("COMMIT") }
            snapshot?.close()
        }
    }
}
