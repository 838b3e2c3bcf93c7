public import Logging
import SluiceConfig
public import SluiceCore
public import SluicePipeline

/// ClickHouse as a ``SluicePipeline/Sink``: the driver's side of the connector. It owns every piece of DDL a
/// run issues: the clean-layer table (checked against the declared schema when it exists), the fresh copy a
/// full reload loads and swaps in, and the commit of each task's staging table into its load table.
///
/// The column types follow the server: ``connectForRun()`` asks its version once when a run starts and chooses the
/// ``ClickHouseTypeMapping`` (``ClickHouseSettings/typeMapping``); every target carries it to the executors.
public struct ClickHouseWarehouse: Sink {
    public let settings: ClickHouseSettings
    public let client: ClickHouseClient
    let logger: Logger
    /// The server's version once ``connectForRun()`` asked for it; nil before.
    public private(set) var serverVersion: ClickHouseServerVersion?
    /// The column types of the run's tables. Until ``connectForRun()`` chose them: the pinned mapping, or for `auto`
    /// the legacy one, which every server reads.
    public private(set) var mapping: ClickHouseTypeMapping
    /// Settings every insert of a partitioned (append) table needs on this server: newer servers refuse an insert that
    /// spans more than `max_partitions_per_insert_block` (100) partitions, which a backfill of more than 100 days does;
    /// 18.16 has no such limit (and no such setting). Decided by ``connectForRun()``.
    public private(set) var partitionedInsertSettings: [String: String] = [:]

    public init(settings: ClickHouseSettings, logger: Logger) throws(SluiceError) {
        self.settings = settings
        self.client = try settings.client(logger: logger)
        self.logger = logger
        mapping = settings.typeMapping == .modern ? .modern : .legacy
    }

    /// Asks the server's version and returns the warehouse that plans and loads the run with the types chosen for it.
    /// - Throws: the client's errors, and ``SluiceError/Code/clickHouseTypeMappingUnsupported`` for `type_mapping:
    ///   modern` on a server that lacks a capability.
    public func connectForRun() async throws(SluiceError) -> any Sink {
        var connected = try connected(to: try await client.serverVersion())
        let limited = try await client.value("SELECT count() FROM system.settings WHERE name = 'max_partitions_per_insert_block'")
        if limited != "0" { connected.partitionedInsertSettings = ["max_partitions_per_insert_block": "0"] }
        return connected
    }

    /// This warehouse for a server of `version`: the mapping chosen from ``ClickHouseSettings/typeMapping``. Pure.
    public func connected(to version: ClickHouseServerVersion) throws(SluiceError) -> ClickHouseWarehouse {
        var connected = self
        connected.serverVersion = version
        connected.mapping = try settings.typeMapping.mapping(for: version, endpoint: client.config.endpoint)
        return connected
    }

    /// What the chosen types hold without the server silently corrupting or clamping it: legacy `Date` 1970-01-01 ...
    /// 2105-12-31 and `DateTime` up to 2105-12-31 23:59:59; `Date32` and `DateTime64` 1900-01-01 ... 2299-12-31 (see
    /// ``ClickHouseTypeMapping/dateDays`` and ``ClickHouseTypeMapping/timestampMicroseconds``).
    public var limits: SinkLimits {
        SinkLimits(dates: mapping.dateDays, timestamps: mapping.timestampMicroseconds)
    }

    /// `clickhouse etl@ch:8123`, and once connected `clickhouse etl@ch:8123: ClickHouse 25.3.2.1, modern types`.
    public var summary: String {
        guard let serverVersion else { return settings.summary }
        return "\(settings.summary): ClickHouse \(serverVersion), \(mapping.summary)"
    }

    /// `ClickHouse 18.16.1, legacy types (type_mapping auto)`; fails as a run would for a pin the server cannot take.
    public func check() async throws(SluiceError) -> String {
        let version = try await client.serverVersion()
        return "ClickHouse \(version), \(try connected(to: version).mapping.summary) (type_mapping \(settings.typeMapping.rawValue))"
    }

