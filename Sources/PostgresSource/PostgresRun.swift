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
        try await catalogue(table) { catalog throws(SluiceError) in
            let source = try table.postgresTable()
            let columns = try catalog.describe(source, columns: table.columns.map(\.source))
            _ = try CopyBinaryDecoder.validate(columns: columns.map(\.sourceColumn), schema: table.schema, table: table.name)
            guard let cursor = table.cursor, let column = table.column(named: cursor) else {
                return SourceTable(cursorKind: nil, name: source.description)
            }
            let (kind, _) = try catalog.keyKind(source, column: column.source)
            guard kind.agrees(with: column.type) else {
                throw SluiceError(.configInvalid,
                                  "the cursor is a \(kind.rawValue) column in PostgreSQL but declared \(column.type); declare it with the same kind of type",
                                  context: ErrorContext(table: table.name, column: cursor))
            }
            return SourceTable(cursorKind: kind, name: source.description)
        }
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
