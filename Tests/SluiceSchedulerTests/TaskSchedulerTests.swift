import SluiceCore
import SluiceScheduler
import Testing

func task(_ id: UInt64, table: String = "orders", partition: UInt32 = 0) -> TaskSpec {
    TaskSpec(id: id, attempt: 0, runID: "r1", table: table, partitionIndex: partition, partitionCount: 4,
             read: ConnectorPayload(kind: "test", bytes: [UInt8(truncatingIfNeeded: id)]), shardPath: "/s/\(table)/\(id)")
}

func result(_ id: UInt64, attempt: UInt32 = 1, rows: UInt64 = 10) -> TaskResult {
    TaskResult(taskID: id, attempt: attempt, rowsExtracted: rows, rowsStaged: rows, maxCursor: "\(id)", shardPath: "/s/\(id)",
               shardBytes: 100, receipt: ConnectorPayload(kind: "test", bytes: [UInt8(attempt)]))
}

func failure(_ id: UInt64, attempt: UInt32 = 1, retryable: Bool = true) -> TaskFailure {
    TaskFailure(taskID: id, attempt: attempt, error: boom(id, retryable: retryable))
}

/// The error of ``failure(_:attempt:retryable:)``.
func boom(_ id: UInt64, retryable: Bool = true) -> SluiceError {
    SluiceError(.internalError, "boom \(id)", retryable: retryable)
}

typealias Scheduler = TaskScheduler<ManualClock>

/// A scheduler on a manual clock; without `policy`, retries are immediate and no executor is excluded.
func makeScheduler(retries: Int = 0, policy: RetryPolicy? = nil, clock: ManualClock = ManualClock(), seed: UInt64 = 1) -> Scheduler {
    Scheduler(policy: policy ?? RetryPolicy(retries: retries), clock: clock, seed: seed)
}

extension TaskScheduler {
    /// An attempt succeeded, and the driver approved its table as soon as every task staged and committed each
    /// at once: the actions of all those events, the approvals and commits left out.
    mutating func succeeded(_ result: TaskResult, executor: ExecutorID) -> [Action] {
        driverCarriesOut(taskSucceeded(result, executor: executor))
    }

    mutating func driverCarriesOut(_ actions: [Action]) -> [Action] {
        var remaining: [Action] = []
        for action in actions {
            switch action {
            case .tableStaged(let table, _): remaining += driverCarriesOut(approveCommits(table))
            case .commit(let result, _): remaining += driverCarriesOut(taskCommitted(result.taskID))
            default: remaining.append(action)
            }
        }
        return remaining
    }
}

/// (task id, attempt, executor) of each assignment.
func assignments(_ actions: [Scheduler.Action]) -> [String] {
    actions.compactMap {
        if case .assign(let spec, let executor) = $0 { return "\(spec.id)@\(spec.attempt)->\(executor)" }
        return nil
    }
}

@Suite struct TaskSchedulerTests {
    @Test func assignsUpToEachExecutorsSlotsAndSpreadsLoad() {
        var scheduler = makeScheduler(retries: 2)
        #expect(scheduler.add(table: "orders", tasks: (1...5).map { task($0) }).isEmpty)
        #expect(assignments(scheduler.executorJoined("a", slots: 2)) == ["1@1->a", "2@1->a"])
        #expect(assignments(scheduler.executorJoined("b", slots: 2)) == ["3@1->b", "4@1->b"])
        #expect(scheduler.outstandingTaskCount == 5)
        // A finished task frees a slot for the last one.
        #expect(assignments(scheduler.succeeded(result(2), executor: "a")) == ["5@1->a"])
    }

    @Test func aTableSucceedsWhenAllItsTasksDid() {
        var scheduler = makeScheduler(retries: 0)
        _ = scheduler.executorJoined("a", slots: 4)
        _ = scheduler.add(table: "orders", tasks: [task(1), task(2)])
        #expect(scheduler.succeeded(result(2), executor: "a").isEmpty)
        let done = scheduler.succeeded(result(1), executor: "a")
        #expect(done == [.tableSucceeded(table: "orders", results: [result(1), result(2)])])
        #expect(scheduler.isFinished)
    }

    @Test func retriesAFailedAttemptOnAnotherExecutor() {
        var scheduler = makeScheduler(retries: 1)
        _ = scheduler.executorJoined("a", slots: 1)
        _ = scheduler.executorJoined("b", slots: 1)
        _ = scheduler.add(table: "orders", tasks: [task(1)])
        // Task 1 went to a; its failure retries it on b (a is avoided).
        #expect(assignments(scheduler.taskFailed(failure(1), executor: "a")) == ["1@2->b"])
        // The retry fails too: no attempts left, so the table fails with that error.
        let actions = scheduler.taskFailed(failure(1, attempt: 2), executor: "b")
        #expect(actions == [.tableFailed(table: "orders", error: SluiceError(.internalError, "boom 1"))])
        #expect(scheduler.isFinished)
    }

