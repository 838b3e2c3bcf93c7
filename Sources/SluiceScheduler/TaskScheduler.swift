public import SluiceCore

/// The driver's bookkeeping of a run, as a pure state machine: which tasks wait, which executor runs what,
/// what to retry, and when a table is done. No IO and no clock: the driver feeds it events and carries out
/// the actions it returns.
///
/// Rules:
/// - Tasks are handed out first-come first-served to executors with free slots.
/// - A failed attempt (reported, or lost with its executor) is retried while attempts remain, preferably
///   on another executor; a non-retryable failure or the last failed attempt fails the whole table, and
///   the table's waiting tasks are dropped.
/// - A successful attempt is not yet a succeeded task. Its rows wait, staged, until every task of the table has
///   staged its own (``Action/tableStaged``), so that a table that fails loads nothing; the driver then approves
///   the table (``approveCommits(_:)``, or ``rejectTable(_:error:)``) and commits what each task staged
///   (``Action/commit``), exactly once per task, reporting back (``taskCommitted(_:)`` or
///   ``commitFailed(_:error:retryable:)``). A task retried after its commit failed is committed as soon as it
///   stages again.
/// - Reports for an attempt that is no longer current (a late result from an executor declared dead) are
///   ignored, so a task is counted once; what such an attempt staged is discarded (``Action/discard``).
/// - A table succeeds when all its tasks were committed.
public struct TaskScheduler: Sendable {
    public typealias ExecutorID = String

    /// What the driver must do after an event.
    public enum Action: Sendable, Equatable {
        /// Send `task` to `executor`.
        case assign(TaskSpec, to: ExecutorID)
        /// Every task of `table` staged its rows (results in partition order): check them as a whole, then call
        /// ``approveCommits(_:)`` or ``rejectTable(_:error:)``.
        case tableStaged(table: String, results: [TaskResult])
        /// Commit what the current attempt of a task staged, then report ``taskCommitted(_:)`` or
        /// ``commitFailed(_:error:retryable:)``.
        case commit(TaskResult, table: String)
        /// Throw away what an attempt staged: it is not the task's current attempt, or its table is over.
        case discard(TaskResult, table: String)
        /// Every task of `table` succeeded; its results, in partition order.
        case tableSucceeded(table: String, results: [TaskResult])
        /// `table` failed: `error` is the failure that decided it.
        case tableFailed(table: String, error: SluiceError)
    }

    /// The life of one task.
    public enum TaskState: Sendable, Equatable {
        case waiting
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
        /// Executors on which an attempt failed, avoided for retries when others are free.
        var failedOn: Set<ExecutorID> = []
    }

    struct ExecutorEntry: Sendable {
        var slots: Int
        var running: Set<UInt64> = []
        var free: Int { slots - running.count }
    }

    public let maxAttempts: UInt32
    private var tasks: [UInt64: TaskEntry] = [:]
    private var waiting: [UInt64] = []
    private var executors: [ExecutorID: ExecutorEntry] = [:]
    private var executorOrder: [ExecutorID] = []
    private var tablesByName: [String: [UInt64]] = [:]
    private var finishedTables: [String: Bool] = [:]
    /// Tables whose staged rows the driver approved: their tasks commit as they stage.
    private var approvedTables: Set<String> = []

    /// `retries` failed attempts are retried; a task runs at most `retries + 1` times.
    public init(retries: Int) {
        maxAttempts = UInt32(max(0, retries) + 1)
    }

    // MARK: events

    /// Adds a table's tasks (attempt numbers are set by the scheduler) and assigns what it can.
    public mutating func add(table: String, tasks specs: [TaskSpec]) -> [Action] {
        precondition(tablesByName[table] == nil, "table \(table) added twice")
        tablesByName[table] = specs.map(\.id)
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
        return assign()
    }

    /// An executor disconnected or went silent; its running attempts count as failed.
    public mutating func executorLost(_ id: ExecutorID, reason: SluiceError) -> [Action] {
        guard let entry = executors.removeValue(forKey: id) else { return [] }
        executorOrder.removeAll { $0 == id }
        var actions: [Action] = []
        for taskID in entry.running.sorted() {
            guard let task = tasks[taskID] else { continue }
            let error = reason.adding(ErrorContext(table: task.spec.table, task: task.spec.label))
            actions += attemptFailed(taskID, on: id, error: error, retryable: true)
        }
        return actions + assign()
    }

