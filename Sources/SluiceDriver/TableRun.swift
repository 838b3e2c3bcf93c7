import Foundation
public import SluiceConfig
public import SluiceCore
public import SluicePipeline
public import SluiceReport

/// Where a table's filter runs: the conjuncts the source evaluates while reading, and the ones executors
/// evaluate (as written, for `sluice plan`).
public struct FilterPlacement: Sendable, Hashable {
    public var source: [String]
    public var executors: [String]

    public init(source: [String] = [], executors: [String] = []) {
        self.source = source
        self.executors = executors
    }
}

/// One table's run, from its plan to its end: everything the driver decided about the table (once, before any
/// task ran) and everything it learned while the table ran. The coordinator holds one per table and nothing
/// else about tables.
public struct TableRun: Sendable {
    public let config: TableConfig
    public let decision: TableDecision
    /// The source's description of the table (its cursor kind, its name there).
    public let source: SourceTable
    /// Where the table loads, as the sink decided it.
    public let target: SinkTarget
    public let partitions: [SourcePartition]
    /// What executors need about the table (sent in RUN_CONFIG).
    public let work: TableWork
    /// The bookmark read while planning.
    public let stored: Bookmark?
    /// One task per partition.
    public let tasks: [TaskSpec]
    /// What planning found that can lose or change rows without an error.
    public let warnings: [String]
    /// Columns schema evolution added this run.
    public let addedColumns: [String]
    /// Where the table's filter runs.
    public let filter: FilterPlacement
    /// For a child table: its parent, whose tasks read it (its ``tasks`` are the parent's).
    public let parent: String?
    /// The child tables read with this table's tasks.
    public internal(set) var children: [TableRun]
    public private(set) var report: TableReport
    /// For a resumed run: the earlier run whose shards some tasks stage as they are.
    public private(set) var resumedFrom: String?
    /// For a resumed run: the largest cursor value among the partitions staged from the earlier run's shards. Those
    /// rows were read at the earlier run's snapshot, so a row updated since in one of those partitions is not in this
    /// run; the bookmark stays at or below this value so that the next run reads it (``bookmarkAfter(results:now:runID:)``).
    public private(set) var bookmarkCap: CursorValue?
    /// Which view of the source each attempt read (more than one when the source lost its snapshot mid-run).
    public private(set) var views = ReadViewLedger()
    /// For a table whose files a ``SluicePipeline/FileLedger`` tracks: what its ledger records once the table loaded.
    public internal(set) var fileLedgerEntries: FileLedgerEntries?
    /// For such a table, what the ledger chose, for `sluice plan` (`3 of 5 files to read, 2 loaded before`).
    public internal(set) var fileLedgerSummary: String?

    public init(config: TableConfig, decision: TableDecision, source: SourceTable, target: SinkTarget,
                partitions: [SourcePartition], work: TableWork, stored: Bookmark?, tasks: [TaskSpec],
                warnings: [String] = [], addedColumns: [String] = [], parent: String? = nil,
                filter: FilterPlacement = FilterPlacement(), children: [TableRun] = []) {
        self.config = config
        self.decision = decision
        self.source = source
        self.target = target
        self.partitions = partitions
        self.work = work
        self.stored = stored
        self.tasks = tasks
        self.warnings = warnings
        self.addedColumns = addedColumns
        self.filter = filter
        self.parent = parent
        self.children = children
        var report = TableReport(table: config.name, mode: decision.mode)
        report.parent = parent
        report.warnings = warnings
        report.schemaChanges = addedColumns.map { name in
            "added column \(name) (\(config.column(named: name).map { "\($0.type)" } ?? "?"))"
        }
        report.target = target.summary
        report.bookmarkBefore = decision.bookmarkBefore?.text
        report.bookmarkAfter = report.bookmarkBefore
        report.tasks = zip(tasks, partitions).map { task, partition in
            TaskReport(task: task.id, partition: Int(task.partitionIndex), summary: partition.summary)
        }
        self.report = report
    }

