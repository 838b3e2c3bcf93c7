public import SluiceCore

/// The driver's bookkeeping of a run, as a pure state machine: which tasks wait, which executor runs what,
/// what to retry and when, which executors to stop using, and when a table is done. No IO: the driver feeds it
/// events and carries out the actions it returns; time comes from the injected clock `C` (a manual clock in tests),
/// jitter from a generator seeded at `init`.
///
/// Rules:
/// - Tasks are handed out first-come first-served to executors with free slots.
/// - A failed attempt whose error is retryable (``SluiceCore/SluiceError/retryable``, decided where the error was
///   made) is retried while attempts remain, preferably on an executor it has not failed on. A reported failure (or
///   a failed commit) waits out an exponential backoff with jitter first (``RetryPolicy/delay(afterFailedAttempt:random:)``):
///   the task is not assigned before its `notBefore` time, and the driver calls ``timerFired()`` at ``nextRetryDue``.
///   An attempt lost with its executor is retried at once: its cause left with the executor.
/// - A non-retryable failure or the last failed attempt fails the whole table at once, and the table's waiting
///   tasks are dropped.
/// - An executor whose retryable failures reach ``RetryPolicy/excludeExecutorAfter`` in a row while other executors
///   complete their attempts is excluded (``Action/executorExcluded(_:)``): it keeps its running attempts but gets no
///   new task, even if it joins again. The last executor that can take tasks is never excluded.
/// - A successful attempt is not yet a succeeded task. Its rows wait, staged, until every task of the table has
///   staged its own (``Action/tableStaged``), so that a table that fails loads nothing; the driver then approves
///   the table (``approveCommits(_:)``, or ``rejectTable(_:error:)``) and commits what each task staged
///   (``Action/commit``), exactly once per task, reporting back (``taskCommitted(_:)`` or
///   ``commitFailed(_:error:)``). A task retried after its commit failed is committed as soon as it
///   stages again.
/// - Reports for an attempt that is no longer current (a late result from an executor declared dead) are
///   ignored, so a task is counted once; what such an attempt staged is discarded (``Action/discard``).
/// - A table succeeds when all its tasks were committed.
/// - Liveness (``SchedulingPolicy``, in `TaskScheduler+Liveness.swift`): an attempt silent past the stall timeout is
///   cancelled and fails retryably; a slow attempt may get one speculative copy on another executor, and the first of
///   the two to stage wins while the other is cancelled (``Action/cancelAttempt(taskID:attempt:executor:reason:)``);
///   at most ``SchedulingPolicy/maxParallelTables`` tables have tasks out; with ``SchedulingPolicy/failFast`` the
///   first failed table fails the rest.
public struct TaskScheduler<C: Clock>: Sendable where C.Duration == Duration {
    public typealias ExecutorID = String

    /// What the driver must do after an event.
    public enum Action: Sendable, Equatable {
        /// Send `task` to `executor`.
        case assign(TaskSpec, to: ExecutorID)
        /// Send `task`, a speculative second attempt of a slow running task, to `executor`; its shard paths are its
        /// own (``speculativeShardPath(_:attempt:)``), so the two attempts never write the same file.
        case speculate(TaskSpec, to: ExecutorID)
        /// Tell `executor` to stop `attempt` of a task and drop what it wrote; later reports of it are ignored (and
        /// a late result discarded).
        case cancelAttempt(taskID: UInt64, attempt: UInt32, executor: ExecutorID, reason: CancelReason)
        /// An attempt failed and its task runs again: `task` carries the next attempt's number and is not assigned
        /// before `after` has passed (zero: as soon as an executor has room).
        case retryScheduled(TaskSpec, after: Duration)
        /// Stop giving tasks to an executor that fails what others complete (log it, report it).
        case executorExcluded(ExecutorExclusion)
        /// Every task of `table` staged its rows (results in partition order): check them as a whole, then call
        /// ``approveCommits(_:)`` or ``rejectTable(_:error:)``.
        case tableStaged(table: String, results: [TaskResult])
        /// Commit what the current attempt of a task staged, then report ``taskCommitted(_:)`` or
        /// ``commitFailed(_:error:)``.
        case commit(TaskResult, table: String)
        /// Throw away what an attempt staged: it is not the task's current attempt, or its table is over.
        case discard(TaskResult, table: String)
        /// Every task of `table` succeeded; its results, in partition order.
        case tableSucceeded(table: String, results: [TaskResult])
        /// `table` failed: `error` is the failure that decided it.
        case tableFailed(table: String, error: SluiceError)
    }