    @Test func aNonRetryableFailureFailsTheTableAndDropsItsWaitingTasks() {
        var scheduler = makeScheduler(retries: 5)
        _ = scheduler.executorJoined("a", slots: 1)
        _ = scheduler.add(table: "orders", tasks: [task(1), task(2)])
        _ = scheduler.add(table: "items", tasks: [task(3, table: "items")])
        let actions = scheduler.taskFailed(failure(1, retryable: false), executor: "a")
        #expect(actions.first == .tableFailed(table: "orders", error: boom(1, retryable: false)))
        // Task 2 of the failed table is dropped; the other table's task runs next.
        #expect(assignments(actions) == ["3@1->a"])
        #expect(scheduler.state(of: 2) == .cancelled)
        #expect(scheduler.succeeded(result(3), executor: "a") == [.tableSucceeded(table: "items", results: [result(3)])])
        #expect(scheduler.isFinished)
    }

    @Test func aLostExecutorsTasksAreRetriedElsewhere() {
        var scheduler = makeScheduler(retries: 3)
        _ = scheduler.executorJoined("a", slots: 2)
        _ = scheduler.add(table: "orders", tasks: [task(1), task(2), task(3)])
        #expect(assignments(scheduler.executorJoined("b", slots: 1)) == ["3@1->b"])
        let lost = scheduler.executorLost("a", reason: SluiceError(.internalError, "heartbeat timeout"))
        // Both of a's tasks wait for b's single slot.
        #expect(assignments(lost).isEmpty)
        #expect(scheduler.runningTasks(on: "a").isEmpty)
        #expect(assignments(scheduler.succeeded(result(3), executor: "b")) == ["1@2->b"])
        #expect(assignments(scheduler.succeeded(result(1, attempt: 2), executor: "b")) == ["2@2->b"])
    }

