import Foundation
public import SluiceConfig
public import SluiceCore
public import SluicePipeline

/// Plans one table run, once, before any task runs: reads the table's bookmark, has the source check the
/// table against its declaration, decides the mode and cursor window (``SluicePipeline/TableDecision``), has the
/// source split the window into partitions and the sink decide the target, and writes down what executors need.
public struct RunPlanner: Sendable {
    public let pipeline: PipelineConfig
    public let runID: String
    public let options: TableDecision.Options
    public let source: any SourceRun
    public let sink: any Sink
    public let bookmarks: any BookmarkStore

    public init(pipeline: PipelineConfig, runID: String, options: TableDecision.Options, source: any SourceRun, sink: any Sink,
                bookmarks: any BookmarkStore) {
        self.pipeline = pipeline
        self.runID = runID
        self.options = options
        self.source = source
        self.sink = sink
        self.bookmarks = bookmarks
    }

    /// The table's run, its tasks numbered from `firstTaskID`.
    public func plan(_ declared: TableConfig, firstTaskID: UInt64) async throws(SluiceError) -> TableRun {
        let stored = declared.cursor == nil ? nil : try await bookmarks.load(table: declared.name)
        let described = try await source.describe(declared)
        let (table, added, clashes) = Self.evolve(declared, with: described)
        let source = self.source
        let decision = try await TableDecision.decide(table: table, cursorKind: described.cursorKind, stored: stored,
                                                      options: options) { (window) throws(SluiceError) in
            guard let kind = described.cursorKind else { return nil }
            return try await source.cursorBounds(table, kind: kind, within: window)
        }
        var transform = try TransformPlanner.plan(table, source: described, rejected: decision.deletedRows)
        let read = try await source.partitions(ReadRequest(
            table: table, window: decision.window, deletedRows: decision.deletedRows, schema: transform.spec.input,
            cursorKind: described.cursorKind, conditions: transform.pushableConditions))
        transform.sourceEvaluates(read.pushedConditions)
        let partitions = read.partitions
        let target = try sink.target(for: SinkTableRequest(
            table: table, runID: runID, replacesContents: decision.mode == .fullReload, stagedSchema: transform.spec.outputSchema,
            cursorKind: described.cursorKind, addedColumns: added))
        let work = TableWork(
            table: table.name, transform: transform.spec, stages: [.temporalBounds(TemporalRule.rules(for: table, limits: sink.limits))],
            cursor: table.cursor, cursorKind: described.cursorKind, specialValues: table.specialValues, sink: target.work)
        var warnings = described.warnings + clashes + transform.warnings
        let undeclared = described.undeclaredColumns(of: declared, used: transform.used)
        if !undeclared.isEmpty, table.schemaEvolution == .report {
            warnings.append("source columns not loaded: " + undeclared.map { "\($0.name) (\($0.sourceType))" }.joined(separator: ", ")
                            + "; declare them, list them in ignore_columns, or set schema_evolution: add_columns")
        }
        let directory = "\(pipeline.staging.directory)/\(runID)/\(table.name)"
        let tasks = partitions.enumerated().map { index, partition in
            TaskSpec(id: firstTaskID + UInt64(index), attempt: 1, runID: runID, table: table.name, partitionIndex: UInt32(index),
                     partitionCount: UInt32(partitions.count), read: partition.read,
                     shardPath: directory + "/part-" + String(format: "%05d", index) + ".parquet")
        }
        return TableRun(config: table, decision: decision, source: described, target: target, partitions: partitions,
                        work: work, stored: stored, tasks: tasks, warnings: warnings, addedColumns: added,
                        filter: FilterPlacement(source: transform.pushed, executors: transform.onExecutors))
    }

    /// The table with the source's undeclared columns added when it evolves (`schema_evolution: add_columns`):
    /// nullable, of their natural type, after the declared columns. Returns the names added and the columns that
    /// could not be (their name is taken by a declared column).
    static func evolve(_ table: TableConfig, with source: SourceTable) -> (TableConfig, added: [String], problems: [String]) {
        guard table.schemaEvolution == .addColumns else { return (table, [], []) }
        var evolved = table
        var added: [String] = []
        var problems: [String] = []
        for column in source.undeclaredColumns(of: table) {
            guard let type = column.type else {
                problems.append("source column \(column.name) (\(column.sourceType)) has no type Sluice can load; it stays out (list it in ignore_columns)")
                continue
            }
            guard table.column(named: column.name) == nil else {
                problems.append("source column \(column.name) cannot be added: a declared column already has that name")
                continue
            }
            evolved.columns.append(ColumnConfig(name: column.name, type: type, nullable: true, sourceType: column.sourceType))
            added.append(column.name)
        }
        return (evolved, added, problems)
    }
}
