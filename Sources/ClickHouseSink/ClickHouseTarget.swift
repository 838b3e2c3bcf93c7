
/// Where one table run loads in ClickHouse, as the driver decided it: the ``SluicePipeline/SinkTarget/work``
/// payload (kind `clickhouse`, JSON) that executors stage into and the driver commits from.
public struct ClickHouseTarget: Sendable, Hashable, Codable {
    public static let kind = "clickhouse"

    public var database: String
    /// The clean-layer table.
    public var table: String
    /// The table tasks commit into: ``table`` itself, or for a full reload a fresh copy swapped in at the end.
    public var loadTable: String
    /// The name the replaced table takes for a moment while a full reload is swapped in.
    public var retiredTable: String
    public var layout: CleanLayout
    /// The column types the driver chose for the server it connected to (and this table's LowCardinality columns):
    /// the executors' staging tables and Native blocks use exactly these.
    public var mapping: ClickHouseTypeMapping
    /// Staging tables of this run start with this (`orders__sluice_stage_<run>_`).
    public var stagePrefix: String
    /// Columns schema evolution added to the table: an existing table gains them before the run loads.
    public var addedColumns: [String] = []
    /// The curated table built from the clean table when the run's tasks have committed; nil without one.
    public var curated: CuratedLayer?

    public var replaces: Bool { loadTable != table }

    /// The staging table of one task attempt.
    public func stageTable(task: UInt64, attempt: UInt32) -> String { stagePrefix + "t\(task)_a\(attempt)" }

    /// The run id as it appears in table names: letters and digits, the rest `_`.
    static func nameSafe(_ runID: String) -> String { String(runID.map { $0.isLetter || $0.isNumber ? $0 : "_" }) }
}

/// What a task staged: the staging table holding its rows (kind `clickhouse`, JSON).
public struct ClickHouseStageReceipt: Sendable, Hashable, Codable {
    public var stageTable: String
    public var rows: UInt64
}