    public var name: String { config.name }

    /// Some of the table's partitions (by index) are staged from `run`'s shards instead of read.
    mutating func resumed(from run: String, partitions: Set<Int>, bookmarkCap: CursorValue?) {
        resumedFrom = run
        self.bookmarkCap = bookmarkCap
        for index in report.tasks.indices where partitions.contains(report.tasks[index].partition) {
            report.tasks[index].reusedFrom = run
        }
        for index in children.indices { children[index].resumed(from: run, partitions: partitions, bookmarkCap: nil) }
    }

    // MARK: what happens to tasks

    /// The planning of the table (and its children, planned with it) took `seconds`.
    mutating func planningTook(_ seconds: Double) {
        report.stageSeconds.planning = seconds
        for index in children.indices { children[index].planningTook(seconds) }
    }

    /// An attempt was assigned, reading `view` of the source (nil: the source has one); `speculative` when it is a copy
    /// of a slow attempt that still runs.
    mutating func attemptStarted(_ task: TaskSpec, executor: String, speculative: Bool = false, at instant: RunInstant,
                                 view: ReadView? = nil) {
        views.record(task: task.id, attempt: task.attempt, view: view)
        update(task.id) {
            var attempt = AttemptReport(attempt: task.attempt, executor: executor, outcome: .running, started: instant)
            if speculative { attempt.speculative = true }
            $0.attempts.append(attempt)
        }
        for index in children.indices {
            children[index].attemptStarted(task, executor: executor, speculative: speculative, at: instant, view: view)
        }
    }

    /// The driver cancelled a running attempt that is not needed any more (another attempt of its task staged
    /// first, or its table ended): `why` says which.
    mutating func attemptCancelled(taskID: UInt64, attempt: UInt32, why: String, at instant: RunInstant) {
        updateAttempt(taskID, attempt) {
            $0.outcome = .cancelled
            $0.error = why
            if $0.endSeconds == nil { $0.ended(at: instant) }
        }
        for index in children.indices { children[index].attemptCancelled(taskID: taskID, attempt: attempt, why: why, at: instant) }
    }

    /// The attempt's result arrived (or, for tables that commit together, is being committed): it ended when the
    /// result first arrived.
    mutating func attemptStaged(_ result: TaskResult, at instant: RunInstant) {
        forEachOutput(of: result) { run, output in run.attemptEnded(result, output: output, outcome: .staged, at: instant, replacing: false) }
    }

    /// A result from an attempt that was replaced (or whose table ended): it ran until now.
    mutating func attemptSuperseded(_ result: TaskResult, at instant: RunInstant) {
        forEachOutput(of: result) { run, output in run.attemptEnded(result, output: output, outcome: .superseded, at: instant, replacing: true) }
    }

    private mutating func attemptEnded(_ result: TaskResult, output: TaskOutput, outcome: AttemptReport.Outcome, at instant: RunInstant,
                                       replacing: Bool) {
        updateAttempt(result.taskID, result.attempt) {
            $0.outcome = outcome
            $0.rowsExtracted = output.rowsExtracted
            $0.rowsStaged = output.rowsStaged
            $0.shardBytes = output.shardBytes
            $0.extractSeconds = Double(result.extractMicroseconds) / 1e6
            $0.loadSeconds = Double(result.loadMicroseconds) / 1e6
            if replacing || $0.endSeconds == nil { $0.ended(at: instant) }
        }
    }

    /// The attempt failed, its executor was lost, or its commit failed (then it keeps the end its result gave it).
    mutating func attemptFailed(taskID: UInt64, attempt: UInt32, error: SluiceError, lost: Bool, at instant: RunInstant) {
        updateAttempt(taskID, attempt) {
            $0.outcome = lost ? .lost : .failed
            $0.error = "\(error)"
            if $0.endSeconds == nil { $0.ended(at: instant) }
            $0.retryable = error.retryable
        }
        update(taskID) { task in if task.status != .committed { task.status = .failed } }
        for index in children.indices {
            children[index].attemptFailed(taskID: taskID, attempt: attempt, error: error, lost: lost, at: instant)
        }
    }

