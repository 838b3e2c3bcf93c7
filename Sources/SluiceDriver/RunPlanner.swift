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
    /// The earlier run this one resumes, if any.
    public var resume: RunResume?

    public init(pipeline: PipelineConfig, runID: String, options: TableDecision.Options, source: any SourceRun, sink: any Sink,
                bookmarks: any BookmarkStore, resume: RunResume? = nil) {
        self.resume = resume
        self.pipeline = pipeline
        self.runID = runID
        self.options = options
        self.source = source
        self.sink = sink
        self.bookmarks = bookmarks
    }

    /// The table's run, its tasks numbered from `firstTaskID`; `children` are the tables read with it
    /// (`parent: <this table>`), planned with it.
    public func plan(_ declared: TableConfig, children declaredChildren: [TableConfig] = [], firstTaskID: UInt64) async throws(SluiceError)
        -> TableRun
    {
        let stored = declared.cursor == nil ? nil : try await bookmarks.load(table: declared.name)
        let described = try await source.describe(declared)
        let (table, added, clashes) = Self.evolve(declared, with: described)
        let source = self.source
        // A table whose cursor each file's location gives: its ledger says which files are loaded.
        let tracked = described.cursorKind == nil ? nil : try await source.trackedFiles(table)
        // A backfill or full reload reads every file and starts the ledger over: it does not read it (so it also
        // mends one that cannot be read).
        let startsOver = options.mode == .backfill || options.mode == .fullReload
        let ledger = tracked == nil || startsOver ? FileLedger.none : try await bookmarks.fileLedger(table: table.name)
        let decision = try await TableDecision.decide(table: table, cursorKind: described.cursorKind, stored: stored, options: options,
                                                      unloadedFloor: tracked.flatMap(ledger.unloadedFloor(of:))) { (window) throws(SluiceError) in
            guard let kind = described.cursorKind else { return nil }
            return try await source.cursorBounds(table, kind: kind, within: window)
        }
        var (transform, joinWarnings) = try await planTransform(table, described: described, rejected: decision.deletedRows)

        // Children: each read with every partition, following the parent's decision.
        let parentVersion = table.cursor.flatMap { table.column(named: $0) }.map {
            Field(name: StagedColumns.parentVersion, type: $0.type, nullable: true)
        }
        var children: [ChildPlan] = []
        for child in declaredChildren {
            children.append(try await planChild(child, of: table, decision: decision, parentVersion: parentVersion,
                                                parentColumns: transform.spec.outputs.map(\.field), cursorKind: described.cursorKind))
        }
        let related = children.map { RelatedRequest(table: $0.table, schema: $0.transform.spec.input, childKey: $0.childKeySource,
                                                    parentKey: $0.parentKeySource) }
        let selection = tracked.map { ledger.selection(for: decision, listed: $0) }
        var request = ReadRequest(
            table: table, window: decision.window, deletedRows: decision.deletedRows, schema: transform.spec.input,
            cursorKind: described.cursorKind, conditions: transform.pushableConditions, related: related)
        request.skippedFiles = selection?.skipped ?? []
        let read = try await source.partitions(request)
        transform.sourceEvaluates(read.pushedConditions)
        var partitions = read.partitions
        let target = try sink.target(for: SinkTableRequest(
            table: table, runID: runID, replacesContents: decision.replacement == .whole, stagedSchema: transform.spec.outputSchema,
            cursorKind: described.cursorKind, addedColumns: added, replacedDays: decision.replacedDays))
        var reconciliations: [ReconcileSpec] = []
        for validation in table.validations {
            guard let reconcile = validation.reconcile else { continue }
            guard let child = children.first(where: { $0.table.name == reconcile.child }) else {
                throw SluiceError(.configInvalid, "validation \(validation.name) reconciles with \(reconcile.child), which is not a child of \(table.name) (declare it with parent: {table: \(table.name), on: {...}})",
                                  context: ErrorContext(table: table.name))
            }
            reconciliations.append(try ReconcileSpec.plan(validation, parent: Schema(transform.spec.outputs.map(\.field)),
                                                          child: Schema(child.transform.spec.outputs.map(\.field))))
        }
        let work = TableWork(
            table: table.name, transform: transform.spec, stages: [.temporalBounds(TemporalRule.rules(for: table, limits: sink.limits))],
            cursor: table.cursor, cursorKind: described.cursorKind, specialValues: table.specialValues, sink: target.work,
            children: children.map { ChildLink(table: $0.table.name, parentKey: $0.parentKey, childKey: $0.childKey) },
            reconciliations: reconciliations)
        var warnings = described.warnings + clashes + transform.warnings + joinWarnings
        let undeclared = described.undeclaredColumns(of: declared, used: transform.used)
        if !undeclared.isEmpty, table.schemaEvolution == .report {
            warnings.append("source columns not loaded: " + undeclared.map { "\($0.name) (\($0.sourceType))" }.joined(separator: ", ")
                            + "; declare them, list them in ignore_columns, or set schema_evolution: add_columns")
        }
        let resumed = try resumePoint(of: table, decision: decision, works: [work] + children.map(\.work),
                                      cursorKind: described.cursorKind)
        var filesRead = read.files
        if let replanned = resumed?.partitions {
            partitions = []
            for partition in replanned { partitions.append(try source.rebind(partition)) }
            filesRead = partitions.flatMap(\.files)
        }
        var tasks: [TaskSpec] = []
        for (index, partition) in partitions.enumerated() {
            var task = TaskSpec(id: firstTaskID + UInt64(index), attempt: 1, runID: runID, table: table.name, partitionIndex: UInt32(index),
                                partitionCount: UInt32(partitions.count), read: partition.read, shardPath: shardPath(table.name, index),
                                related: zip(children, partition.related).map { child, read in
                                    RelatedRead(table: child.table.name, read: read, shardPath: shardPath(child.table.name, index))
                                })
            if let resumed, let staged = resumed.reusable[index] {
                // Staged again from the earlier run's shards, not read: the executor sees a staged-shards read.
                task.read = try StagedShardRead(run: resumed.run, maxCursor: staged.maxCursor, shards: staged.shards).payload()
            }
            tasks.append(task)
        }
        let childRuns = children.map { child in
            TableRun(config: child.table, decision: decision, source: child.described, target: child.target, partitions: partitions,
                     work: child.work, stored: nil, tasks: tasks, warnings: child.warnings, parent: table.name,
                     filter: FilterPlacement(executors: child.transform.onExecutors))
        }
        var run = TableRun(config: table, decision: decision, source: described, target: target, partitions: partitions,
                           work: work, stored: stored, tasks: tasks, warnings: warnings + (resumed?.notes ?? []), addedColumns: added,
                           filter: FilterPlacement(source: transform.pushed, executors: transform.onExecutors), children: childRuns)
        if let resumed, resumed.partitions != nil { run.resumed(from: resumed.run, partitions: Set(resumed.reusable.keys), bookmarkCap: resumed.bookmarkCap) }
        run.fileLedgerEntries = selection?.entries(read: filesRead)
        if let tracked, let selection {
            let loaded = tracked.filter { selection.skipped.contains($0.version) }.count
            run.fileLedgerSummary = "\(filesRead.count) of \(tracked.count) file\(tracked.count == 1 ? "" : "s") to read, \(loaded) loaded before"
                + (run.fileLedgerEntries?.startingOver == true ? "; the ledger starts over with them" : "")
        }
        return run
    }

    /// What this run takes over from the run it resumes for `table`: its partitions, and the tasks whose shards are
    /// still there to stage as they are. Nil when nothing can be taken over (a warning then says why, when the
    /// earlier run planned the table at all).
    func resumePoint(of table: TableConfig, decision: TableDecision, works: [TableWork], cursorKind: CursorKind?) throws(SluiceError)
        -> ResumedTable?
    {
        guard let resume, let manifest = resume.manifests[table.name] else { return nil }
        let from = "run \(resume.run)"
        guard manifest.decision == decision.resumeKey else {
            return ResumedTable(run: resume.run, notes: ["not resumed from \(from): its bookmark or mode differs now (\(manifest.decision)); every partition is read again"])
        }
        guard manifest.work == ShardManifests.fingerprint(works) else {
            return ResumedTable(run: resume.run, notes: ["not resumed from \(from): the table's columns, transform or checks changed since; every partition is read again"])
        }
        let (reusable, problems) = resume.reusableShards(of: manifest, needsCursor: cursorKind != nil)
        var cap: CursorValue?
        if let cursorKind {
            for staged in reusable.values {
                guard let text = staged.maxCursor, let value = CursorValue(text: text, kind: cursorKind) else {
                    throw SluiceError(.bookmarkInvalid, "the manifest of \(from) records cursor '\(staged.maxCursor ?? "")', which is not a \(cursorKind.rawValue) value",
                                      context: ErrorContext(table: table.name, column: table.cursor))
                }
                cap = max(cap ?? value, value)
            }
        }
        var notes = ["resumed from \(from): \(reusable.count) of \(manifest.partitions.count) partitions staged from its shards, the others read now"]
        notes += problems.map { "not reused from \(from): \($0)" }
        return ResumedTable(run: resume.run, partitions: manifest.partitions.map(\.sourcePartition), reusable: reusable,
                            bookmarkCap: cap, notes: notes)
    }

    /// A table's share of a resumed run.
    struct ResumedTable {
        var run: String
        /// The earlier run's partitions; nil when the table is not resumed (it is planned anew).
        var partitions: [SourcePartition]?
        var reusable: [Int: ShardManifest.TaskShards] = [:]
        var bookmarkCap: CursorValue?
        var notes: [String]

        init(run: String, partitions: [SourcePartition]? = nil, reusable: [Int: ShardManifest.TaskShards] = [:],
             bookmarkCap: CursorValue? = nil, notes: [String]) {
            self.run = run
            self.partitions = partitions
            self.reusable = reusable
            self.bookmarkCap = bookmarkCap
            self.notes = notes
        }
    }

    func shardPath(_ table: String, _ index: Int) -> String {
        "\(pipeline.staging.directory)/\(runID)/\(table)/part-" + String(format: "%05d", index) + ".parquet"
    }

    /// A table's joins and transform, checked against the source.
    func planTransform(_ table: TableConfig, described: SourceTable, rejected: DeletedRows, parentVersion: Field? = nil,
                       parentColumns: [Field] = []) async throws(SluiceError) -> (TransformPlan, warnings: [String])
    {
        var joins: [JoinRead] = []
        var warnings: [String] = []
        for join in table.joins {
            let (read, joinWarnings) = try await planJoin(join, of: table, described: described)
            joins.append(read)
            warnings += joinWarnings
        }
        let transform = try TransformPlanner.plan(table, source: described, rejected: rejected, joins: joins, parentVersion: parentVersion,
                                                  parentColumns: parentColumns)
        return (transform, warnings)
    }

    /// A child table as its parent's tasks read it.
    struct ChildPlan {
        var table: TableConfig
        var described: SourceTable
        var transform: TransformPlan
        var target: SinkTarget
        var work: TableWork
        var warnings: [String]
        /// The staged (declared) key columns, and the source columns the read joins on.
        var parentKey: String
        var childKey: String
        var parentKeySource: String
        var childKeySource: String
    }

    func planChild(_ child: TableConfig, of parent: TableConfig, decision: TableDecision, parentVersion: Field?, parentColumns: [Field],
                   cursorKind: CursorKind?) async throws(SluiceError) -> ChildPlan {
        guard let link = child.parent, let parentColumn = parent.column(named: link.parentKey), parentColumn.expression == nil,
              let childColumn = child.column(named: link.childKey), childColumn.expression == nil else {
            throw SluiceError(.configInvalid, "\(child.name) refers to its parent \(parent.name) by columns both tables read from the source",
                              context: ErrorContext(table: child.name))
        }
        let described = try await source.describe(child)
        let (plan, joinWarnings) = try await planTransform(child, described: described, rejected: decision.deletedRows,
                                                           parentVersion: parentVersion, parentColumns: parentColumns)
        var transform = plan
        transform.sourceEvaluates([])
        let target = try sink.target(for: SinkTableRequest(
            table: child, runID: runID, replacesContents: decision.replacement == .whole, stagedSchema: transform.spec.outputSchema,
            cursorKind: cursorKind, versionColumn: parentVersion?.name))
        let work = TableWork(
            table: child.name, transform: transform.spec, stages: [.temporalBounds(TemporalRule.rules(for: child, limits: sink.limits))],
            cursor: nil, cursorKind: nil, specialValues: child.specialValues, sink: target.work)
        var warnings = described.warnings + transform.warnings + joinWarnings
        let undeclared = described.undeclaredColumns(of: child, used: transform.used)
        if !undeclared.isEmpty {
            warnings.append("source columns not loaded: " + undeclared.map { "\($0.name) (\($0.sourceType))" }.joined(separator: ", ")
                            + "; declare them, or list them in ignore_columns")
        }
        return ChildPlan(table: child, described: described, transform: transform, target: target, work: work, warnings: warnings,
                         parentKey: link.parentKey, childKey: link.childKey, parentKeySource: parentColumn.source,
                         childKeySource: childColumn.source)
    }

    /// What the source reads of a join's small table: checked against its declaration, counted against `max_rows`
    /// in the run's view, and read whole by one partition.
    func planJoin(_ join: JoinConfig, of table: TableConfig, described: SourceTable) async throws(SluiceError)
        -> (JoinRead, warnings: [String])
    {
        let joined = try TransformPlanner.joinedTable(join, of: table, source: described)
        let context = ErrorContext(table: table.name)
        let small: SourceTable
        do {
            small = try await source.describe(joined)
        } catch {
            throw SluiceError(error.code, "join \(join.name): \(error.message)", context: error.context.merged(into: context),
                              underlying: error.underlying, retryable: error.retryable)
        }
        let rows = try await source.countRows(joined)
        guard rows <= Int64(join.maxRows) else {
            throw SluiceError(.configInvalid,
                              "join \(join.name): \(small.name) has \(rows) rows, more than max_rows \(join.maxRows); a broadcast join holds the whole table in memory on every executor, so raise max_rows only if that fits",
                              context: context)
        }
        let schema = Schema(joined.columns.map { Field(name: $0.source, type: $0.type, nullable: true) })
        let plan = try await source.partitions(ReadRequest(table: joined, window: .everything, deletedRows: .exclude, schema: schema,
                                                           cursorKind: nil))
        guard plan.partitions.count == 1, let partition = plan.partitions.first else {
            throw SluiceError(.internalError, "join \(join.name): the source split the small table into \(plan.partitions.count) partitions",
                              context: context)
        }
        let warnings = small.warnings.filter { $0.contains("primary key") }.map { _ in
            "join \(join.name): \(join.remoteKey) has no unique index or constraint in \(small.name); a key found twice fails the tasks"
        }
        return (JoinRead(name: join.name, read: partition.read, readSchema: schema), warnings)
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