    /// `duration` in seconds, for logs (`0.013`).
    static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return "\(Double(seconds * 1_000 + attoseconds / 1_000_000_000_000_000) / 1_000)"
    }

    public func bookmarkStore() -> any BookmarkStore {
        ClickHouseBookmarkStore(table: CDCStateTable(client: client, database: settings.metadataDatabase))
    }

    public func target(for request: SinkTableRequest) throws(SluiceError) -> SinkTarget {
        let table = request.table.target
        let run = ClickHouseTarget.nameSafe(request.runID)
        let days = request.table.load == .append ? request.replacedDays.map(DayPartitions.init(window:)) : nil
        let loadTable: String
        if request.replacesContents {
            loadTable = table + "__sluice_reload_" + run
        } else if days != nil {
            loadTable = table + "__sluice_append_" + run
        } else {
            loadTable = table
        }
        let mapping = self.mapping.withLowCardinality(request.table.columns.filter(\.lowCardinality).map(\.name))
        let layout = CleanLayout(table: request.table, stagedSchema: request.stagedSchema, versionColumn: request.versionColumn,
                                 mapping: mapping)
        let curated = try curatedLayer(of: request.table, layout: layout, run: run)
        // A copy's staging tables need no run in their names: the copy's own name has it.
        let stagePrefix: String = loadTable + "__sluice_stage_" + (loadTable != table ? "" : run + "_")
        let retiredTable: String = table + "__sluice_old_" + run
        let target = ClickHouseTarget(database: settings.database, table: table, loadTable: loadTable,
                                      retiredTable: retiredTable, layout: layout, mapping: mapping, stagePrefix: stagePrefix,
                                      addedColumns: request.addedColumns, gatherBelowRows: settings.gatherTasksBelowRows,
                                      insertSettings: layout.partitionKey == nil ? [:] : partitionedInsertSettings,
                                      curated: curated, replacedDays: days)
        var summary = "\(settings.database).\(table)"
        // A plan shows no run's names: no run will have them.
        let copy = request.runID == SinkTableRequest.planOnlyRunID ? "a copy of its own" : loadTable
        if request.replacesContents {
            summary += " (reloaded into \(copy), then swapped in)"
        } else if let days {
            summary += " (days \(days.description) loaded into \(copy), then replaced)"
        }
        if let curated { summary += ", then \(curated.qualifiedName)" }
        return SinkTarget(table: request.table.name, summary: summary, work: try .json(kind: ClickHouseTarget.kind, target))
    }

    /// The curated table of `table`, unless the sink or the table turned the layer off.
    private func curatedLayer(of table: TableConfig, layout: CleanLayout, run: String) throws(SluiceError) -> CuratedLayer? {
        guard settings.curatedLayer, table.curated.enabled else { return nil }
        let curated = CuratedLayer(config: table.curated, database: settings.curatedDatabase, cleanDatabase: settings.database,
                                   cleanTable: table.target, layout: layout, run: run)
        if curated.database == settings.database && curated.table == table.target {
            throw SluiceError(.configInvalid,
                              "the curated table of \(table.name) would be its clean table \(curated.qualifiedName); give sink.clickhouse.curated_database another database or the table a curated.table name",
                              context: ErrorContext(table: table.name))
        }
        return curated
    }

    public func prepare(_ sinkTarget: SinkTarget) async throws(SluiceError) {
        let target = try decode(sinkTarget)
        try await client.createDatabase(target.database)
        if let curated = target.curated { try await client.createDatabase(curated.database) }
        try await dropLeftovers(of: target)
        if target.replaces {
            try await client.execute(ClickHouseDDL.dropTable(database: target.database, table: target.loadTable))
        } else {
            try await checkExisting(target, name: sinkTarget.table)
            try await client.execute(try target.createLoadTable(named: target.table))
            if target.loadsCopy { try await client.execute(ClickHouseDDL.dropTable(database: target.database, table: target.loadTable)) }
        }
        try await client.execute(try target.createLoadTable())
    }

    public func commit(_ receipt: ConnectorPayload, into sinkTarget: SinkTarget) async throws(SluiceError) -> UInt64 {
        let target = try decode(sinkTarget)
        let staged = try receipt.decodeJSON(ClickHouseStageReceipt.self, kind: ClickHouseTarget.kind)
        guard staged.stageTable.hasPrefix(target.stagePrefix) else {
            throw SluiceError(.invalidRunPlan, "receipt names \(staged.stageTable), which is not a staging table of this run",
                              context: ErrorContext(table: sinkTarget.table))
        }
        if staged.rows < target.gatherBelowRows {
            // Committed now, attached with the other small tasks when the table finishes (``gather(_:)``).
            try await client.execute(ClickHouseDDL.rename(database: target.database,
                                                          [(staged.stageTable, target.gatheredPiece(of: staged.stageTable))]))
            return staged.rows
        }
        try await attach(staged.stageTable, into: target)
        return staged.rows
    }

    /// Attaches every part of `source` (a table of the load table's structure) to the load table, then drops it.
    private func attach(_ source: String, into target: ClickHouseTarget) async throws(SluiceError) {
        if target.layout.partitionKey == nil {
            try await client.execute(ClickHouseDDL.attachAll(database: target.database, into: target.loadTable, from: source))
        } else {
            for partition in try await partitions(of: source, in: target.database) {
                try await client.execute(ClickHouseDDL.partition(.attach, database: target.database, table: target.loadTable,
                                                                 id: partition, from: source))
            }
        }
        try await client.execute(ClickHouseDDL.dropTable(database: target.database, table: source))
    }

    /// The small tasks committed so far, inserted together into one table (100 at a time) and attached: a run of many
    /// small tasks adds one part to the table instead of one per task. The pieces are dropped once attached; a driver
    /// killed before that leaves them to the table's next run, which drops them with the other leftovers.
    private func gather(_ target: ClickHouseTarget, name: String) async throws(SluiceError) {
        let pieces = try await client.tableNames(in: target.database, startingWith: [target.gatheredPrefix])
        guard pieces.count > 1 else {
            if let piece = pieces.first { try await attach(piece, into: target) }
            return
        }
        let gathered = target.gatheredTable
        try await client.execute(ClickHouseDDL.dropTable(database: target.database, table: gathered))
        try await client.execute(try target.createGatheredTable())
        let columns = target.layout.fields.map { ClickHouseSQL.identifier($0.name) }.joined(separator: ", ")
        let into = ClickHouseSQL.qualifiedName(database: target.database, table: gathered)
        for start in stride(from: 0, to: pieces.count, by: 100) {
            let selects = pieces[start..<min(start + 100, pieces.count)].map {
                "SELECT \(columns) FROM \(ClickHouseSQL.qualifiedName(database: target.database, table: $0))"
            }
            try await client.execute("INSERT INTO \(into) (\(columns)) " + selects.joined(separator: " UNION ALL "),
                                     settings: target.insertSettings)
        }
        let expected = try await client.value("SELECT " + pieces.map {
            "(SELECT count() FROM \(ClickHouseSQL.qualifiedName(database: target.database, table: $0)))"
        }.joined(separator: " + "))
        let held = try await client.value("SELECT count() FROM \(into)")
        guard held == expected else {
            throw SluiceError(.clickHouseServer, "gathering \(pieces.count) small tasks into \(target.database).\(gathered) kept \(held ?? "?") of their \(expected ?? "?") rows",
                              context: ErrorContext(table: name))
        }
        try await attach(gathered, into: target)
        for piece in pieces { try await client.execute(ClickHouseDDL.dropTable(database: target.database, table: piece)) }
        logger.info("table.tasks.gathered", metadata: ["sluice.table": "\(name)", "sluice.tasks": "\(pieces.count)", "sluice.rows": "\(held ?? "")"])
    }

    public func discard(_ receipt: ConnectorPayload, of sinkTarget: SinkTarget) async {
        guard let target = try? decode(sinkTarget),
              let staged = try? receipt.decodeJSON(ClickHouseStageReceipt.self, kind: ClickHouseTarget.kind),
              staged.stageTable.hasPrefix(target.stagePrefix)
        else { return }
        try? await client.execute(ClickHouseDDL.dropTable(database: target.database, table: staged.stageTable))
    }

    public func finish(_ sinkTarget: SinkTarget) async throws(SluiceError) {
        let target = try decode(sinkTarget)
        try await gather(target, name: sinkTarget.table)
        if target.replaces {
            try await swap(database: target.database, table: target.table, with: target.loadTable, retiring: target.retiredTable)
            logger.info("table.swapped", metadata: ["sluice.table": "\(sinkTarget.table)"])
        }
        if let days = target.replacedDays {
            try await replace(days, of: target, name: sinkTarget.table)
        }
        if let curated = target.curated {
            try await build(curated, of: sinkTarget.table)
        }
    }

    /// An append run's days: each day the load table holds replaces that day of the table, and each day of the
    /// range the table holds but the load table does not (every row of it deleted at the source) is dropped. A
    /// driver killed half-way leaves some days replaced and the bookmark where it was; the next run re-reads and
    /// replaces them all again.
    private func replace(_ days: DayPartitions, of target: ClickHouseTarget, name: String) async throws(SluiceError) {
        let loaded = try await partitions(of: target.loadTable, in: target.database)
        let held = try await partitions(of: target.table, in: target.database).filter(days.contains)
        for id in loaded {
            try await client.execute(ClickHouseDDL.partition(.replace, database: target.database, table: target.table,
                                                             id: id, from: target.loadTable))
        }
        for id in held where !loaded.contains(id) {
            try await client.execute(ClickHouseDDL.partition(.drop, database: target.database, table: target.table, id: id))
        }
        try await client.execute(ClickHouseDDL.dropTable(database: target.database, table: target.loadTable))
        logger.info("table.days.replaced", metadata: ["sluice.table": "\(name)", "sluice.days": "\(days.description)",
                                                      "sluice.replaced": "\(loaded.count)", "sluice.dropped": "\(held.filter { !loaded.contains($0) }.count)"])
    }

    /// The ids of the partitions that hold rows of `table`, in order.
    private func partitions(of table: String, in database: String) async throws(SluiceError) -> [String] {
        try await client.rows("""
            SELECT DISTINCT partition_id FROM system.parts WHERE database = \(ClickHouseSQL.stringLiteral(database))
            AND table = \(ClickHouseSQL.stringLiteral(table)) AND active ORDER BY partition_id
            """).compactMap { $0.first ?? nil }
    }

    /// Builds the curated table anew from the clean layer and swaps it in (see ``CuratedLayer``).
    private func build(_ curated: CuratedLayer, of name: String) async throws(SluiceError) {
        let started = ContinuousClock.now
        do throws(SluiceError) {
            for statement in curated.buildStatements { try await client.execute(statement) }
        } catch {
            try? await client.execute(ClickHouseDDL.dropTable(database: curated.database, table: curated.buildTable))
            throw SluiceError(error.code, "building the curated table \(curated.qualifiedName) failed: \(error.message)",
                              context: ErrorContext(table: name).merged(into: error.context), underlying: error.underlying,
                              retryable: error.retryable)
        }
        let rows = try await client.value(
            "SELECT count() FROM \(ClickHouseSQL.qualifiedName(database: curated.database, table: curated.buildTable))")
        try await swap(database: curated.database, table: curated.table, with: curated.buildTable, retiring: curated.retiredTable)
        logger.info("curated.built", metadata: ["sluice.table": "\(name)", "sluice.curated": "\(curated.qualifiedName)",
                                                "sluice.rows": "\(rows ?? "?")", "sluice.seconds": "\(Self.seconds(started.duration(to: .now)))"])
    }

    /// Puts `replacement` in the place of `table` with one `RENAME` (the old table, if any, is dropped after).
    private func swap(database: String, table: String, with replacement: String, retiring retired: String) async throws(SluiceError) {
        if try await tableExists(database, table) {
            try await client.execute(ClickHouseDDL.dropTable(database: database, table: retired))
            try await client.execute(ClickHouseDDL.rename(database: database, [(table, retired), (replacement, table)]))
            try await client.execute(ClickHouseDDL.dropTable(database: database, table: retired))
        } else {
            try await client.execute(ClickHouseDDL.rename(database: database, [(replacement, table)]))
        }
    }

    public func cleanUp(_ sinkTarget: SinkTarget, succeeded: Bool) async {
        guard let target = try? decode(sinkTarget) else { return }
        let leftovers = (try? await client.tableNames(in: target.database, startingWith: [target.stagePrefix])) ?? []
        for name in leftovers {
            try? await client.execute(ClickHouseDDL.dropTable(database: target.database, table: name))
        }
        if target.loadsCopy && !succeeded {
            try? await client.execute(ClickHouseDDL.dropTable(database: target.database, table: target.loadTable))
        }
    }

    /// Staging tables and reload copies an earlier run of this table left behind (a driver killed mid-run): no
    /// other run of the same table can be under way, since two would race for its bookmark.
    private func dropLeftovers(of target: ClickHouseTarget) async throws(SluiceError) {
        let names = try await client.tableNames(in: target.database, startingWith: ["stage", "reload", "append", "old"].map {
            target.table + "__sluice_\($0)_"
        })
        for name in names where name != target.loadTable {
            try await client.execute(ClickHouseDDL.dropTable(database: target.database, table: name))
            logger.info("table.leftover.dropped", metadata: ["sluice.table": "\(target.database).\(name)"])
        }
        guard let curated = target.curated else { return }
        for name in try await client.tableNames(in: curated.database, startingWith: curated.leftoverPrefixes) {
            try await client.execute(ClickHouseDDL.dropTable(database: curated.database, table: name))
            logger.info("table.leftover.dropped", metadata: ["sluice.table": "\(curated.database).\(name)"])
        }
    }

    private func decode(_ target: SinkTarget) throws(SluiceError) -> ClickHouseTarget {
        try target.work.decodeJSON(ClickHouseTarget.self, kind: ClickHouseTarget.kind)
    }

    private func tableExists(_ database: String, _ name: String) async throws(SluiceError) -> Bool {
        try await client.tableExists(database: database, table: name)
    }

    /// An existing target must have exactly the layout's columns: a schema change is reported, never papered over.
    /// Columns schema evolution added are the exception: the table gains them first, each after the column that
    /// precedes it in the layout.
    /// Whether a table whose columns differ from what `mapping` expects has, for some column, the type the legacy
    /// mapping gives it: a table made before the server was upgraded.
    static func hasLegacyTypes(_ actual: [(name: String, type: String)], fields: [Field], mapping: ClickHouseTypeMapping) -> Bool {
        guard !mapping.isLegacy else { return false }
        let legacy = ClickHouseTypeMapping.legacy.withLowCardinality(mapping.lowCardinalityColumns)
        return fields.contains { field in
            let modern = mapping.type(for: field), old = legacy.type(for: field)
            guard modern != old, let column = actual.first(where: { $0.name == field.name }) else { return false }
            return old.isWireCompatible(withTableType: column.type)
        }
    }

    private func checkExisting(_ target: ClickHouseTarget, name: String) async throws(SluiceError) {
        var actual = try await client.tableColumns(database: target.database, table: target.table)
        guard !actual.isEmpty else { return }
        let mapping = target.mapping
        for added in target.addedColumns where !actual.contains(where: { $0.name == added }) {
            guard let sql = target.addColumn(added) else { continue }
            try await client.execute(sql)
            logger.info("table.column.added", metadata: ["sluice.table": "\(name)", "sluice.column": "\(added)"])
            actual = try await client.tableColumns(database: target.database, table: target.table)
        }
        let expected = target.layout.fields.map { ClickHouseColumnCheck.Expected(field: $0, type: mapping.type(for: $0)) }
        let check = ClickHouseColumnCheck(expected: expected, actual: actual, exact: true)
        guard check.problems.isEmpty else {
            let advice = Self.hasLegacyTypes(actual, fields: target.layout.fields, mapping: mapping)
                ? "; it holds the legacy (18.16) types, so it was made on an older server or with type_mapping: legacy: "
                    + "set sink.clickhouse.type_mapping: legacy to keep loading it, or migrate or drop it"
                : "; migrate or drop the table"
            throw SluiceError(
                .clickHouseSchemaMismatch,
                "\(target.database).\(target.table) exists but does not hold the declared schema: "
                    + check.problems.joined(separator: "; ") + advice,
                context: ErrorContext(table: name, column: check.firstColumn))
        }
    }
}