    /// Why the scheduler cancels an attempt.
    public enum CancelReason: Sendable, Equatable {
        /// No progress for the stall timeout: the attempt failed with this error (and may be retried).
        case stalled(SluiceError)
        /// Another attempt of the same task staged first.
        case superseded
        /// Its table ended (``SchedulingPolicy/failFast``).
        case tableEnded
    }

    /// The life of one task.
    public enum TaskState: Sendable, Equatable {
        case waiting
            /// Its first live attempt runs on `executor` (a speculative copy may run elsewhere too).
        case running(executor: ExecutorID)
        /// The attempt succeeded; what it staged waits for the other tasks of its table.
        case staged(TaskResult)
        /// The attempt succeeded; the driver is committing what it staged.
        case committing(TaskResult)
        case succeeded(TaskResult)
        case failed(SluiceError)
        /// Dropped because another task of its table failed.
        case cancelled
    }

    struct TaskEntry: Sendable {
        var spec: TaskSpec
        var state: TaskState
        /// Executors on which an attempt failed, most recent last: retries go to a free executor the task has not
        /// failed on, else to the one it failed on longest ago.
        var failedOn: [ExecutorID] = []
        /// A waiting retry is not assigned before this time (its backoff).
        var notBefore: C.Instant?
        /// Attempts a draining executor handed back: they do not count against the task's retries.
        var handedBack: UInt32 = 0
        /// The attempts running now: one, or two while a speculative copy runs.
        var live: [LiveAttempt] = []
        /// Whether the task got its speculative copy already (one per task and run).
        var speculated = false

        /// The attempts that count against ``TaskScheduler/maxAttempts``: all but those handed back.
        var attemptsCounted: UInt32 { spec.attempt - handedBack }

        /// How recently the task failed on `executor`: -1 never, higher is more recent.
        func lastFailure(on executor: ExecutorID) -> Int { failedOn.lastIndex(of: executor) ?? -1 }
    }

    /// An attempt running now, with the times the liveness rules need.
    struct LiveAttempt: Sendable {
        var attempt: UInt32
        var executor: ExecutorID
        var startedAt: C.Instant
        var lastProgress: C.Instant
        var speculative: Bool
    }

    struct ExecutorEntry: Sendable {
        var slots: Int
        var running: Set<UInt64> = []
        var free: Int { slots - running.count }
    }

    public let policy: RetryPolicy
    public let scheduling: SchedulingPolicy
    public let clock: C
    private var random: SplitMix64
    private var streaks: ExecutorFailureStreaks
    /// Excluded executors, in the order they were excluded.
    public private(set) var exclusions: [ExecutorExclusion] = []
    var tasks: [UInt64: TaskEntry] = [:]
    private var waiting: [UInt64] = []
    var executors: [ExecutorID: ExecutorEntry] = [:]
    var executorOrder: [ExecutorID] = []
    var tablesByName: [String: [UInt64]] = [:]
    /// Tables in the order they were added: ``SchedulingPolicy/maxParallelTables`` admits them in this order.
    var tableOrder: [String] = []
    var finishedTables: [String: Bool] = [:]
    /// Per table, how long each staged attempt ran: the speculation rule's median.
    var stagedDurations: [String: [Duration]] = [:]
    /// Tables whose staged rows the driver approved: their tasks commit as they stage.
    private var approvedTables: Set<String> = []
    /// Per table, how many of its first tasks are known to be staged, and to have succeeded: both states are final
    /// (staged until the table is approved), so each completeness check resumes where the last stopped instead of
    /// rescanning the table at every result (10,000 tasks made that the driver's largest cost per task).
    private var stagedPrefix: [String: Int] = [:]
    private var succeededPrefix: [String: Int] = [:]
    /// Waiting tasks that were given a backoff: ``nextRetryDue`` looks at these, not at every waiting task.
    private var backingOff: Set<UInt64> = []
    /// Executors that said they are draining (stopping): they finish or hand back what they run and get nothing new.
    public private(set) var draining: Set<ExecutorID> = []

