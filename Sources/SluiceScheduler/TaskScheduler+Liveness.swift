public import SluiceCore

/// The liveness rules of ``TaskScheduler`` (``SchedulingPolicy``): attempts that stall, speculative copies of slow
/// attempts, and which tables may have tasks out. All decided from the injected clock, so tests drive them exactly.
extension TaskScheduler {
    // MARK: events

    /// An attempt reported progress (the driver calls this only when its counts moved): its stall timer restarts.
    public mutating func taskProgressed(_ taskID: UInt64, attempt: UInt32, executor: ExecutorID) {
        guard let index = tasks[taskID]?.live.firstIndex(where: { $0.attempt == attempt && $0.executor == executor }) else { return }
        let now = clock.now
        tasks[taskID]?.live[index].lastProgress = now
    }

    // MARK: queries

    /// Whether `attempt` of a task is running on `executor` now (its reports count).
    public func isLive(_ taskID: UInt64, attempt: UInt32, executor: ExecutorID) -> Bool {
        guard let task = tasks[taskID] else { return false }
        return isCurrent(task, attempt: attempt, executor: executor)
    }

    /// The attempt of a task running on `executor`, if one is.
    public func liveAttempt(of taskID: UInt64, on executor: ExecutorID) -> UInt32? {
        tasks[taskID]?.live.first { $0.executor == executor }?.attempt
    }

    /// Whether `attempt` of a task is (or was launched as) a speculative copy.
    public func isSpeculative(_ taskID: UInt64, attempt: UInt32) -> Bool {
        tasks[taskID]?.live.contains { $0.attempt == attempt && $0.speculative } ?? false
    }

    /// When the driver should call ``timerFired()`` next: the earliest of a retry's backoff ending, an attempt
    /// reaching the stall timeout, and a running attempt becoming slow enough to copy.
    public var nextWakeUp: C.Instant? {
        let now = clock.now
        var due: [C.Instant] = nextRetryDue.map { [$0] } ?? []
        for taskID in runningTaskIDs {
            guard let task = tasks[taskID], case .running = task.state else { continue }
            if let timeout = scheduling.stallTimeout {
                due += task.live.map { $0.lastProgress.advanced(by: timeout) }
            }
            if task.live.count == 1, !task.speculated, let threshold = speculationThreshold(task.spec.table) {
                due.append(task.live[0].startedAt.advanced(by: threshold))
            }
        }
        return due.filter { $0 > now }.min()
    }

    /// The path a speculative attempt writes a shard to instead of `path`, so that two live attempts of a task never
    /// write or remove each other's files: `part-00003.parquet` → `part-00003.attempt-2.parquet`.
    public static func speculativeShardPath(_ path: String, attempt: UInt32) -> String {
        let suffix = ".parquet"
        let stem = path.hasSuffix(suffix) ? String(path.dropLast(suffix.count)) : path
        return stem + ".attempt-\(attempt)" + suffix
    }

    // MARK: rules

    /// The tasks with an attempt on a connected executor, in id order: what the liveness rules look at (not every
    /// task of the run, which may have thousands).
    var runningTaskIDs: [UInt64] {
        Set(executors.values.flatMap(\.running)).sorted()
    }

    /// The tables whose tasks may be assigned: the first ``SchedulingPolicy/maxParallelTables`` unfinished ones, in
    /// the order they were added (all of them without a limit).
    var admittedTables: Set<String> {
        let unfinished = tableOrder.filter { finishedTables[$0] == nil }
        guard let limit = scheduling.maxParallelTables else { return Set(unfinished) }
        return Set(unfinished.prefix(limit))
    }

    /// How long an attempt of `table` runs before it gets a copy; nil when speculation is off or too few of the
    /// table's tasks staged.
    func speculationThreshold(_ table: String) -> Duration? {
        guard let speculation = scheduling.speculation, finishedTables[table] == nil else { return nil }
        return speculation.threshold(completed: stagedDurations[table] ?? [], taskCount: tablesByName[table]?.count ?? 0)
    }

