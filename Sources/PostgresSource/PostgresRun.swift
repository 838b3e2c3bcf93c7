import Logging
import SluiceConfig
import SluiceCore
import SluiceExpressions
import SluicePipeline

/// One run's view of PostgreSQL: an exported snapshot that every task joins (held open by its own connection
/// until ``close()``, watched, and replaced when lost: ``RunSnapshots``), and a planning connection reading the
/// catalogue inside the first snapshot, so partition bounds and the tasks see the same data.
final class PostgresRun: SourceRun, @unchecked Sendable {
    // @unchecked: every stored property is set in init and never reassigned; `planning` serialises its own libpq
    // calls with a lock, `snapshots` is an actor, and the driver plans tables one at a time.
    private let snapshots: RunSnapshots?
    /// The snapshot planning reads, and every partition is planned with.
    private let firstSnapshotID: String?
    private let planning: PostgresConnection

    /// Blocking: call on a thread of its own.
    init(config: PostgresConnectionConfig, consistent: Bool, failover: Bool, logger: Logger)
        throws(SluiceError)
    {
        let snapshots = consistent ? try RunSnapshots(config: config, failover: failover, logger: logger) : nil
        let firstSnapshotID = snapshots?.firstID
        // Should this fail, the snapshot's session closes with its connection when `snapshots` goes.
        planning = try PostgresConnection(config)
        if let firstSnapshotID { try Self.join(planning, snapshot: firstSnapshotID) }
        self.snapshots = snapshots
        self.firstSnapshotID = firstSnapshotID
    }