    /// - Parameters:
    ///   - policy: how many retries, their backoff, and when to exclude an executor.
    ///   - clock: where `now` comes from.
    ///   - scheduling: stall timeout, speculation, tables at once, fail-fast.
    ///   - seed: the jitter generator's seed (fixed in tests, random by default).
    public init(policy: RetryPolicy, scheduling: SchedulingPolicy = SchedulingPolicy(), clock: C,
                seed: UInt64 = .random(in: 0...UInt64.max)) {
        self.policy = policy
        self.scheduling = scheduling
        self.clock = clock
        random = SplitMix64(seed: seed)
        streaks = ExecutorFailureStreaks(limit: policy.excludeExecutorAfter)
    }

    /// The most attempts a task gets.
    public var maxAttempts: UInt32 { policy.maxAttempts }

    // MARK: events

    /// Adds a table's tasks (attempt numbers are set by the scheduler) and assigns what it can.
    public mutating func add(table: String, tasks specs: [TaskSpec]) -> [Action] {
        precondition(tablesByName[table] == nil, "table \(table) added twice")
        tablesByName[table] = specs.map(\.id)
        tableOrder.append(table)
        for var spec in specs {
            precondition(tasks[spec.id] == nil, "task id \(spec.id) reused")
            spec.attempt = 1
            tasks[spec.id] = TaskEntry(spec: spec, state: .waiting)
            waiting.append(spec.id)
        }
        if specs.isEmpty {
            finishedTables[table] = true
            return [.tableSucceeded(table: table, results: [])]
        }
        return assign()
    }

    /// An executor authenticated and can run `slots` tasks at once.
    public mutating func executorJoined(_ id: ExecutorID, slots: Int) -> [Action] {
        if executors[id] == nil { executorOrder.append(id) }
        executors[id] = ExecutorEntry(slots: max(1, slots))
        draining.remove(id)
        streaks.joined(id)
        return assign()
    }

    /// An executor disconnected or went silent; its running attempts count as failed.
    public mutating func executorLost(_ id: ExecutorID, reason: SluiceError) -> [Action] {
        guard let entry = executors.removeValue(forKey: id) else { return [] }
        draining.remove(id)
        executorOrder.removeAll { $0 == id }
        var actions: [Action] = []
        for taskID in entry.running.sorted() {
            guard let task = tasks[taskID] else { continue }
            // A copy running elsewhere carries on alone.
            if dropLiveAttempt(taskID, on: id) { continue }
            // Whatever ended the connection, the task is not at fault: retried, at once, elsewhere.
            var error = reason.adding(ErrorContext(table: task.spec.table, task: task.spec.label))
            error.retryable = true
            actions += attemptFailed(taskID, on: id, error: error, backoff: false)
        }
        return actions + assign()
    }

    /// The executor is stopping (DRAINING): it gets no new task; what it runs finishes or is handed back.
    public mutating func executorDraining(_ id: ExecutorID) -> [Action] {
        guard executors[id] != nil else { return [] }
        draining.insert(id)
        return []
    }

    /// A draining executor handed back the current attempt of a task: it runs again at once on another executor,
    /// counted neither against the task's retries nor against the executor. A report about an attempt that is not
    /// current is ignored.
    public mutating func taskHandedBack(_ taskID: UInt64, attempt: UInt32, executor: ExecutorID) -> [Action] {
        guard tasks[taskID].map({ isCurrent($0, attempt: attempt, executor: executor) }) == true else { return [] }
        executors[executor]?.running.remove(taskID)
        // A speculative sibling still running carries the task on alone.
        if dropLiveAttempt(taskID, on: executor) { return assign() }
        guard var task = tasks[taskID] else { return [] }
        task.spec.attempt += 1
        task.handedBack += 1
        task.live = []
        task.state = .waiting
        task.notBefore = nil
        tasks[taskID] = task
        waiting.insert(taskID, at: 0)
        return [.retryScheduled(task.spec, after: .zero)] + assign()
    }

