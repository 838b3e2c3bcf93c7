import Logging
public import PostgresSource
public import SluiceConfig
public import SluiceCore
public import SluiceRuntime

/// Decides how each table runs — mode, window, partitions — from the configuration, the source's
/// catalogue and the stored bookmarks. Checks everything it can before a task runs: that the source table
/// and every declared column exist and convert exactly to their declared types.
public struct RunPlanner: Sendable {
    public let pipeline: PipelineConfig
    public let runID: String
    public let modeOverride: ModeOverride?
    public let bookmarks: any BookmarkStoring

    public init(pipeline: PipelineConfig, runID: String, modeOverride: ModeOverride?, bookmarks: any BookmarkStoring) {
        self.pipeline = pipeline
        self.runID = runID
        self.modeOverride = modeOverride
        self.bookmarks = bookmarks
    }

    /// Plans `tables` reading PostgreSQL inside `snapshot` when one is given (so partition bounds and the
    /// tasks see the same data). A table that cannot be planned (a missing column, a type that does not
    /// convert) gets its error; the others are planned. Connection failures throw.
    public func plan(tables: [TableConfig], snapshot: String?) async throws(SluiceError)
        -> [(table: TableConfig, plan: Result<TablePlan, SluiceError>)]
    {
        var stored: [String: StoredBookmark] = [:]
        for table in tables where table.cursor != nil {
            stored[table.name] = try await bookmarks.load(table: table.name)
        }
        let connectionConfig = try pipeline.source.postgres.connectionConfig()
        let known = stored
        return try await BlockingIO.run(name: "sluice.plan") {
            () throws(SluiceError) -> [(table: TableConfig, plan: Result<TablePlan, SluiceError>)] in
            let connection = try PostgresConnection(connectionConfig)
            if let snapshot {
                try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                try connection.execute("SET TRANSACTION SNAPSHOT \(try SQL.quoteLiteral(snapshot))")
            }
            defer { if snapshot != nil { try? connection.execute("COMMIT") } }
            let catalog = PostgresCatalog(connection)
            var plans: [(table: TableConfig, plan: Result<TablePlan, SluiceError>)] = []
            for table in tables {
                do throws(SluiceError) {
                    plans.append((table, .success(try planTable(table, stored: known[table.name], catalog: catalog))))
                } catch {
                    if PostgresErrors.isRetryable(error) { throw error }
                    plans.append((table, .failure(error.adding(ErrorContext(table: table.name)))))
                    // A failed catalogue query aborts a snapshot transaction; start again for the next table.
                    if snapshot != nil {
                        try connection.execute("ROLLBACK")
                        try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                        try connection.execute("SET TRANSACTION SNAPSHOT \(try SQL.quoteLiteral(snapshot!))")
                    }
                }
            }
            return plans
        }
    }

    private func planTable(_ table: TableConfig, stored: StoredBookmark?, catalog: PostgresCatalog) throws(SluiceError)
        -> TablePlan
    {
        let source = try table.postgresTable()
        let columns = try catalog.describe(source, columns: table.columns.map(\.source))
        _ = try CopyBinaryDecoder.validate(columns: columns.map(\.sourceColumn), schema: table.schema, table: table.name)

        var predicates: [PostgresPredicate] = table.filters.map { .sql($0) }
        if let deleted = table.deletedWhen { predicates.append(.sql("(\(deleted)) IS NOT TRUE")) }

        let (mode, bookmark) = try decideMode(table, stored: stored)
        if mode == .incremental, let bookmark, let cursor = table.cursor, let column = table.column(named: cursor) {
            let start = bookmark.minus(lagMicroseconds: table.lag.microseconds)
            predicates.append(.cursorWindow(column: column.source, after: table.cursorLiteral(start), upTo: nil))
        }
        let base = PostgresQuery(table: source, columns: columns, predicates: predicates)
        let input = table.partition.plannerInput(table: source, shared: predicates)
        let partitions = try PartitionPlanner(catalog.connection).plan(input).entries
        let loadTable = SinkLayout(table: table).loadTable(runID: runID)
        return TablePlan(table: table, mode: mode, bookmarkBefore: bookmark, query: base, partitions: partitions,
                         loadTable: loadTable)
    }

    private func decideMode(_ table: TableConfig, stored: StoredBookmark?) throws(SluiceError)
        -> (TableReport.Mode, BookmarkValue?)
    {
        guard let cursor = table.cursor, let column = table.column(named: cursor) else { return (.fullReload, nil) }
        let bookmark: BookmarkValue?
        if let text = stored?.value {
            guard let value = BookmarkValue(type: column.type, text: text) else {
                throw SluiceError(.bookmarkInvalid, "stored bookmark '\(text)' is not a \(column.type) value",
                                  context: ErrorContext(table: table.name, column: cursor))
            }
            bookmark = value
        } else {
            bookmark = nil
        }
        switch modeOverride {
        case .backfill?:
            return (.backfill, bookmark)
        case .incremental?:
            guard let bookmark else {
                throw SluiceError(.bookmarkInvalid, "no bookmark yet: the first run of a table is a backfill",
                                  context: ErrorContext(table: table.name))
            }
            return (.incremental, bookmark)
        case nil:
            if let bookmark, stored?.backfill == false { return (.incremental, bookmark) }
            return (.backfill, bookmark)
        }
    }
}

extension SluiceError.Code {
    public static let bookmarkInvalid = Self("bookmark_invalid")
}
