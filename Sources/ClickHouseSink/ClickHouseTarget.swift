import Foundation
public import SluiceCore

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
    /// A task that staged fewer rows waits for the table's end, when all such tasks are inserted as one.
    public var gatherBelowRows: UInt64 = 0
    /// ClickHouse settings the inserts into this table's staging tables carry.
    public var insertSettings: [String: String] = [:]
    /// The curated table built from the clean table when the run's tasks have committed; nil without one.
    public var curated: CuratedLayer?

    /// For an append table's incremental run or range reload: the days (partitions) the load table's rows replace.
    public var replacedDays: DayPartitions?

    /// Whether the run loads a whole new copy of the table and swaps it in (a full reload).
    public var replaces: Bool { loadTable != table && replacedDays == nil }
    /// Whether the run loads into a table of its own (a full reload's copy, an append run's days).
    public var loadsCopy: Bool { loadTable != table }

    /// The staging table of one task attempt.
    public func stageTable(task: UInt64, attempt: UInt32) -> String { stagePrefix + "t\(task)_a\(attempt)" }

    /// What a small task's staging table is renamed to when it is committed: committed, but not yet attached.
    func gatheredPiece(of stageTable: String) -> String { stagePrefix + Self.gatheredInfix + stageTable.dropFirst(stagePrefix.count) }

    /// The committed small tasks' staging tables start with this.
    var gatheredPrefix: String { stagePrefix + Self.gatheredInfix }

    /// The table the small tasks' rows are inserted into together, then attached.
    var gatheredTable: String { stagePrefix + "gathered" }

    static let gatheredInfix = "committed_"

    /// The run id as it appears in table names: letters and digits, the rest `_`.
    static func nameSafe(_ runID: String) -> String { String(runID.map { $0.isLetter || $0.isNumber ? $0 : "_" }) }
}

/// What a task staged: the staging table holding its rows (kind `clickhouse`, JSON).
public struct ClickHouseStageReceipt: Sendable, Hashable, Codable {
    public var stageTable: String
    public var rows: UInt64
}

/// The day partitions (`toYYYYMMDD` of the cursor, as ClickHouse names them: `20240131`) an append run replaces:
/// from ``first`` to ``last``, each end open when nil.
public struct DayPartitions: Sendable, Hashable, Codable {
    public var first: Int?
    public var last: Int?

    public init(first: Int?, last: Int?) {
        self.first = first
        self.last = last
    }

    /// The days of a window widened to whole days (``SluiceCore/CursorWindow/widenedToWholeDays()``).
    public init(window: CursorWindow) {
        func partition(days: Int64) -> Int {
            let civil = CivilTime.civil(days: days)
            return Int(civil.year) * 10_000 + civil.month * 100 + civil.day
        }
        func day(_ value: CursorValue) -> Int64 {
            value.kind == .date ? value.value : CivilTime.floorDivide(value.value, CivilTime.microsecondsPerDay).quotient
        }
        first = window.after.flatMap { $0.value == .max ? nil : partition(days: day($0.moved(by: 1))) }
        last = window.upTo.map { partition(days: day($0)) }
    }

    /// Whether the partition named `id` is one of these days.
    public func contains(_ id: String) -> Bool {
        guard let day = Int(id) else { return false }
        if let first, day < first { return false }
        if let last, day > last { return false }
        return true
    }

    /// `2024-01-31 ... 2024-02-02`, `2024-01-31 onwards`, for messages.
    public var description: String {
        func text(_ id: Int) -> String { String(format: "%04d-%02d-%02d", id / 10_000, id / 100 % 100, id % 100) }
        switch (first, last) {
        case let (first?, last?): return "\(text(first)) ... \(text(last))"
        case let (first?, nil): return "\(text(first)) onwards"
        case let (nil, last?): return "up to \(text(last))"
        case (nil, nil): return "every day"
        }
    }
}