    /// An attempt succeeded: the driver commits what it staged, unless the attempt is not current any more
    /// (then what it staged is discarded).
    public mutating func taskSucceeded(_ result: TaskResult, executor: ExecutorID) -> [Action] {
        guard var task = tasks[result.taskID] else { return [] }
        guard isCurrent(task, attempt: result.attempt, executor: executor), finishedTables[task.spec.table] == nil else {
            return [.discard(result, table: task.spec.table)]
        }
        executors[executor]?.running.remove(result.taskID)
        streaks.succeeded(on: executor)
        let table = task.spec.table
        if let winner = task.live.first(where: { $0.attempt == result.attempt && $0.executor == executor }) {
            stagedDurations[table, default: []].append(winner.startedAt.duration(to: clock.now))
        }
        // The first attempt to stage wins; a copy still running is stopped and what it writes is thrown away.
        let losers = cancelLiveAttempts(of: &task, except: result.attempt, reason: .superseded)
        if approvedTables.contains(table) {
            task.state = .committing(result)
            tasks[result.taskID] = task
            return losers + [.commit(result, table: table)] + assign()
        }
        task.state = .staged(result)
        tasks[result.taskID] = task
        return losers + stagedIfComplete(table) + assign()
    }

    /// The driver checked the table's staged rows as a whole: commit each task's.
    public mutating func approveCommits(_ table: String) -> [Action] {
        guard finishedTables[table] == nil, approvedTables.insert(table).inserted else { return [] }
        var actions: [Action] = []
        for id in tablesByName[table] ?? [] {
            guard case .staged(let result)? = tasks[id]?.state else { continue }
            tasks[id]?.state = .committing(result)
            actions.append(.commit(result, table: table))
        }
        return actions
    }

    /// The driver refused the table's staged rows (too many rows quarantined): the table fails, nothing of it is
    /// committed.
    public mutating func rejectTable(_ table: String, error: SluiceError) -> [Action] {
        failTable(table, error: error) + assign()
    }

    /// The driver committed the task's staged rows: the task succeeded.
    public mutating func taskCommitted(_ taskID: UInt64) -> [Action] {
        guard var task = tasks[taskID], case .committing(let result) = task.state else { return [] }
        task.state = .succeeded(result)
        tasks[taskID] = task
        let finished = finishTableIfDone(task.spec.table)
        // A table that ends makes room for the next (run.max_parallel_tables).
        return finished.isEmpty ? [] : finished + assign()
    }

    /// The commit failed: the attempt counts as failed (retried after its backoff if attempts remain and the error
    /// is retryable). The driver's failure says nothing about the executor that staged the rows.
    public mutating func commitFailed(_ taskID: UInt64, error: SluiceError) -> [Action] {
        guard let task = tasks[taskID], case .committing = task.state else { return [] }
        return attemptFailed(taskID, on: nil, error: error, backoff: true) + assign()
    }

    /// An executor reported a failed attempt: retried after its backoff if it is retryable and attempts remain,
    /// else its table fails. A retryable failure may exclude the executor.
    public mutating func taskFailed(_ failure: TaskFailure, executor: ExecutorID) -> [Action] {
        guard let task = tasks[failure.taskID], isCurrent(task, attempt: failure.attempt, executor: executor) else {
            return []
        }
        executors[executor]?.running.remove(failure.taskID)
        var actions: [Action] = []
        if failure.retryable, streaks.failed(on: executor), isUsable(executor), usableExecutorCount > 1 {
            let exclusion = ExecutorExclusion(executor: executor, failures: streaks.failures(of: executor), error: failure.error)
            exclusions.append(exclusion)
            actions.append(.executorExcluded(exclusion))
        }
        if failure.retryable, dropLiveAttempt(failure.taskID, on: executor) {
            // Its speculative sibling (or original) still runs: that one decides the task.
            return actions + assign()
        }
        if var task = tasks[failure.taskID] {
            // Retrying cannot help: stop a sibling that would fail the same way.
            actions += cancelLiveAttempts(of: &task, except: failure.attempt, reason: .tableEnded)
            tasks[failure.taskID] = task
        }
        return actions + attemptFailed(failure.taskID, on: executor, error: failure.error, backoff: true) + assign()
    }

    /// Time passed: fails the attempts that stalled, assigns the retries whose backoff is over and launches the
    /// speculative copies that are due (call it at ``nextWakeUp``).
    public mutating func timerFired() -> [Action] {
        let stalled = failStalledAttempts()
        return stalled + assign()
    }

    // MARK: queries

    public func state(of taskID: UInt64) -> TaskState? { tasks[taskID]?.state }

    public func spec(of taskID: UInt64) -> TaskSpec? { tasks[taskID]?.spec }