    /// A draining executor handed the attempt back unfinished: it runs again elsewhere, and nothing of it is kept.
    mutating func attemptHandedBack(taskID: UInt64, attempt: UInt32, at instant: RunInstant) {
        updateAttempt(taskID, attempt) {
            $0.outcome = .handedBack
            if $0.endSeconds == nil { $0.ended(at: instant) }
        }
        for index in children.indices { children[index].attemptHandedBack(taskID: taskID, attempt: attempt, at: instant) }
    }

    /// The task runs again as `task.attempt` after waiting `seconds`: the attempt before it says so.
    mutating func retryScheduled(_ task: TaskSpec, afterSeconds seconds: Double) {
        updateAttempt(task.id, task.attempt - 1) { $0.retryAfterSeconds = seconds }
        for index in children.indices { children[index].retryScheduled(task, afterSeconds: seconds) }
    }

    /// The output's staged rows are part of the sink now: they count as loaded whatever becomes of the table. The
    /// commit took `seconds`.
    mutating func committed(_ result: TaskResult, output: TaskOutput, rows: UInt64, seconds: Double) {
        report.stageSeconds.commit = (report.stageSeconds.commit ?? 0) + seconds
        updateAttempt(result.taskID, result.attempt) { $0.outcome = .committed }
        update(result.taskID) {
            $0.status = .committed
            $0.rowsLoaded = rows
        }
        report.rowsExtracted += output.rowsExtracted
        report.rowsStaged += output.rowsStaged
        report.rowsLoaded += rows
        report.rowsDeleted += output.rowsDeleted
        report.rowsDropped += output.rowsDropped
        report.rowsFiltered += output.rowsFiltered
        report.quarantined.merge(output.quarantined, uniquingKeysWith: +)
        if let file = output.quarantinePath { report.quarantineFiles.append(file) }
        report.shardBytes += output.shardBytes
        report.nulledValues.merge(output.nulledValues, uniquingKeysWith: +)
    }

    /// `body` on this table with the result's output, and on each child with its.
    private mutating func forEachOutput(of result: TaskResult, _ body: (inout TableRun, TaskOutput) -> Void) {
        body(&self, result.output)
        for index in children.indices {
            guard let output = result.related.first(where: { $0.table == children[index].name }) else { continue }
            body(&children[index], output)
        }
    }

    /// The table and its children, by name.
    func run(named table: String) -> TableRun? {
        table == name ? self : children.first { $0.name == table }
    }

    /// The sink's last step for this table (without its children) and the bookmark took `seconds`.
    mutating func finishTook(_ seconds: Double) {
        report.stageSeconds.finish = seconds
    }

    /// The table ended at `instant`: attempts still running are cancelled, and the extraction stage is the span of
    /// its attempts.
    mutating func finished(succeeded: Bool, error: SluiceError?, bookmarkAfter: String?, seconds: Double, at instant: RunInstant) {
        for index in children.indices {
            children[index].finished(succeeded: succeeded, error: error.map { error in
                error.restated("its parent \(name) failed: \(error.message)")
            }, bookmarkAfter: nil, seconds: seconds, at: instant)
        }
        for task in report.tasks.indices {
            for attempt in report.tasks[task].attempts.indices where report.tasks[task].attempts[attempt].outcome == .running {
                report.tasks[task].attempts[attempt].outcome = .cancelled
                report.tasks[task].attempts[attempt].ended(at: instant)
            }
        }
        report.stageSeconds.extraction = report.attemptWindow
        report.status = succeeded ? .succeeded : .failed
        report.error = error.map { "\($0)" }
        if succeeded { report.bookmarkAfter = bookmarkAfter }
        report.seconds = seconds
        for index in report.tasks.indices where report.tasks[index].status != .committed && report.tasks[index].status != .failed {
            report.tasks[index].status = .cancelled
        }
    }

