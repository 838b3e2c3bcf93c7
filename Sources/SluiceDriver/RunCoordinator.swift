public import Logging
public import SluiceCore
public import SluicePipeline
public import SluiceReport
public import SluiceScheduler
public import SluiceWire

/// The driver's live state during a run: the scheduler, the connected executors and the table runs. Every
/// event goes through this actor, which asks the scheduler what to do and does it: sends tasks, wakes the scheduler
/// when a retry's backoff ends, commits what attempts staged (once per task), discards what superseded attempts
/// staged, stops using executors the scheduler excludes, cancels attempts that stalled or lost a speculative race
/// (CANCEL_TASK), finishes tables (the sink's final step, then the bookmark) and cleans up after them.
public actor RunCoordinator {
    public typealias Send = @Sendable (DriverMessage) async throws -> Void

    private var scheduler: TaskScheduler<ContinuousClock>
    /// Wakes the scheduler when a retry's backoff ends, an attempt may have stalled or may need a speculative copy
    /// (``TaskScheduler/nextWakeUp``).
    private var retryTimer: Task<Void, Never>?
    private var retryTimerDue: ContinuousClock.Instant?
    private var links: [String: Send] = [:]
    private var tables: [String: TableRun] = [:]
    private let order: [String]
    private let sink: any Sink
    /// The run's view of the source, which points each attempt's reads at its current snapshot (nil: tasks are sent
    /// as planned).
    private let source: (any SourceRun)?
    private let bookmarks: any BookmarkStore
    private let runID: String
    private let now: @Sendable () -> Int64
    private let logger: Logger
    /// Sink operations and table endings under way: the run is not over until they are done.
    private var pendingWork = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var rowsInFlight: [UInt64: UInt64] = [:]
    /// The last progress each live attempt reported: only a change restarts its stall timer.
    private var lastProgress: [ProgressKey: WireMessage.TaskProgress] = [:]
    /// Per task, the tables whose staged rows were committed (a task loads its table and its children's).
    private var committedOutputs: [UInt64: Set<String>] = [:]
    public private(set) var lastExecutorSeen = ContinuousClock.now
    private let started = ContinuousClock.now
    /// When attempts start and end, for the report.
    private let clock: RunClock
    private let manifests: ShardManifests?

    /// - Parameters:
    ///   - unplanned: tables without tasks, reported as they are: those that could not be planned (failed), and those the
    ///     resumed run loaded already (succeeded).
    ///   - now: the wall clock in microseconds since the epoch (bookmarks record when backfill changed).
    ///   - policy: retries, their backoff, and when an executor is excluded.
    ///   - scheduling: the stall timeout, speculation, tables at once and fail-fast.
    ///   - clock: the run's clock, which the report's attempt times count from.
    ///   - manifests: where what tasks staged is recorded for `--resume` (nil: nowhere).
    ///   - source: the run's view of the source, asked to bind each attempt before it is sent (``SourceRun/bind(_:)``).
    public init(runID: String, policy: RetryPolicy, scheduling: SchedulingPolicy = SchedulingPolicy(), tables: [TableRun],
                unplanned: [TableReport] = [], sink: any Sink, bookmarks: any BookmarkStore, now: @escaping @Sendable () -> Int64,
                clock: RunClock = RunClock(), manifests: ShardManifests? = nil, source: (any SourceRun)? = nil, logger: Logger) {
        self.clock = clock
        self.manifests = manifests
        self.source = source
        scheduler = TaskScheduler(policy: policy, scheduling: scheduling, clock: ContinuousClock())
        self.runID = runID
        self.sink = sink
        self.bookmarks = bookmarks
        self.now = now
        self.logger = logger
        for table in tables { self.tables[table.name] = table }
        order = tables.map(\.name)
        self.unplannedReports = unplanned
    }

    private var unplannedReports: [TableReport]

    /// Hands every table's tasks to the scheduler (with `run.fail_fast`, none when a table already failed to plan).
    public func start() async {
        if scheduler.scheduling.failFast, let failed = unplannedReports.first(where: { $0.status == .failed }) {
            await abandon(SluiceError(.runFailFast, "run.fail_fast is set and table \(failed.table) failed before it started: the other tables were not run and keep their bookmarks"))
            return
        }
        for name in order {
            guard let table = tables[name] else { continue }
            await perform(scheduler.add(table: name, tasks: table.tasks))
        }
    }

    /// True once every table succeeded or failed and nothing it started is still under way.
    public var isFinished: Bool { scheduler.isFinished && pendingWork == 0 }

    /// Connected executors that may get tasks (excluded ones are connected but idle), and draining ones while they
    /// still run tasks: the run waits for those rather than give up on them (`run.executor_wait`).
    public var executorCount: Int {
        links.keys.reduce(0) { count, id in
            let working = scheduler.isUsable(id) || (scheduler.draining.contains(id) && !scheduler.runningTasks(on: id).isEmpty)
            return count + (working ? 1 : 0)
        }
    }

    /// The executors excluded from the run, in order.
    public func excludedExecutors() -> [ExcludedExecutorReport] {
        scheduler.exclusions.map { ExcludedExecutorReport(executor: $0.executor, failures: $0.failures, error: "\($0.error)") }
    }

    public var outstandingTasks: Int { scheduler.outstandingTaskCount }

    /// Rows read so far by running tasks (from progress reports).
    public var rowsInProgress: UInt64 { rowsInFlight.values.reduce(0, +) }

    /// Where each planned table stands, in configuration order (children are counted with their parent's tasks): a
    /// task is done once an attempt staged it (commits wait for the table's last task), its rows counted from then;
    /// running tasks add the rows they have read so far.
    public func progress() -> [TableProgress] {
        order.compactMap { name in
            guard let run = tables[name] else { return nil }
            var done = 0, rows: UInt64 = 0, bytes: UInt64 = 0, started = 0
            for task in run.report.tasks {
                if !task.attempts.isEmpty { started += 1 }
                guard let staged = task.attempts.last(where: { $0.outcome == .staged || $0.outcome == .committed }) else {
                    rows += rowsInFlight[task.task] ?? 0
                    continue
                }
                done += 1
                rows += staged.rowsExtracted ?? 0
                bytes += staged.shardBytes ?? 0
            }
            let ended = run.report.seconds > 0
            return TableProgress(table: name, tasksDone: done, tasksTotal: run.tasks.count, rows: rows, bytes: bytes,
                                 retries: max(0, run.report.attempts - started), finished: ended,
                                 failed: ended && run.report.status == .failed)
        }
    }

    /// Every table's report: planned tables in configuration order, then those that could not be planned.
    public func reports() -> [TableReport] {
        order.flatMap { name in tables[name].map { [$0.report] + $0.children.map(\.report) } ?? [] } + unplannedReports
    }

    /// Suspends until the run is finished.
    public func waitUntilFinished() async {
        if isFinished { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    public func executorJoined(_ id: String, slots: Int, send: @escaping Send) async {
        logger.info("executor.joined", metadata: ["sluice.executor.id": "\(id)", "sluice.executor.slots": "\(slots)"])
        links[id] = send
        lastExecutorSeen = .now
        await perform(scheduler.executorJoined(id, slots: slots))
    }

    public func executorLeft(_ id: String, error: SluiceError?) async {
        guard links.removeValue(forKey: id) != nil else { return }
        lastExecutorSeen = .now
        let reason = error ?? SluiceError(.executorLost, "executor \(id) disconnected")
        let running = scheduler.runningTasks(on: id)
        if running.isEmpty {
            // Nothing was lost: a clean goodbye, or a connection cut while the run ends.
            logger.info("executor.left", metadata: ["sluice.executor.id": "\(id)"])
            if let error { logger.debug("executor.left.reason", metadata: ["sluice.error": "\(error)"]) }
        } else {
            logger.warning("executor.lost", metadata: ["sluice.executor.id": "\(id)", "sluice.error": "\(reason)",
                                                       "sluice.tasks": "\(running.count)"])
        }
        for taskID in running {
            guard let spec = scheduler.spec(of: taskID), let attempt = scheduler.liveAttempt(of: taskID, on: id) else { continue }
            tables[spec.table]?.attemptFailed(taskID: taskID, attempt: attempt, error: reason, lost: true, at: clock.now())
            rowsInFlight[taskID] = nil
        }
        await perform(scheduler.executorLost(id, reason: reason))
    }

    public func received(_ message: ExecutorMessage, from id: String) async {
        switch message {
        case .taskProgress(let progress):
            let key = ProgressKey(taskID: progress.taskID, attempt: progress.attempt)
            guard scheduler.isLive(progress.taskID, attempt: progress.attempt, executor: id), lastProgress[key] != progress else { return }
            lastProgress[key] = progress
            scheduler.taskProgressed(progress.taskID, attempt: progress.attempt, executor: id)
            if progress.phase == .extracting { rowsInFlight[progress.taskID] = max(rowsInFlight[progress.taskID] ?? 0, progress.rows) }
        case .taskResult(let result):
            forgetProgress(of: result.taskID)
            logger.debug("task.staged", metadata: ["sluice.task.id": "\(result.taskID)", "sluice.rows": "\(result.rowsStaged)"])
            if let spec = scheduler.spec(of: result.taskID), scheduler.isLive(result.taskID, attempt: result.attempt, executor: id) {
                tables[spec.table]?.attemptStaged(result, at: clock.now())
                await manifests?.staged(table: spec.table, partition: Int(spec.partitionIndex), result: result)
            }
            await perform(scheduler.taskSucceeded(result, executor: id))
        case .taskFailed(let failure):
            logger.warning("task.failed", metadata: ["sluice.task.id": "\(failure.taskID)", "sluice.attempt": "\(failure.attempt)",
                                                     "sluice.error": "\(failure.error)", "sluice.retryable": "\(failure.retryable)"])
            if let spec = scheduler.spec(of: failure.taskID), scheduler.isLive(failure.taskID, attempt: failure.attempt, executor: id) {
                lastProgress[ProgressKey(taskID: failure.taskID, attempt: failure.attempt)] = nil
                rowsInFlight[failure.taskID] = nil
                tables[spec.table]?.attemptFailed(taskID: failure.taskID, attempt: failure.attempt, error: failure.error, lost: false,
                                                  at: clock.now())
            }
            await perform(scheduler.taskFailed(failure, executor: id))
        case .draining(let draining):
            logger.info("executor.draining", metadata: ["sluice.executor.id": "\(id)", "sluice.reason": "\(draining.reason)",
                                                        "sluice.grace": "\(draining.graceMillis)ms"])
            // `run.executor_wait` counts from here should this one be the last to go.
            lastExecutorSeen = .now
            await perform(scheduler.executorDraining(id))
        case .taskHandedBack(let handedBack):
            logger.info("task.handed_back", metadata: ["sluice.executor.id": "\(id)", "sluice.task.id": "\(handedBack.taskID)",
                                                       "sluice.attempt": "\(handedBack.attempt)"])
            await handBack(taskID: handedBack.taskID, attempt: handedBack.attempt, from: id)
        case .shutdown(let reason):
            logger.info("executor.shutdown", metadata: ["sluice.executor.id": "\(id)", "sluice.reason": "\(reason)"])
            // A draining executor says goodbye only once nothing of the run runs there: an attempt still counted on
            // it was assigned while DRAINING crossed on the wire, and its hand-back may not make it through the
            // closing connection. It was never started, so it is handed back, not lost.
            guard scheduler.draining.contains(id) else { return }
            for taskID in scheduler.runningTasks(on: id) {
                guard let attempt = scheduler.liveAttempt(of: taskID, on: id) else { continue }
                logger.info("task.handed_back", metadata: ["sluice.executor.id": "\(id)", "sluice.task.id": "\(taskID)",
                                                           "sluice.attempt": "\(attempt)", "sluice.reason": "assigned as the executor stopped"])
                await handBack(taskID: taskID, attempt: attempt, from: id)
            }
        }
    }

    private func handBack(taskID: UInt64, attempt: UInt32, from id: String) async {
        if let spec = scheduler.spec(of: taskID), scheduler.isLive(taskID, attempt: attempt, executor: id) {
            lastProgress[ProgressKey(taskID: taskID, attempt: attempt)] = nil
            rowsInFlight[taskID] = nil
            tables[spec.table]?.attemptHandedBack(taskID: taskID, attempt: attempt, at: clock.now())
        }
        await perform(scheduler.taskHandedBack(taskID, attempt: attempt, executor: id))
    }

    /// Fails every unfinished table (no executors left, or the run was stopped).
    public func abandon(_ error: SluiceError) async {
        let unfinished = order.filter { !scheduler.isTableFinished($0) }
        scheduler.abandonAll()
        for name in unfinished { await endTable(name, error: error) }
        wakeIfFinished()
    }

    /// Tells every connected executor the run is over.
    /// Tells every connected executor to leave; returns the ids they connected with (`local-1`), for ``LocalExecutors``.
    @discardableResult
    public func shutdownExecutors(reason: String) async -> Set<String> {
        var told: Set<String> = []
        for (key, send) in links {
            guard (try? await send(.shutdown(reason: reason))) != nil else { continue }
            told.insert(String(key.prefix { $0 != "#" }))
        }
        return told
    }

    // MARK: actions

    private func perform(_ actions: [TaskScheduler<ContinuousClock>.Action]) async {
        for action in actions {
            switch action {
            case .retryScheduled(let task, let delay):
                tables[task.table]?.retryScheduled(task, afterSeconds: Self.seconds(delay))
                logger.info("task.retry", metadata: [
                    "sluice.task.id": "\(task.id)", "sluice.task": "\(task.label)", "sluice.attempt": "\(task.attempt)",
                    "sluice.retry.delay": "\(Self.seconds(delay))s",
                ])
            case .executorExcluded(let exclusion):
                // It keeps its session and running attempts; it just gets no new task, and stops counting in
                // executorCount: should the usable ones all leave, the run waits for another (run.executor_wait).
                logger.warning("executor.excluded", metadata: [
                    "sluice.executor.id": "\(exclusion.executor)", "sluice.failures": "\(exclusion.failures)",
                    "sluice.error": "\(exclusion.error)",
                ])
            case .assign(let task, let executor):
                await assign(task, to: executor, speculative: false)
            case .speculate(let task, let executor):
                logger.info("task.speculate", metadata: ["sluice.task.id": "\(task.id)", "sluice.task": "\(task.label)",
                                                         "sluice.attempt": "\(task.attempt)", "sluice.executor.id": "\(executor)"])
                await assign(task, to: executor, speculative: true)
            case .cancelAttempt(let taskID, let attempt, let executor, let reason):
                await cancel(taskID: taskID, attempt: attempt, on: executor, reason: reason)
            case .tableStaged(let table, let results):
                for result in results { tables[table]?.attemptStaged(result, at: clock.now()) }
                if let error = tables[table]?.rejectedRatioExceeded(results: results) {
                    logger.warning("table.rejected", metadata: ["sluice.table": "\(table)", "sluice.error": "\(error)"])
                    await perform(scheduler.rejectTable(table, error: error))
                } else {
                    await perform(scheduler.approveCommits(table))
                }
            case .commit(let result, let table):
                await commit(result, table: table)
            case .discard(let result, let table):
                guard tables[table] != nil else { continue }
                tables[table]?.attemptSuperseded(result, at: clock.now())
                guard let run = tables[table] else { continue }
                logger.info("task.superseded", metadata: ["sluice.task.id": "\(result.taskID)", "sluice.attempt": "\(result.attempt)"])
                pendingWork += 1
                await discard(result, of: run)
                pendingWork -= 1
            case .tableSucceeded(let table, let results):
                await finishTable(table, results: results)
            case .tableFailed(let table, let error):
                await endTable(table, error: error)
            }
        }
        wakeIfFinished()
        armRetryTimer()
    }

    /// Sends a task to an executor; one that cannot be reached is lost.
    private func assign(_ planned: TaskSpec, to executor: String, speculative: Bool) async {
        guard links[executor] != nil else { return }
        // The source points the reads at the view they should read now (a replacement snapshot after a lost one).
        let bound = await source?.bind(planned) ?? BoundTask(task: planned, view: nil)
        let task = bound.task
        guard let send = links[executor] else { return }
        tables[task.table]?.attemptStarted(task, executor: executor, speculative: speculative, at: clock.now(), view: bound.view)
        do {
            try await send(.assignTask(task))
        } catch {
            let failure = (error as? SluiceError) ?? SluiceError(.executorLost, "cannot send a task to \(executor)")
            await executorLeft(executor, error: failure)
        }
    }

    /// Tells the executor to stop an attempt the scheduler gave up on, and records why. The executor may be gone;
    /// then there is nothing to stop. What the attempt staged, should its result still come, is discarded.
    private func cancel(taskID: UInt64, attempt: UInt32, on executor: String,
                        reason: TaskScheduler<ContinuousClock>.CancelReason) async {
        lastProgress[ProgressKey(taskID: taskID, attempt: attempt)] = nil
        if let table = scheduler.spec(of: taskID)?.table {
            switch reason {
            case .stalled(let error):
                logger.warning("task.stalled", metadata: ["sluice.task.id": "\(taskID)", "sluice.attempt": "\(attempt)",
                                                          "sluice.executor.id": "\(executor)", "sluice.error": "\(error)"])
                rowsInFlight[taskID] = nil
                tables[table]?.attemptFailed(taskID: taskID, attempt: attempt, error: error, lost: false, at: clock.now())
            case .superseded:
                logger.info("task.cancelled", metadata: ["sluice.task.id": "\(taskID)", "sluice.attempt": "\(attempt)", "sluice.reason": "superseded"])
                tables[table]?.attemptCancelled(taskID: taskID, attempt: attempt, why: "another attempt of the task staged first", at: clock.now())
            case .tableEnded:
                tables[table]?.attemptCancelled(taskID: taskID, attempt: attempt, why: "its table ended", at: clock.now())
            }
        }
        try? await links[executor]?(.cancelTask(taskID: taskID, attempt: attempt))
    }

    private func forgetProgress(of taskID: UInt64) {
        rowsInFlight[taskID] = nil
        lastProgress = lastProgress.filter { $0.key.taskID != taskID }
    }

    /// Arms the timer for the scheduler's next deadline (a backoff ending, a stall, a speculation), unless one as
    /// early is armed.
    private func armRetryTimer() {
        guard !isFinished, let due = scheduler.nextWakeUp else { return }
        if let armed = retryTimerDue, armed <= due { return }
        retryTimer?.cancel()
        retryTimerDue = due
        retryTimer = Task { [weak self] in
            try? await Task.sleep(until: due, clock: .continuous)
            guard !Task.isCancelled else { return }
            await self?.retryTimerFired()
        }
    }

    private func retryTimerFired() async {
        retryTimer = nil
        retryTimerDue = nil
        await perform(scheduler.timerFired())
    }

    /// Makes what the attempt staged part of the sink's tables (the task's, then each child's), then tells the
    /// scheduler. An output a failed commit already made part of its table is not committed again by the retry.
    private func commit(_ result: TaskResult, table name: String) async {
        // No copy of the run is held while it changes: that would copy its report's every task on each commit.
        guard tables[name] != nil else { return }
        tables[name]?.attemptStaged(result, at: clock.now())
        pendingWork += 1
        defer { pendingWork -= 1 }
        var failedOutput: String?
        do throws(SluiceError) {
            for output in result.outputs {
                let table = output.table.isEmpty ? name : output.table
                failedOutput = table
                guard let target = tables[name]?.run(named: table)?.target else {
                    throw SluiceError(.invalidRunPlan, "task \(result.taskID) reported rows for \(table), which it does not load")
                }
                if committedOutputs[result.taskID, default: []].contains(table) {
                    await sink.discard(output.receipt, of: target)
                    continue
                }
                let commitStarted = ContinuousClock.now
                let rows = try await sink.commit(output.receipt, into: target)
                let seconds = Driver.seconds(.now - commitStarted)
                committedOutputs[result.taskID, default: []].insert(table)
                update(name, table) { $0.committed(result, output: output, rows: rows, seconds: seconds) }
            }
            await perform(scheduler.taskCommitted(result.taskID))
        } catch {
            let failure = SluiceError(error.code, "cannot commit the staged rows of task \(result.taskID): \(error.message)",
                                      context: error.context.merged(into: ErrorContext(table: failedOutput ?? name)),
                                      underlying: error.underlying, retryable: error.retryable)
            logger.warning("task.commit.failed", metadata: ["sluice.task.id": "\(result.taskID)", "sluice.error": "\(failure)"])
            tables[name]?.attemptFailed(taskID: result.taskID, attempt: result.attempt, error: failure, lost: false, at: clock.now())
            if let run = tables[name] { await discard(result, of: run, keeping: committedOutputs[result.taskID, default: []]) }
            await perform(scheduler.commitFailed(result.taskID, error: failure))
        }
    }

    /// Throws away what an attempt staged for each of its tables, except those in `keeping` (already committed).
    private func discard(_ result: TaskResult, of run: TableRun, keeping: Set<String> = []) async {
        for output in result.outputs {
            let table = output.table.isEmpty ? run.name : output.table
            guard !keeping.contains(table), let target = run.run(named: table)?.target else { continue }
            await sink.discard(output.receipt, of: target)
        }
    }

    /// Changes the run of `table`, the task table `name` itself or one of its children.
    private func update(_ name: String, _ table: String, _ change: (inout TableRun) -> Void) {
        // In place: a copy of the run would copy its report's every task on each commit.
        guard tables[name] != nil else { return }
        if table == name {
            change(&tables[name]!)
        } else if let index = tables[name]!.children.firstIndex(where: { $0.name == table }) {
            change(&tables[name]!.children[index])
        }
    }

    /// Every task was committed: the sink's final step for the table and its children, then the bookmark.
    private func finishTable(_ name: String, results: [TaskResult]) async {
        guard let run = tables[name] else { return }
        pendingWork += 1
        defer { pendingWork -= 1 }
        let finishStarted = ContinuousClock.now
        do throws(SluiceError) {
            var seconds = try await timed { () async throws(SluiceError) in try await sink.finish(run.target) }
            for child in run.children {
                let childSeconds = try await timed { () async throws(SluiceError) in try await sink.finish(child.target) }
                update(name, child.name) { $0.finishTook(childSeconds) }
            }
            let bookmark = try run.bookmarkAfter(results: results, now: now(), runID: runID)
            tables[name]?.noteViews(results: results, bookmark: bookmark?.value ?? run.decision.bookmarkBefore?.text)
            // The ledger first: a ledger naming a file means its rows are in the target, whatever the bookmark says.
            if let entries = run.fileLedgerEntries, entries.startingOver || !entries.files.isEmpty {
                seconds += try await timed { () async throws(SluiceError) in
                    try await bookmarks.recordFiles(entries.files, table: name, startingOver: entries.startingOver, runID: runID)
                }
            }
            if let bookmark { seconds += try await timed { () async throws(SluiceError) in try await bookmarks.save(bookmark) } }
            await manifests?.ended(table: name, succeeded: true)
            tables[name]?.finishTook(seconds)
            tables[name]?.finished(succeeded: true, error: nil, bookmarkAfter: bookmark?.value ?? run.decision.bookmarkBefore?.text,
                                   seconds: elapsed, at: clock.now())
            logger.info("table.succeeded", metadata: ["sluice.table": "\(name)", "sluice.rows": "\(tables[name]?.report.rowsLoaded ?? 0)"])
            for target in [run.target] + run.children.map(\.target) { await sink.cleanUp(target, succeeded: true) }
        } catch {
            logger.error("table.finish.failed", metadata: ["sluice.table": "\(name)", "sluice.error": "\(error)"])
            tables[name]?.finishTook(Driver.seconds(.now - finishStarted))
            tables[name]?.finished(succeeded: false, error: error, bookmarkAfter: nil, seconds: elapsed, at: clock.now())
            await manifests?.ended(table: name, succeeded: false)
            for target in [run.target] + run.children.map(\.target) { await sink.cleanUp(target, succeeded: false) }
        }
    }

    /// The table failed: its bookmark stays, what it staged goes.
    private func endTable(_ name: String, error: SluiceError) async {
        guard let run = tables[name], run.report.status != .succeeded else { return }
        pendingWork += 1
        defer { pendingWork -= 1 }
        logger.error("table.failed", metadata: ["sluice.table": "\(name)", "sluice.error": "\(error)"])
        tables[name]?.finished(succeeded: false, error: error, bookmarkAfter: nil, seconds: elapsed, at: clock.now())
        await manifests?.ended(table: name, succeeded: false)
        for target in [run.target] + run.children.map(\.target) { await sink.cleanUp(target, succeeded: false) }
    }

    /// Seconds `body` took.
    private func timed(_ body: () async throws(SluiceError) -> Void) async throws(SluiceError) -> Double {
        let started = ContinuousClock.now
        try await body()
        return Driver.seconds(.now - started)
    }

    private var elapsed: Double { Self.seconds(ContinuousClock.now - started) }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    private func wakeIfFinished() {
        guard isFinished else { return }
        retryTimer?.cancel()
        retryTimer = nil
        retryTimerDue = nil
        let waiting = waiters
        waiters = []
        for waiter in waiting { waiter.resume() }
    }
}

/// One attempt of a task, for its last reported progress.
struct ProgressKey: Hashable {
    var taskID: UInt64
    var attempt: UInt32
}

extension SluiceError.Code {
    public static let executorLost = Self("executor_lost", retryable: true)
    public static let noExecutors = Self("no_executors", retryable: false)
}