    /// True when every table succeeded or failed.
    public var isFinished: Bool { finishedTables.count == tablesByName.count }

    public var executorCount: Int { executors.count }

    /// The executor a task's retry or copy should go to: a usable one with room, other than `excluding`, that the task
    /// has not failed on (else failed on longest ago), the least loaded first.
    func bestExecutor(for task: TaskEntry, excluding: Set<ExecutorID> = []) -> ExecutorID? {
        executorOrder.filter { (executors[$0]?.free ?? 0) > 0 && isUsable($0) && !excluding.contains($0) }.min { lhs, rhs in
            let (left, right) = (task.lastFailure(on: lhs), task.lastFailure(on: rhs))
            if left != right { return left < right }
            return (executors[lhs]?.free ?? 0) > (executors[rhs]?.free ?? 0)
        }
    }

    /// Connected executors that may get tasks (not excluded).
    public var usableExecutorCount: Int { executors.keys.reduce(0) { $0 + (isUsable($1) ? 1 : 0) } }

    /// Whether `executor` may get tasks: it was not excluded.
    public func isUsable(_ executor: ExecutorID) -> Bool {
        !draining.contains(executor) && !exclusions.contains { $0.executor == executor }
    }

    /// The earliest time a waiting retry's backoff ends, if one is still waiting it out: when the driver should call
    /// ``timerFired()``.
    public var nextRetryDue: C.Instant? {
        let now = clock.now
        return backingOff.compactMap { id -> C.Instant? in
            guard let entry = tasks[id], entry.state == .waiting, let notBefore = entry.notBefore, notBefore > now else { return nil }
            return notBefore
        }.min()
    }

    /// When a waiting task may be assigned (nil: now).
    public func notBefore(of taskID: UInt64) -> C.Instant? { tasks[taskID]?.notBefore }

    /// Whether `table` succeeded or failed already.
    public func isTableFinished(_ table: String) -> Bool { finishedTables[table] != nil }

    /// Gives up on every unfinished table (no executor is left, or the run is cancelled): their tasks are
    /// cancelled and later reports about them are ignored.
    public mutating func abandonAll() {
        for (table, ids) in tablesByName where finishedTables[table] == nil {
            finishedTables[table] = false
            for id in ids {
                switch tasks[id]?.state {
                case .waiting?, .running?, .staged?: tasks[id]?.state = .cancelled
                default: break
                }
                tasks[id]?.live = []
            }
        }
        waiting.removeAll()
        for id in executors.keys { executors[id]?.running.removeAll() }
    }

    /// Tasks waiting, running or committing.
    public var outstandingTaskCount: Int {
        tasks.values.reduce(0) { count, task in
            switch task.state {
            case .waiting, .running, .staged, .committing: count + 1
            default: count
            }
        }
    }

    /// Tasks running on `executor`.
    public func runningTasks(on executor: ExecutorID) -> [UInt64] {
        executors[executor].map { $0.running.sorted() } ?? []
    }

    // MARK: internals

    func isCurrent(_ task: TaskEntry, attempt: UInt32, executor: ExecutorID) -> Bool {
        guard case .running = task.state else { return false }
        return task.live.contains { $0.attempt == attempt && $0.executor == executor }
    }

    /// The current attempt of a task failed: retry it (after its backoff, with `backoff`) or fail its table.
    mutating func attemptFailed(_ taskID: UInt64, on executor: ExecutorID?, error: SluiceError, backoff: Bool) -> [Action] {
        guard var task = tasks[taskID] else { return [] }
        if let executor { task.failedOn.append(executor) }
        task.live = []
        if error.retryable && task.attemptsCounted < maxAttempts && finishedTables[task.spec.table] == nil {
            let delay = backoff ? policy.delay(afterFailedAttempt: task.spec.attempt, random: nextRandom()) : .zero
            task.spec.attempt += 1
            task.state = .waiting
            task.notBefore = delay > .zero ? clock.now.advanced(by: delay) : nil
            if task.notBefore != nil { backingOff.insert(taskID) }
            tasks[taskID] = task
            waiting.append(taskID)
            return [.retryScheduled(task.spec, after: delay)]
        }
        task.state = .failed(error)
        tasks[taskID] = task
        return failTable(task.spec.table, error: error)
    }

