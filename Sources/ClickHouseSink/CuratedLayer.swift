public import SluiceConfig
public import SluiceCore

/// How one table's curated (warehouse) table is built from its clean table, decided by the driver when it plans
/// the run. Pure: it produces SQL text; ``ClickHouseWarehouse`` runs it after every task of the table committed.
///
/// The build is a whole new table, swapped in by one `RENAME`:
///
/// ```sql
/// DROP TABLE IF EXISTS curated.orders__sluice_build_<run>
/// CREATE TABLE curated.orders__sluice_build_<run> ENGINE = MergeTree [PARTITION BY ...] ORDER BY (id)
///     AS SELECT ... FROM (SELECT ..., _sluice_deleted FROM clean.orders FINAL) WHERE _sluice_deleted = 0
/// RENAME TABLE curated.orders TO curated.orders__sluice_old_<run>, curated.orders__sluice_build_<run> TO curated.orders
/// DROP TABLE curated.orders__sluice_old_<run>
/// ```
///
/// Every step can run again with the same result, so a retried run or a restarted driver rebuilds the same
/// table; readers see the old table or the new one, never a half-built one (docs/clickhouse.md says why this
/// and not `REPLACE PARTITION` or version-based dedup).
public struct CuratedLayer: Sendable, Hashable, Codable {
    public var database: String
    public var table: String
    /// The `SELECT` whose rows the curated table holds, placeholders expanded.
    public var query: String
    public var orderBy: [String]
    public var partitionBy: String?
    /// The table being built, swapped in when complete.
    public var buildTable: String
    /// The name the previous curated table takes during the swap, dropped right after.
    public var retiredTable: String

    /// Build tables and retired tables of any run of this curated table start with these.
    public var leftoverPrefixes: [String] { [table + Self.buildInfix, table + Self.retiredInfix] }

    static let buildInfix = "__sluice_build_"
    static let retiredInfix = "__sluice_old_"

    /// - Parameters:
    ///   - config: the table's `curated` section.
    ///   - database: the curated database.
    ///   - clean: the clean table (database and name) and its layout.
    ///   - run: the run id as it appears in table names.
    public init(config: CuratedConfig, database: String, cleanDatabase: String, cleanTable: String, layout: CleanLayout,
                run: String) {
        self.database = database
        table = config.table ?? cleanTable
        let clean = ClickHouseSQL.qualifiedName(database: cleanDatabase, table: cleanTable)
        let live = Self.liveRows(of: clean, layout: layout)
        if let select = config.select {
            query = CuratedConfig.expand(select) { name in
                switch name {
                case CuratedConfig.livePlaceholder: "(\(live))"
                case CuratedConfig.cleanPlaceholder: clean
                default: nil
                }
            } ?? select
        } else {
            query = live
        }
        orderBy = config.orderBy ?? layout.orderBy
        partitionBy = config.partitionBy
        buildTable = table + Self.buildInfix + run
        retiredTable = table + Self.retiredInfix + run
    }

    /// The live rows of a clean table: the newest version of each key (`FINAL`), soft-deleted rows left out,
    /// every clean column but the two Sluice keeps for itself. The flag is tested outside the `FINAL` query, so
    /// that no server can apply it before the versions are folded (an explicit `PREWHERE` would, on 18.16,
    /// and bring an older, undeleted version back).
    /// An append table's rows are all live: no versions to fold, no deleted flag set.
    static func liveRows(of clean: String, layout: CleanLayout) -> String {
        let columns = layout.fields.map(\.name).filter { $0 != CleanLayout.deletedColumn && $0 != CleanLayout.versionColumn }
            .map(ClickHouseSQL.identifier)
        let list = columns.joined(separator: ", ")
        if layout.appendOnly { return "SELECT \(list) FROM \(clean)" }
        let deleted = ClickHouseSQL.identifier(CleanLayout.deletedColumn)
        return "SELECT \(list) FROM (SELECT \(list), \(deleted) FROM \(clean) FINAL) WHERE \(deleted) = 0"
    }

    /// Drops a build table a killed attempt left, then builds the new one from the clean layer.
    public var buildStatements: [String] {
        var create = "CREATE TABLE \(ClickHouseSQL.qualifiedName(database: database, table: buildTable)) ENGINE = MergeTree()"
        if let partitionBy { create += " PARTITION BY " + partitionBy }
        create += " ORDER BY " + (orderBy.isEmpty ? "tuple()" : "(" + orderBy.map(ClickHouseSQL.identifier).joined(separator: ", ") + ")")
        create += " AS " + query
        return [ClickHouseDDL.dropTable(database: database, table: buildTable), create]
    }

    /// `curated.orders`, for messages and plans.
    public var qualifiedName: String { database + "." + table }
}
