import ClickHouseSink
import Logging
import SluiceConfig
public import SluiceCore
import SluiceRuntime

/// The driver's work in ClickHouse: databases and clean-layer tables before a run, swapping full reloads
/// in after it, and the bookmark store.
struct SinkPreparation: Sendable {
    let client: ClickHouseClient
    let sink: ClickHouseSinkConfig
    let runID: String
    let logger: Logger

    init(pipeline: PipelineConfig, runID: String, logger: Logger) throws(SluiceError) {
        client = try pipeline.sink.clickhouse.client()
        sink = pipeline.sink.clickhouse
        self.runID = runID
        self.logger = logger
    }

    func bookmarkStore() -> ClickHouseBookmarks {
        ClickHouseBookmarks(store: BookmarkStore(client: client, database: sink.metadataDatabase))
    }

    /// Creates the clean database and the table `plan` loads. A target that exists must have exactly the
    /// layout's columns: a schema change is reported, never papered over.
    func prepare(_ plan: TablePlan) async throws(SluiceError) {
        let layout = SinkLayout(table: plan.table)
        try await client.createDatabase(sink.database)
        if plan.loadTable != plan.table.target {
            try await client.execute(ClickHouseDDL.dropTable(database: sink.database, table: plan.loadTable))
        } else {
            try await checkExistingColumns(layout)
        }
        try await client.createTable(definition(layout, name: plan.loadTable))
    }

    /// Replaces the target with the freshly loaded copy of a full reload.
    func swapIn(plan: TablePlan) async throws(SluiceError) {
        let database = sink.database
        let target = ClickHouseSQL.identifier(database) + "." + ClickHouseSQL.identifier(plan.table.target)
        let fresh = ClickHouseSQL.identifier(database) + "." + ClickHouseSQL.identifier(plan.loadTable)
        if try await tableExists(plan.table.target) {
            let oldName = plan.table.target + "__sluice_old_" + String(runID.map { $0.isLetter || $0.isNumber ? $0 : "_" })
            let old = ClickHouseSQL.identifier(database) + "." + ClickHouseSQL.identifier(oldName)
            try await client.execute("RENAME TABLE \(target) TO \(old), \(fresh) TO \(target)")
            try await client.execute(ClickHouseDDL.dropTable(database: database, table: oldName))
        } else {
            try await client.execute("RENAME TABLE \(fresh) TO \(target)")
        }
        logger.info("table.swapped", metadata: ["sluice.table": "\(plan.table.name)"])
    }

    private func definition(_ layout: SinkLayout, name: String) -> ClickHouseTableDefinition {
        ClickHouseTableDefinition(database: sink.database, name: name, columns: layout.fields,
                                  engine: .replacingMergeTree(versionColumn: SinkLayout.versionColumn),
                                  orderBy: layout.orderBy)
    }

    private func tableExists(_ name: String) async throws(SluiceError) -> Bool {
        let count = try await client.value(
            "SELECT count() FROM system.tables WHERE database = \(ClickHouseSQL.stringLiteral(sink.database)) AND name = \(ClickHouseSQL.stringLiteral(name))")
        return count != "0"
    }

    private func checkExistingColumns(_ layout: SinkLayout) async throws(SluiceError) {
        let rows = try await client.rows(
            "SELECT name, type FROM system.columns WHERE database = \(ClickHouseSQL.stringLiteral(sink.database)) AND table = \(ClickHouseSQL.stringLiteral(layout.table.target))")
        guard !rows.isEmpty else { return }
        let mapping = ClickHouseTypeMapping()
        let expected = layout.fields.map { "\($0.name) \(mapping.type(for: $0))" }
        let actual = rows.map { "\($0[0] ?? "") \($0[1] ?? "")" }
        func normalized(_ columns: [String]) -> [String] { columns.map { $0.filter { !$0.isWhitespace } } }
        guard normalized(expected) == normalized(actual) else {
            throw SluiceError(
                .clickHouseSchemaMismatch,
                "\(sink.database).\(layout.table.target) exists with columns (\(actual.joined(separator: ", "))) but the declared schema needs (\(expected.joined(separator: ", "))); migrate or drop the table",
                context: ErrorContext(table: layout.table.name))
        }
    }
}

/// Bookmarks in `<metadata_database>.cdc_state`.
struct ClickHouseBookmarks: BookmarkStoring {
    let store: BookmarkStore

    func prepare() async throws(SluiceError) {
        try await store.client.createDatabase(store.database)
        try await store.ensureSchema()
    }

    func load(table: String) async throws(SluiceError) -> StoredBookmark? {
        do {
            return try await store.load(table: table).map { StoredBookmark(value: $0.lastExtractedValue, backfill: $0.backfill) }
        } catch where error.code == .clickHouseUnknownDatabase || error.code == .clickHouseUnknownTable {
            return nil  // no bookmark store yet: every table is new
        }
    }

    func save(table: String, value: String?, epochSeconds: Int64, backfill: Bool, runID: String) async throws(SluiceError) {
        let previous = try await store.load(table: table)
        let now = BookmarkStore.wallClockMicroseconds()
        let changedAt = previous.map { $0.backfill == backfill ? $0.backfillChangedAt : now } ?? now
        _ = try await store.save(Bookmark(
            table: table, lastExtractedValue: value, lastExtractedTime: epochSeconds * 1_000_000, backfill: backfill,
            backfillChangedAt: changedAt, runID: runID))
    }
}