    mutating func failTable(_ table: String, error: SluiceError) -> [Action] {
        guard finishedTables[table] == nil else { return [] }
        guard scheduling.failFast else { return markFailed(table, error: error, cancelRunning: false) }
        var actions = markFailed(table, error: error, cancelRunning: true)
        for other in tableOrder where finishedTables[other] == nil {
            let stopped = SluiceError(.runFailFast, "run.fail_fast is set and table \(table) failed: \(other) was stopped and keeps its bookmark",
                                      context: ErrorContext(table: other))
            actions += markFailed(other, error: stopped, cancelRunning: true)
        }
        return actions
    }

    /// Marks `table` failed; its waiting and staged tasks are dropped, and its running attempts cancelled with
    /// `cancelRunning` (else they run on and their results are discarded).
    private mutating func markFailed(_ table: String, error: SluiceError, cancelRunning: Bool) -> [Action] {
        finishedTables[table] = false
        var cancels: [Action] = []
        for id in tablesByName[table] ?? [] {
            switch tasks[id]?.state {
            // Staged rows are never committed now; the sink's clean-up removes them.
            case .waiting?, .staged?: tasks[id]?.state = .cancelled
            case .running? where cancelRunning:
                guard var task = tasks[id] else { continue }
                cancels += cancelLiveAttempts(of: &task, except: nil, reason: .tableEnded)
                task.state = .cancelled
                tasks[id] = task
            default: break
            }
        }
        waiting.removeAll { tasks[$0]?.state == .cancelled }
        return [.tableFailed(table: table, error: error)] + cancels
    }

    /// `.tableStaged` once every task of an unapproved table staged its rows.
    private mutating func stagedIfComplete(_ table: String) -> [Action] {
        guard finishedTables[table] == nil, !approvedTables.contains(table), let ids = tablesByName[table] else { return [] }
        var index = stagedPrefix[table, default: 0]
        while index < ids.count, case .staged? = tasks[ids[index]]?.state { index += 1 }
        stagedPrefix[table] = index
        guard index == ids.count else { return [] }
        var results: [TaskResult] = []
        for id in ids {
            guard case .staged(let result)? = tasks[id]?.state else { return [] }
            results.append(result)
        }
        return [.tableStaged(table: table, results: results)]
    }

    private mutating func finishTableIfDone(_ table: String) -> [Action] {
        guard finishedTables[table] == nil, let ids = tablesByName[table] else { return [] }
        var index = succeededPrefix[table, default: 0]
        while index < ids.count, case .succeeded? = tasks[ids[index]]?.state { index += 1 }
        succeededPrefix[table] = index
        guard index == ids.count else { return [] }
        var results: [TaskResult] = []
        for id in ids {
            guard case .succeeded(let result) = tasks[id]?.state else { return [] }
            results.append(result)
        }
        finishedTables[table] = true
        return [.tableSucceeded(table: table, results: results)]
    }

    /// A number in `0..<1` for jitter.
    private mutating func nextRandom() -> Double {
        Double(random.next() >> 11) * 0x1p-53
    }

    /// Hands waiting tasks whose backoff is over to usable executors with free slots, spreading load: each round
    /// gives one task to each executor that has room, least-loaded first. Tasks still backing off keep their place.
    mutating func assign() -> [Action] {
        let now = clock.now
        let admitted = admittedTables
        var actions: [Action] = []
        var index = 0
        while index < waiting.count {
            guard executorOrder.contains(where: { (executors[$0]?.free ?? 0) > 0 && isUsable($0) }) else { break }
            let taskID = waiting[index]
            guard var task = tasks[taskID], task.state == .waiting else {
                waiting.remove(at: index)
                continue
            }
            if let notBefore = task.notBefore, notBefore > now {
                index += 1
                continue
            }
            guard admitted.contains(task.spec.table) else {
                index += 1
                continue
            }
            guard let executor = bestExecutor(for: task) else { break }
            waiting.remove(at: index)
            backingOff.remove(taskID)
            task.state = .running(executor: executor)
            task.notBefore = nil
            task.live = [LiveAttempt(attempt: task.spec.attempt, executor: executor, startedAt: now, lastProgress: now, speculative: false)]
            tasks[taskID] = task
            executors[executor]?.running.insert(taskID)
            actions.append(.assign(task.spec, to: executor))
        }
        // Slots nothing waiting could take may run copies of slow attempts.
        return actions + speculate()
    }
}
