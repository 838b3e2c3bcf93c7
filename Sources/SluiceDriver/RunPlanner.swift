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
    public let reloadRange: CursorRange?
    public let bookmarks: any BookmarkStoring

    public init(pipeline: PipelineConfig, runID: String, modeOverride: ModeOverride?, reloadRange: CursorRange? = nil,
                bookmarks: any BookmarkStoring) {
        self.pipeline = pipeline
        self.runID = runID
        self.modeOverride = modeOverride
        self.reloadRange = reloadRange
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

        let mode: TableReport.Mode
        let bookmark: CursorBookmark?
        let rule: BookmarkRule
        let cursor = try CursorColumn(table: table, catalog: catalog, source: source)
        if let cursor {
            bookmark = try cursor.bookmark(stored)
            (mode, rule) = try window(for: table, cursor: cursor, bookmark: bookmark, backfill: stored?.backfill ?? true,
                                      shared: predicates, catalog: catalog, source: source, into: &predicates)
        } else {
            if reloadRange != nil {
                throw SluiceError(.configInvalid, "--from/--to need a cursor column; table \(table.name) has none",
                                  context: ErrorContext(table: table.name))
            }
            (mode, bookmark, rule) = (.fullReload, nil, .unchanged)
        }
        let base = PostgresQuery(table: source, columns: columns, predicates: predicates)
        let input = table.partition.plannerInput(table: source, shared: predicates)
        let partitions = try PartitionPlanner(catalog.connection).plan(input).entries
        let loadTable = SinkLayout(table: table).loadTable(runID: runID)
        return TablePlan(table: table, mode: mode, bookmarkBefore: bookmark, query: base, partitions: partitions,
                         loadTable: loadTable, bookmarkRule: rule, cursorKind: cursor?.kind)
    }

    /// Chooses the run's slice of the cursor and adds its predicate.
    private func window(for table: TableConfig, cursor: CursorColumn, bookmark: CursorBookmark?, backfill: Bool,
                        shared: [PostgresPredicate], catalog: PostgresCatalog, source: PostgresTableName,
                        into predicates: inout [PostgresPredicate]) throws(SluiceError) -> (TableReport.Mode, BookmarkRule) {
        if let range = reloadRange {
            guard let from = CursorBookmark(text: range.from, kind: cursor.kind),
                  let to = CursorBookmark(text: range.to, kind: cursor.kind), from.value < to.value
            else {
                throw SluiceError(.configInvalid, "--from \(range.from) --to \(range.to) is not a range of \(cursor.config.type) values",
                                  context: ErrorContext(table: table.name, column: cursor.config.name))
            }
            predicates.append(.range(column: cursor.config.source, lower: from.literal, upper: to.literal, includeNulls: false))
            return (.rangeReload, .unchanged)
        }
        let incremental: Bool
        switch modeOverride {
        case .backfill?: incremental = false
        case .incremental?:
            guard bookmark != nil else {
                throw SluiceError(.bookmarkInvalid, "no bookmark yet: the first run of a table is a backfill",
                                  context: ErrorContext(table: table.name))
            }
            incremental = true
        case nil: incremental = bookmark != nil && !backfill
        }
        let lag = cursor.kind.units(ofMicroseconds: table.lag.microseconds)
        if incremental, let bookmark {
            predicates.append(IncrementalWindow(column: cursor.config.source, kind: cursor.kind, bookmark: bookmark, lag: lag).predicate)
            return (.incremental, .largestExtracted)
        }
        // Backfill: everything, or the next slice when the table backfills in windows.
        let resume = modeOverride == .backfill ? nil : bookmark
        if let resume {
            predicates.append(IncrementalWindow(column: cursor.config.source, kind: cursor.kind, bookmark: resume, lag: lag).predicate)
        }
        guard let width = table.backfillWindowUnits else { return (.backfill, .largestExtracted) }
        guard let bounds = try catalog.keyBounds(source, column: cursor.config.source, kind: cursor.kind, where: predicates)
        else { return (.backfill, .largestExtracted) }
        let sliceStart = resume?.value ?? bounds.min
        let (sliceEnd, overflow) = sliceStart.addingReportingOverflow(width)
        if overflow || sliceEnd >= bounds.max { return (.backfill, .largestExtracted) }
        let end = CursorBookmark(kind: cursor.kind, value: sliceEnd)
        let upTo = IncrementalWindow(column: cursor.config.source, kind: cursor.kind, upper: end).predicate
        if resume == nil, let sql = try upTo.render() {
            // The first slice also takes the rows whose cursor is NULL, which no later window selects.
            predicates.append(.sql("(\(sql)) OR \(SQL.quoteIdentifier(cursor.config.source)) IS NULL"))
        } else {
            predicates.append(upTo)
        }
        return (.backfill, .sliceEnd(end))
    }
}

/// A table's cursor: its declared column and how PostgreSQL stores it.
struct CursorColumn {
    let config: ColumnConfig
    let kind: PartitionKeyKind

    init?(table: TableConfig, catalog: PostgresCatalog, source: PostgresTableName) throws(SluiceError) {
        guard let name = table.cursor, let config = table.column(named: name) else { return nil }
        let (kind, _) = try catalog.keyKind(source, column: config.source)
        let agrees: Bool
        switch (kind, config.type) {
        case (.integer, .int16), (.integer, .int32), (.integer, .int64), (.date, .date),
             (.timestamp, .timestamp), (.timestamp, .timestampTZ), (.timestampTZ, .timestamp), (.timestampTZ, .timestampTZ):
            agrees = true
        default:
            agrees = false
        }
        guard agrees else {
            throw SluiceError(.configInvalid, "the cursor is a \(kind.rawValue) column in PostgreSQL but declared \(config.type); declare it with the same kind of type",
                              context: ErrorContext(table: table.name, column: name))
        }
        self.config = config
        self.kind = kind
    }

    /// The stored bookmark, parsed.
    func bookmark(_ stored: StoredBookmark?) throws(SluiceError) -> CursorBookmark? {
        guard let text = stored?.value else { return nil }
        guard let value = CursorBookmark(text: text, kind: kind) else {
            throw SluiceError(.bookmarkInvalid, "stored bookmark '\(text)' is not a \(config.type) value",
                              context: ErrorContext(column: config.name))
        }
        return value
    }

}

extension SluiceError.Code {
    public static let bookmarkInvalid = Self("bookmark_invalid")
}