    /// Starts checking the snapshot's session every `interval` (``RunSnapshots/startWatching(every:)``).
    func startWatching(every interval: Duration) async {
        await snapshots?.startWatching(every: interval)
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
        let snapshotID = firstSnapshotID
        return try await BlockingIO.run(name: "sluice.postgres.plan") { () throws(SluiceError) -> T in
            do throws(SluiceError) {
                return try work(PostgresCatalog(planning))
            } catch {
                if let snapshotID, !error.retryable {
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
        let read = table.columns.filter { $0.expression == nil }
        for declared in read {
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
        try catalog.checkColumnPrivileges(source, columns: read.map(\.source))
        _ = try CopyBinaryDecoder.validate(columns: columns.map(\.sourceColumn),
                                           schema: Schema(read.map { Field(name: $0.name, type: $0.type, nullable: $0.nullable) }),
                                           table: table.name)

        var warnings: [String] = []
        for (declared, found) in zip(read, columns) {
            if !declared.nullable && !found.notNull && !table.primaryKey.contains(declared.name) {
                warnings.append("column \(declared.name) is declared nullable: false but \(source).\(found.name) allows NULL: a NULL fails the task; declare it nullable, or add NOT NULL in PostgreSQL")
            }
            if found.typeName.hasPrefix("character("), declared.type == .string {
                warnings.append("column \(declared.name) is \(found.typeName): its values keep their trailing blanks in the sink (PostgreSQL's length() ignores them); make the source column varchar, or trim it in a derived column")
            }
        }
        let keyColumns = table.primaryKey.compactMap { table.column(named: $0) }
        let keySources = Set(keyColumns.filter { $0.expression == nil }.map(\.source))
        let derivedKey = keyColumns.contains { $0.expression != nil }
        if !keyColumns.isEmpty, !derivedKey, !(try catalog.uniqueKeys(source)).contains(where: { !$0.isEmpty && Set($0).isSubset(of: keySources) }) {
            warnings.append("the primary key (\(table.primaryKey.joined(separator: ", "))) has no unique index or constraint behind it in PostgreSQL: rows that share a key become one row in the sink; add a unique constraint there, or declare the columns that are unique")
        }
        let fields = live.map { SourceField(name: $0.name, sourceType: $0.typeName, type: $0.suggestedTarget, nullable: !$0.notNull) }

        guard let cursor = table.cursor, let column = table.column(named: cursor) else {
            return SourceTable(cursorKind: nil, name: source.description, fields: fields, warnings: warnings)
        }
        let (kind, _) = try catalog.keyKind(source, column: column.source)
        guard kind.agrees(with: column.type) else {
            throw SluiceError(.configInvalid,
                              "the cursor is a \(kind.rawValue) column in PostgreSQL but declared \(column.type); declare it with the same kind of type",
                              context: ErrorContext(table: table.name, column: cursor))
        }
        return SourceTable(cursorKind: kind, name: source.description, fields: fields, warnings: warnings)
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

    func countRows(_ table: TableConfig) async throws(SluiceError) -> Int64 {
        let source = try table.postgresTable()
        let filters = table.filters.map { "(\($0))" }
        let sql = "SELECT count(*) FROM \(source.quoted)" + (filters.isEmpty ? "" : " WHERE " + filters.joined(separator: " AND "))
        return try await catalogue(table) { catalog throws(SluiceError) -> Int64 in
            guard let text = try catalog.connection.query(sql).first?.first ?? nil, let count = Int64(text) else {
                throw SluiceError(.internalError, "count(*) of \(source) returned no number")
            }
            return count
        }
    }

    func partitions(_ request: ReadRequest) async throws(SluiceError) -> SourceReadPlan {
        let table = request.table
        let snapshotID = firstSnapshotID
        // Rows move between ctid blocks when updated: a table without a cursor (whose next run cannot catch a row
        // that moved into a partition read before the failover) keeps such partitions in the first snapshot.
        let pinned = table.cursor == nil && table.partition.effectiveStrategy == .ctid
        var predicates: [PostgresPredicate] = table.filters.map { .sql($0) }
        if let deleted = table.deletedWhen, request.deletedRows == .exclude {
            predicates.append(.sql("(\(deleted)) IS NOT TRUE"))
        }
        let cursorSource = table.cursor.flatMap { table.column(named: $0) }?.source
        if let cursorSource, let windowed = try request.window.predicate(column: cursorSource) {
            predicates.append(windowed)
        }
        let shared = predicates
        return try await catalogue(table) { catalog throws(SluiceError) -> SourceReadPlan in
            let source = try table.postgresTable()
            let read = request.sourceColumns
            let columns = try catalog.describe(source, columns: read.map(\.name))
            // The filter's conditions PostgreSQL evaluates exactly as Sluice would, on columns read unchanged.
            var unchanged: [String: String] = [:]
            for (field, column) in zip(read, columns) where Self.readsUnchanged(column, as: field.type) {
                unchanged[field.name] = column.name
            }
            var pushed: [Int] = []
            var all = shared
            for (index, condition) in request.conditions.enumerated() {
                guard let sql = PostgresPushdown.render(condition, sourceColumns: unchanged) else { continue }
                pushed.append(index)
                all.append(.sql(sql))
            }
            var computed: [PostgresQuery.Computed] = []
            if let deleted = table.deletedWhen {
                computed.append(.init(expression: "(\(deleted)) IS TRUE",
                                      column: SourceColumn(name: StagedColumns.deleted, typeOID: PostgresTypeOID.bool, typeName: "boolean")))
            }
            let query = PostgresQuery(table: source, columns: columns, computed: computed, predicates: all)
            _ = try CopyBinaryDecoder.validate(columns: query.sourceColumns, schema: request.schema, table: table.name)
            // The parent's cursor as each child row's version, carried as the parent reads it.
            let version = try cursorSource.map { cursor throws(SluiceError) in
                var output = try catalog.describe(source, columns: [cursor])[0].sourceColumn
                output.name = StagedColumns.parentVersion
                return PostgresQuery.Parent.Version(column: cursor, output: output)
            }
            var children: [PostgresQuery] = []
            for related in request.related {
                children.append(try Self.childQuery(related, parent: source, version: version, deletedRows: request.deletedRows,
                                                    catalog: catalog))
            }
            let plan = try PartitionPlanner(catalog.connection).plan(table.partition.plannerInput(table: source, shared: all))
            var partitions: [SourcePartition] = []
            for entry in plan.entries {
                var partitionQuery = query
                if let predicate = entry.predicate { partitionQuery.predicates.append(predicate) }
                var spec = try partitionQuery.readSpec(snapshot: snapshotID, cursorColumn: cursorSource)
                if pinned { spec.pinnedToSnapshot = true }
                var related: [ConnectorPayload] = []
                for child in children {
                    var childQuery = child
                    childQuery.parent?.predicates = partitionQuery.predicates
                    related.append(try .json(kind: PostgresReadSpec.kind, try childQuery.readSpec(snapshot: snapshotID)))
                }
                partitions.append(SourcePartition(read: try .json(kind: PostgresReadSpec.kind, spec), summary: entry.sql,
                                                  estimatedRows: entry.estimatedRows, related: related))
            }
            return SourceReadPlan(partitions: partitions, pushedConditions: pushed)
        }
    }

    /// The partition's reads (its table's and its children's) in this run's first snapshot (each attempt is pointed at the
    /// current one when it is sent, ``bind(_:)``).
    func rebind(_ partition: SourcePartition) throws(SluiceError) -> SourcePartition {
        let snapshotID = firstSnapshotID
        func rebound(_ read: ConnectorPayload) throws(SluiceError) -> ConnectorPayload {
            var spec = try read.decodeJSON(PostgresReadSpec.self, kind: PostgresReadSpec.kind)
            spec.snapshot = snapshotID
            return try .json(kind: PostgresReadSpec.kind, spec)
        }
        var partition = partition
        partition.read = try rebound(partition.read)
        for index in partition.related.indices { partition.related[index] = try rebound(partition.related[index]) }
        return partition
    }

    /// A child table's query: its columns, its own filters and deleted flag, joined to the parent rows a partition
    /// reads (the partition's predicates are filled in per partition).
    static func childQuery(_ related: RelatedRequest, parent: PostgresTableName, version: PostgresQuery.Parent.Version?,
                           deletedRows: DeletedRows, catalog: PostgresCatalog) throws(SluiceError) -> PostgresQuery {
        let child = related.table
        let source = try child.postgresTable()
        let columns = try catalog.describe(source, columns: related.sourceColumns.map(\.name))
        var predicates: [PostgresPredicate] = child.filters.map { .sql($0) }
        var computed: [PostgresQuery.Computed] = []
        if let deleted = child.deletedWhen {
            if deletedRows == .exclude { predicates.append(.sql("(\(deleted)) IS NOT TRUE")) }
            computed.append(.init(expression: "(\(deleted)) IS TRUE",
                                  column: SourceColumn(name: StagedColumns.deleted, typeOID: PostgresTypeOID.bool, typeName: "boolean")))
        }
        let query = PostgresQuery(table: source, columns: columns, computed: computed, predicates: predicates,
                                  parent: .init(table: parent, key: related.parentKey, childKey: related.childKey, version: version,
                                                predicates: []))
        _ = try CopyBinaryDecoder.validate(columns: query.sourceColumns, schema: related.schema, table: child.name)
        return query
    }

    /// Whether `column` reaches Sluice as `type` without a conversion that could make a condition on it mean
    /// something else in PostgreSQL: a base type read as its natural type (or an integer read as a wider integer),
    /// no cast in the SELECT list, and not `char(n)`, whose comparisons ignore trailing blanks.
    static func readsUnchanged(_ column: PostgresColumn, as type: DataType) -> Bool {
        guard column.kind == .base, column.selectCast == nil, !column.typeName.hasPrefix("character("),
              let natural = column.suggestedTarget else { return false }
        if natural == type { return true }
        let integers: [DataType] = [.int16, .int32, .int64]
        guard let from = integers.firstIndex(of: natural), let to = integers.firstIndex(of: type) else { return false }
        return from <= to
    }

    func bind(_ task: TaskSpec) async -> BoundTask {
        guard let snapshots else { return BoundTask(task: task, view: nil) }
        // A retry's previous attempt may have failed because the snapshot was lost: ask before sending it again.
        if task.attempt > 1 { await snapshots.check() }
        return SnapshotBinding.bind(task, snapshots: await snapshots.ids)
    }

    func close() async {
        let planning = self.planning
        if snapshots != nil {
            await BlockingIO.run(name: "sluice.postgres.snapshot") { try? planning.execute("COMMIT") }
        }
        await snapshots?.close()
    }
}
