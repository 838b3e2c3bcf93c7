public import SluiceCore

/// The tables of one table run, as statements: the driver's ``ClickHouseWarehouse`` and the executors'
/// ``ClickHouseStageWriter`` run exactly these, with the target's ``ClickHouseTarget/mapping``. Pure.
extension ClickHouseTarget {
    /// `CREATE TABLE IF NOT EXISTS` of the table tasks commit into (`name`: ``loadTable``, the default), or of the clean
    /// table itself when the run loads a copy of it: the clean layout, a `ReplacingMergeTree` versioned by
    /// `_sluice_version` (a plain `MergeTree` partitioned by day for an append table), ordered by the layout's sorting key.
    public func createLoadTable(named name: String? = nil) throws(SluiceError) -> String {
        try ClickHouseDDL.createTable(
            ClickHouseTableDefinition(database: database, name: name ?? loadTable, columns: layout.fields, engine: layout.engine,
                                      orderBy: layout.orderBy, partitionBy: layout.partitionKey),
            mapping: mapping)
    }

    /// `CREATE TABLE IF NOT EXISTS` of one task attempt's staging table: a plain `MergeTree` with the load table's
    /// columns, sorting key and partitions, so that its parts attach to the load table.
    public func createStageTable(task: UInt64, attempt: UInt32) throws(SluiceError) -> String {
        try createPlainTable(named: stageTable(task: task, attempt: attempt))
    }

    /// `CREATE TABLE IF NOT EXISTS` of the table the small tasks' rows are gathered into (see ``gatheredTable``).
    func createGatheredTable() throws(SluiceError) -> String {
        try createPlainTable(named: gatheredTable)
    }

    private func createPlainTable(named name: String) throws(SluiceError) -> String {
        try ClickHouseDDL.createTable(
            ClickHouseTableDefinition(database: database, name: name, columns: layout.fields, engine: .mergeTree,
                                      orderBy: layout.orderBy, partitionBy: layout.partitionKey),
            mapping: mapping)
    }

    /// `ALTER TABLE ... ADD COLUMN` of a column schema evolution added, placed after the column before it in the
    /// layout; nil for a name that is not a clean column after the first.
    public func addColumn(_ name: String) -> String? {
        guard let index = layout.fields.firstIndex(where: { $0.name == name }), index > 0 else { return nil }
        let field = layout.fields[index]
        return "ALTER TABLE \(ClickHouseSQL.qualifiedName(database: database, table: table)) ADD COLUMN "
            + "\(ClickHouseSQL.identifier(field.name)) \(mapping.type(for: field)) AFTER \(ClickHouseSQL.identifier(layout.fields[index - 1].name))"
    }
}