    @Test func lateReportsFromAReplacedAttemptAreIgnored() {
        var scheduler = makeScheduler(retries: 3)
        _ = scheduler.executorJoined("a", slots: 1)
        _ = scheduler.add(table: "orders", tasks: [task(1)])
        _ = scheduler.executorLost("a", reason: SluiceError(.internalError, "gone"))
        #expect(assignments(scheduler.executorJoined("b", slots: 1)) == ["1@2->b"])
        // a's first attempt reports after all: not counted, and what it staged is thrown away.
        #expect(scheduler.taskSucceeded(result(1, attempt: 1), executor: "a") == [.discard(result(1, attempt: 1), table: "orders")])
        #expect(scheduler.taskFailed(failure(1, attempt: 1), executor: "a").isEmpty)
        #expect(scheduler.state(of: 1) == .running(executor: "b"))
        #expect(scheduler.succeeded(result(1, attempt: 2), executor: "b")
            == [.tableSucceeded(table: "orders", results: [result(1, attempt: 2)])])
    }

    @Test func exhaustingAttemptsThroughLostExecutorsFailsTheTable() {
        var scheduler = makeScheduler(retries: 1)
        _ = scheduler.add(table: "orders", tasks: [task(1)])
        _ = scheduler.executorJoined("a", slots: 1)
        _ = scheduler.executorLost("a", reason: SluiceError(.internalError, "killed"))
        _ = scheduler.executorJoined("b", slots: 1)
        let actions = scheduler.executorLost("b", reason: SluiceError(.internalError, "killed again"))
        guard case .tableFailed(let table, let error)? = actions.first else {
            Issue.record("expected the table to fail, got \(actions)")
            return
        }
        #expect(table == "orders")
        #expect(error.message == "killed again")
        #expect(error.context.task == "orders#0")
    }

    @Test func anEmptyTableSucceedsAtOnce() {
        var scheduler = makeScheduler(retries: 0)
        #expect(scheduler.add(table: "empty", tasks: []) == [.tableSucceeded(table: "empty", results: [])])
        #expect(scheduler.isFinished)
    }

    @Test func abandoningFailsOnlyUnfinishedTables() {
        var scheduler = makeScheduler(retries: 0)
        _ = scheduler.executorJoined("a", slots: 1)
        _ = scheduler.add(table: "done", tasks: [task(1, table: "done")])
        _ = scheduler.succeeded(result(1), executor: "a")
        _ = scheduler.add(table: "stuck", tasks: [task(2, table: "stuck"), task(3, table: "stuck")])
        #expect(scheduler.isTableFinished("done"))
        #expect(!scheduler.isTableFinished("stuck"))
        scheduler.abandonAll()
        #expect(scheduler.isFinished)
        #expect(scheduler.state(of: 1) == .succeeded(result(1)))
        #expect(scheduler.state(of: 2) == .cancelled && scheduler.state(of: 3) == .cancelled)
        #expect(scheduler.outstandingTaskCount == 0)
        // A late report for an abandoned task changes nothing but discarding what it staged.
        #expect(scheduler.taskSucceeded(result(2), executor: "a") == [.discard(result(2), table: "stuck")])
    }

    // MARK: committing

    @Test func stagedRowsWaitForTheWholeTableThenCommitOnceEach() {
        var scheduler = makeScheduler(retries: 1)
        _ = scheduler.executorJoined("a", slots: 1)
        _ = scheduler.add(table: "orders", tasks: [task(1), task(2)])
        // The attempt's slot is free at once; its rows wait until the table's last task staged its own.
        let actions = scheduler.taskSucceeded(result(1), executor: "a")
        #expect(actions == [.assign(scheduler.spec(of: 2)!, to: "a")])
        #expect(scheduler.state(of: 1) == .staged(result(1)))
        #expect(scheduler.outstandingTaskCount == 2)
        #expect(scheduler.taskSucceeded(result(2), executor: "a") == [.tableStaged(table: "orders", results: [result(1), result(2)])])
        #expect(scheduler.approveCommits("orders") == [.commit(result(1), table: "orders"), .commit(result(2), table: "orders")])
        #expect(scheduler.state(of: 1) == .committing(result(1)))
        // Approving twice commits nothing twice.
        #expect(scheduler.approveCommits("orders").isEmpty)
        #expect(scheduler.taskCommitted(1).isEmpty)
        #expect(scheduler.state(of: 1) == .succeeded(result(1)))
        #expect(scheduler.taskCommitted(2) == [.tableSucceeded(table: "orders", results: [result(1), result(2)])])
        // A second commit report changes nothing.
        #expect(scheduler.taskCommitted(2).isEmpty)
    }

    @Test func aTableFailingBeforeItsLastTaskStagedCommitsNothing() {
        var scheduler = makeScheduler(retries: 0)
        _ = scheduler.executorJoined("a", slots: 2)
        _ = scheduler.add(table: "orders", tasks: [task(1), task(2)])
        #expect(scheduler.taskSucceeded(result(1), executor: "a").isEmpty)
        let actions = scheduler.taskFailed(failure(2, retryable: false), executor: "a")
        #expect(actions == [.tableFailed(table: "orders", error: boom(2, retryable: false))])
        // Task 1's rows were never committed, and never will be.
        #expect(scheduler.state(of: 1) == .cancelled)
        #expect(scheduler.approveCommits("orders").isEmpty)
        #expect(scheduler.isFinished && scheduler.outstandingTaskCount == 0)
    }

    @Test func aRejectedTableCommitsNothing() {
        var scheduler = makeScheduler(retries: 0)
        _ = scheduler.executorJoined("a", slots: 2)
        _ = scheduler.add(table: "orders", tasks: [task(1), task(2)])
        _ = scheduler.add(table: "items", tasks: [task(3, table: "items")])
        _ = scheduler.taskSucceeded(result(1), executor: "a")
        #expect(scheduler.taskSucceeded(result(2), executor: "a").contains(.tableStaged(table: "orders", results: [result(1), result(2)])))
        let tooMany = SluiceError(.internalError, "too many rows quarantined")
        #expect(scheduler.rejectTable("orders", error: tooMany) == [.tableFailed(table: "orders", error: tooMany)])
        #expect(scheduler.state(of: 1) == .cancelled && scheduler.state(of: 2) == .cancelled)
        #expect(scheduler.approveCommits("orders").isEmpty)
        // The other table goes on.
        #expect(scheduler.succeeded(result(3), executor: "a") == [.tableSucceeded(table: "items", results: [result(3)])])
    }

    @Test func aFailedCommitIsAFailedAttemptWhoseRetryCommitsAsItStages() {
        var scheduler = makeScheduler(retries: 1)
        _ = scheduler.executorJoined("a", slots: 1)
        _ = scheduler.add(table: "orders", tasks: [task(1)])
        _ = scheduler.taskSucceeded(result(1), executor: "a")
        _ = scheduler.approveCommits("orders")
        let boom = SluiceError(.internalError, "attach failed", retryable: true)
        #expect(assignments(scheduler.commitFailed(1, error: boom)) == ["1@2->a"])
        // The table was approved already: the retry commits as soon as it staged.
        #expect(scheduler.taskSucceeded(result(1, attempt: 2), executor: "a") == [.commit(result(1, attempt: 2), table: "orders")])
        #expect(scheduler.commitFailed(1, error: boom) == [.tableFailed(table: "orders", error: boom)])
    }

    @Test func losingAnExecutorDoesNotUndoACommitInProgress() {
        var scheduler = makeScheduler(retries: 1)
        _ = scheduler.executorJoined("a", slots: 1)
        _ = scheduler.add(table: "orders", tasks: [task(1)])
        _ = scheduler.taskSucceeded(result(1), executor: "a")
        #expect(scheduler.approveCommits("orders") == [.commit(result(1), table: "orders")])
        #expect(scheduler.executorLost("a", reason: SluiceError(.internalError, "gone")).isEmpty)
        #expect(scheduler.taskCommitted(1) == [.tableSucceeded(table: "orders", results: [result(1)])])
    }

    @Test func anAttemptReportingAfterItsTableFailedIsDiscarded() {
        var scheduler = makeScheduler(retries: 0)
        _ = scheduler.executorJoined("a", slots: 2)
        _ = scheduler.add(table: "orders", tasks: [task(1), task(2)])
        _ = scheduler.taskFailed(failure(1, retryable: false), executor: "a")
        // Task 2 was running when its table failed: what it staged must not be committed.
        #expect(scheduler.taskSucceeded(result(2), executor: "a") == [.discard(result(2), table: "orders")])
    }
}