    // MARK: the end of the table

    /// The table's tasks read more than one view of the source: the report says which partitions read which, and
    /// where that left the bookmark (``ReadViewLedger/note(results:partition:bookmarkCapped:)``).
    mutating func noteViews(results: [TaskResult], bookmark: String?) {
        let partitions = Dictionary(uniqueKeysWithValues: tasks.map { ($0.id, Int($0.partitionIndex)) })
        guard let note = views.note(results: results, partition: { partitions[$0] }, bookmarkCapped: bookmark) else { return }
        report.warnings.append(note)
    }

    /// The bookmark to save once every task was committed, or nil when it does not move. When the tasks read more
    /// than one view of the source, only the oldest view's results count (``ReadViewLedger/bookmarkResults(_:)``).
    func bookmarkAfter(results: [TaskResult], now: Int64, runID: String) throws(SluiceError) -> Bookmark? {
        guard let kind = source.cursorKind else { return nil }
        var extracted: [CursorValue] = []
        for result in views.bookmarkResults(results) {
            guard let text = result.maxCursor else { continue }
            guard let value = CursorValue(text: text, kind: kind) else {
                throw SluiceError(.bookmarkInvalid, "an executor reported cursor '\(text)', which is not a \(kind.rawValue) value",
                                  context: ErrorContext(table: name, column: config.cursor))
            }
            // A resumed run's bookmark stays within what the earlier run's snapshot saw (``bookmarkCap``).
            extracted.append(bookmarkCap.map { min($0, value) } ?? value)
        }
        guard let (value, backfill) = decision.bookmarkAfter(extracted: extracted) else { return nil }
        let changedAt = stored.map { $0.backfill == backfill ? $0.backfillChangedAt : now } ?? now
        return Bookmark(table: name, value: value?.text, epochSeconds: value?.epochSeconds, backfill: backfill,
                        backfillChangedAt: changedAt, runID: runID)
    }

    /// Whether the quarantined rows exceed the table's `max_rejected_ratio`, given every task's result; the
    /// error that fails the table when they do.
    func rejectedRatioExceeded(results: [TaskResult]) -> SluiceError? {
        guard let limit = config.maxRejectedRatio else { return nil }
        let extracted = results.reduce(UInt64(0)) { $0 + $1.output.rowsExtracted }
        let quarantined = results.reduce(UInt64(0)) { $0 + $1.output.rowsQuarantined }
        guard extracted > 0, Double(quarantined) / Double(extracted) > limit else { return nil }
        var byRule: [String: UInt64] = [:]
        for result in results { byRule.merge(result.output.quarantined, uniquingKeysWith: +) }
        let rules = byRule.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
        let share = String(format: "%.4g", Double(quarantined) / Double(extracted))
        return SluiceError(.validationFailed,
                           "\(quarantined) of \(extracted) rows were quarantined (\(share), \(rules)), more than max_rejected_ratio \(limit) allows; nothing of this run was loaded",
                           context: ErrorContext(table: name))
    }

    private mutating func update(_ taskID: UInt64, _ change: (inout TaskReport) -> Void) {
        // Task ids are handed out in partition order, so a task is nearly always at its id's offset from the first;
        // the search is the fallback (a search for every event made a 10,000-task run quadratic).
        let guess = Int(truncatingIfNeeded: taskID &- (report.tasks.first?.task ?? 0))
        let index: Int
        if report.tasks.indices.contains(guess), report.tasks[guess].task == taskID {
            index = guess
        } else {
            guard let found = report.tasks.firstIndex(where: { $0.task == taskID }) else { return }
            index = found
        }
        change(&report.tasks[index])
    }

    private mutating func updateAttempt(_ taskID: UInt64, _ attempt: UInt32, _ change: (inout AttemptReport) -> Void) {
        update(taskID) { task in
            guard let index = task.attempts.lastIndex(where: { $0.attempt == attempt }) else { return }
            change(&task.attempts[index])
        }
    }
}
