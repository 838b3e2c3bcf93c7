import SluiceCore
import SluiceScheduler
import Testing

/// An executor stopping for a rollout: DRAINING, then TASK_HANDED_BACK for what it could not finish.
@Suite struct TaskSchedulerDrainingTests {
    @Test func aDrainingExecutorGetsNoNewTaskButKeepsWhatItRuns() {
        var scheduler = makeScheduler(retries: 3)
        _ = scheduler.executorJoined("a", slots: 2)
        _ = scheduler.add(table: "orders", tasks: [task(1), task(2), task(3)])
        #expect(scheduler.executorDraining("a").isEmpty)
        #expect(!scheduler.isUsable("a"))
        #expect(scheduler.usableExecutorCount == 0)
        // Its slot frees up, but task 3 waits for another executor.
        #expect(assignments(scheduler.succeeded(result(1), executor: "a")).isEmpty)
        #expect(scheduler.state(of: 2) == .running(executor: "a"))
        #expect(assignments(scheduler.executorJoined("b", slots: 1)) == ["3@1->b"])
    }

    @Test func aHandedBackAttemptRunsAgainAtOnceElsewhereWithoutUsingARetry() {
        // No retries at all: a handed-back attempt must still run again, because it did not fail.
        var scheduler = makeScheduler(retries: 0)
        _ = scheduler.executorJoined("a", slots: 1)
        _ = scheduler.add(table: "orders", tasks: [task(1)])
        _ = scheduler.executorDraining("a")
        _ = scheduler.executorJoined("b", slots: 1)
        let actions = scheduler.taskHandedBack(1, attempt: 1, executor: "a")
        #expect(actions.first == .retryScheduled(scheduler.spec(of: 1)!, after: .zero))
        #expect(assignments(actions) == ["1@2->b"])
        #expect(scheduler.runningTasks(on: "a").isEmpty)
        #expect(scheduler.succeeded(result(1, attempt: 2), executor: "b")
            == [.tableSucceeded(table: "orders", results: [result(1, attempt: 2)])])
    }

    @Test func aHandedBackAttemptLeavesTheTasksRetriesIntact() {
        var scheduler = makeScheduler(retries: 1)
        _ = scheduler.executorJoined("a", slots: 1)
        _ = scheduler.add(table: "orders", tasks: [task(1)])
        _ = scheduler.executorDraining("a")
        _ = scheduler.executorJoined("b", slots: 1)
        _ = scheduler.taskHandedBack(1, attempt: 1, executor: "a")
        // Attempt 2 fails on b: the one retry is still there.
        #expect(assignments(scheduler.taskFailed(failure(1, attempt: 2), executor: "b")) == ["1@3->b"])
        let last = scheduler.taskFailed(failure(1, attempt: 3), executor: "b")
        #expect(last == [.tableFailed(table: "orders", error: boom(1))])
    }

    @Test func aHandBackOfAnAttemptThatIsNotCurrentIsIgnored() {
        var scheduler = makeScheduler(retries: 3)
        _ = scheduler.executorJoined("a", slots: 1)
        _ = scheduler.add(table: "orders", tasks: [task(1)])
        #expect(scheduler.taskHandedBack(1, attempt: 2, executor: "a").isEmpty)
        #expect(scheduler.taskHandedBack(1, attempt: 1, executor: "b").isEmpty)
        #expect(scheduler.state(of: 1) == .running(executor: "a"))
    }

    @Test func aDrainingExecutorIsNotExcludedAndDoesNotCountAsTheLastUsableOne() {
        var scheduler = makeScheduler(policy: RetryPolicy(retries: 5, excludeExecutorAfter: 1))
        _ = scheduler.executorJoined("a", slots: 1)
        _ = scheduler.executorJoined("b", slots: 1)
        _ = scheduler.add(table: "orders", tasks: [task(1), task(2), task(3)])
        _ = scheduler.executorDraining("b")
        _ = scheduler.succeeded(result(2), executor: "b")
        // a fails after b completed something; a is the last usable executor, so it is not excluded.
        let actions = scheduler.taskFailed(failure(1), executor: "a")
        #expect(!actions.contains { if case .executorExcluded = $0 { true } else { false } })
        #expect(scheduler.isUsable("a"))
    }

    @Test func anExecutorThatJoinsAgainAfterDrainingTakesTasks() {
        var scheduler = makeScheduler(retries: 3)
        _ = scheduler.executorJoined("a", slots: 1)
        _ = scheduler.executorDraining("a")
        _ = scheduler.executorLost("a", reason: SluiceError(.internalError, "drained"))
        _ = scheduler.add(table: "orders", tasks: [task(1)])
        #expect(assignments(scheduler.executorJoined("a", slots: 1)) == ["1@1->a"])
    }
}