    /// An attempt succeeded: the driver commits what it staged, unless the attempt is not current any more
    /// (then what it staged is discarded).
    public mutating func taskSucceeded(_ result: TaskResult, executor: ExecutorID) -> [Action] {
        guard var task = tasks[result.taskID] else { return [] }
        guard isCurrent(task, attempt: result.attempt, executor: executor), finishedTables[task.spec.table] == nil else {
            return [.discard(result, table: task.spec.table)]
        }
        executors[executor]?.running.remove(result.taskID)
        let table = task.spec.table
        if approvedTables.contains(table) {
            task.state = .committing(result)
            tasks[result.taskID] = task
            return [.commit(result, table: table)] + assign()
        }
        task.state = .staged(result)
        tasks[result.taskID] = task
        return stagedIfComplete(table) + assign()
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
        return finishTableIfDone(task.spec.table)
    }

    /// The commit failed: the attempt counts as failed (retried if attempts remain and `retryable`).
    public mutating func commitFailed(_ taskID: UInt64, error: SluiceError, retryable: Bool) -> [Action] {
        guard let task = tasks[taskID], case .committing = task.state else { return [] }
        return attemptFailed(taskID, on: nil, error: error, retryable: retryable) + assign()
    }

    public mutating func taskFailed(_ failure: TaskFailure, executor: ExecutorID) -> [Action] {
        guard let task = tasks[failure.taskID], isCurrent(task, attempt: failure.attempt, executor: executor) else {
            return []
        }
        executors[executor]?.running.remove(failure.taskID)
        return attemptFailed(failure.taskID, on: executor, error: failure.error, retryable: failure.retryable) + assign()
    }

    // MARK: queries

    public func state(of taskID: UInt64) -> TaskState? { tasks[taskID]?.state }

    public func spec(of taskID: UInt64) -> TaskSpec? { tasks[taskID]?.spec }

    /// True when every table succeeded or failed.
    public var isFinished: Bool { finishedTables.count == tablesByName.count }

    public var executorCount: Int { executors.count }

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

    private func isCurrent(_ task: TaskEntry, attempt: UInt32, executor: ExecutorID) -> Bool {
        task.spec.attempt == attempt && task.state == .running(executor: executor)
    }

    private mutating func attemptFailed(_ taskID: UInt64, on executor: ExecutorID?, error: SluiceError,
                                        retryable: Bool) -> [Action] {
        guard var task = tasks[taskID] else { return [] }
        if let executor { task.failedOn.insert(executor) }
        if retryable && task.spec.attempt < maxAttempts && finishedTables[task.spec.table] == nil {
            task.spec.attempt += 1
            task.state = .waiting
            tasks[taskID] = task
            waiting.append(taskID)
            return []
        }
        task.state = .failed(error)
        tasks[taskID] = task
        return failTable(task.spec.table, error: error)
    }

    private mutating func failTable(_ table: String, error: SluiceError) -> [Action] {
        guard finishedTables[table] == nil else { return [] }
        finishedTables[table] = false
        for id in tablesByName[table] ?? [] {
            switch tasks[id]?.state {
            // Staged rows are never committed now; the sink's clean-up removes them.
            case .waiting?, .staged?: tasks[id]?.state = .cancelled
            default: break
            }
        }
        waiting.removeAll { tasks[$0]?.state == .cancelled }
        return [.tableFailed(table: table, error: error)]
    }

    /// `.tableStaged` once every task of an unapproved table staged its rows.
    private func stagedIfComplete(_ table: String) -> [Action] {
        guard finishedTables[table] == nil, !approvedTables.contains(table), let ids = tablesByName[table] else { return [] }
        var results: [TaskResult] = []
        for id in ids {
            guard case .staged(let result)? = tasks[id]?.state else { return [] }
            results.append(result)
        }
        return [.tableStaged(table: table, results: results)]
    }

    private mutating func finishTableIfDone(_ table: String) -> [Action] {
        guard finishedTables[table] == nil, let ids = tablesByName[table] else { return [] }
        var results: [TaskResult] = []
        for id in ids {
            guard case .succeeded(let result) = tasks[id]?.state else { return [] }
            results.append(result)
        }
        finishedTables[table] = true
        return [.tableSucceeded(table: table, results: results)]
    }

    /// Hands waiting tasks to executors with free slots, spreading load: each round gives one task to
    /// each executor that has room, least-loaded first.
    private mutating func assign() -> [Action] {
        var actions: [Action] = []
        while !waiting.isEmpty {
            let candidates = executorOrder.filter { (executors[$0]?.free ?? 0) > 0 }
            guard !candidates.isEmpty else { break }
            let taskID = waiting.removeFirst()
            guard var task = tasks[taskID], task.state == .waiting else { continue }
            let preferred = candidates.filter { !task.failedOn.contains($0) }
            let pool = preferred.isEmpty ? candidates : preferred
            let executor = pool.max { (executors[$0]?.free ?? 0) < (executors[$1]?.free ?? 0) }!
            task.state = .running(executor: executor)
            tasks[taskID] = task
            executors[executor]?.running.insert(taskID)
            actions.append(.assign(task.spec, to: executor))
        }
        return actions
    }
}