    /// Cancels every attempt that made no progress for the stall timeout. An attempt with a live sibling just ends;
    /// otherwise the task fails retryably with `task_stalled`, so it is retried after its backoff (elsewhere if it
    /// can be) or its table fails once the attempts are used up. A stall says nothing sure about the executor (the
    /// server it waits on may be the one stuck), so it does not count towards excluding the executor.
    mutating func failStalledAttempts() -> [Action] {
        guard let timeout = scheduling.stallTimeout else { return [] }
        let now = clock.now
        var actions: [Action] = []
        for taskID in runningTaskIDs {
            guard let task = tasks[taskID], case .running = task.state else { continue }
            for attempt in task.live where attempt.lastProgress.advanced(by: timeout) <= now {
                let error = SluiceError(
                    .taskStalled, "attempt \(attempt.attempt) of task \(task.spec.label) made no progress for \(timeout) on executor \(attempt.executor)",
                    context: ErrorContext(table: task.spec.table, task: task.spec.label))
                actions.append(.cancelAttempt(taskID: taskID, attempt: attempt.attempt, executor: attempt.executor, reason: .stalled(error)))
                executors[attempt.executor]?.running.remove(taskID)
                if !dropLiveAttempt(taskID, on: attempt.executor) {
                    actions += attemptFailed(taskID, on: attempt.executor, error: error, backoff: true)
                }
            }
        }
        return actions
    }

    /// Launches a copy of each running attempt slower than its table's threshold on another executor with a free
    /// slot (once per task, while it has attempts left).
    mutating func speculate() -> [Action] {
        guard scheduling.speculation != nil else { return [] }
        let now = clock.now
        let admitted = admittedTables
        var actions: [Action] = []
        for taskID in runningTaskIDs {
            guard var task = tasks[taskID], case .running = task.state, task.live.count == 1, !task.speculated,
                  task.attemptsCounted < maxAttempts, admitted.contains(task.spec.table),
                  let threshold = speculationThreshold(task.spec.table),
                  task.live[0].startedAt.advanced(by: threshold) <= now,
                  let executor = bestExecutor(for: task, excluding: [task.live[0].executor])
            else { continue }
            task.spec.attempt += 1
            task.speculated = true
            task.live.append(LiveAttempt(attempt: task.spec.attempt, executor: executor, startedAt: now, lastProgress: now, speculative: true))
            tasks[taskID] = task
            executors[executor]?.running.insert(taskID)
            actions.append(.speculate(Self.speculativeCopy(of: task.spec), to: executor))
        }
        return actions
    }

    /// `spec` with every shard path made the attempt's own.
    static func speculativeCopy(of spec: TaskSpec) -> TaskSpec {
        var copy = spec
        copy.shardPath = speculativeShardPath(spec.shardPath, attempt: spec.attempt)
        for index in copy.related.indices {
            copy.related[index].shardPath = speculativeShardPath(copy.related[index].shardPath, attempt: spec.attempt)
        }
        return copy
    }

    /// Cancels the task's live attempts other than `except` (all with nil), freeing their slots.
    mutating func cancelLiveAttempts(of task: inout TaskEntry, except attempt: UInt32?, reason: CancelReason) -> [Action] {
        var actions: [Action] = []
        for live in task.live where live.attempt != attempt {
            executors[live.executor]?.running.remove(task.spec.id)
            actions.append(.cancelAttempt(taskID: task.spec.id, attempt: live.attempt, executor: live.executor, reason: reason))
        }
        task.live.removeAll()
        return actions
    }

    /// Ends the task's attempt on `executor` when another attempt of it is still live, which then carries the task
    /// on alone; false (nothing changed) when it was the only one.
    mutating func dropLiveAttempt(_ taskID: UInt64, on executor: ExecutorID) -> Bool {
        guard var task = tasks[taskID], task.live.count > 1, task.live.contains(where: { $0.executor == executor }) else { return false }
        task.live.removeAll { $0.executor == executor }
        task.state = .running(executor: task.live[0].executor)
        tasks[taskID] = task
        return true
    }
}

extension SluiceError.Code {
    /// An attempt made no progress for `run.task_stall_timeout`.
    public static let taskStalled = Self("task_stalled", retryable: true)
    /// Another table failed and `run.fail_fast` is set.
    public static let runFailFast = Self("run_fail_fast", retryable: false)
}
