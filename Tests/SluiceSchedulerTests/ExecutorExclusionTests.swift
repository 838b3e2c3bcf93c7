import SluiceCore
import SluiceScheduler
import Testing

/// A sequence of outcomes (`b+` an attempt completed on b, `a-` a retryable failure on a) and the executors whose
/// streak reached the limit, one entry per failure that reached it.
struct StreakCase: CustomStringConvertible, Sendable {
    var name: String
    var limit: Int = 3
    var outcomes: String
    var reached: [String]
    var description: String { name }
}

let streakCases: [StreakCase] = [
    StreakCase(name: "failing while another succeeds in between", outcomes: "b+ a- b+ a- b+ a-", reached: ["a"]),
    StreakCase(name: "an outage: everybody fails, nobody is blamed", outcomes: "a- b- a- b- a- b- a- b-", reached: []),
    StreakCase(name: "failures in a burst count once per success elsewhere", outcomes: "b+ a- a- a- a- a-", reached: []),
    StreakCase(name: "a success of its own ends the streak", outcomes: "b+ a- b+ a- a+ b+ a- b+ a-", reached: []),
    StreakCase(name: "an outage starting after successes blames nobody", outcomes: "a+ b+ a- b- a- b- a- b- a+ b+", reached: []),
    StreakCase(name: "two bad executors beside a good one are both found", outcomes: "c+ a- b- c+ a- b- c+ a- b-", reached: ["a", "b"]),
    StreakCase(name: "the limit is configurable", limit: 1, outcomes: "a- b+ a-", reached: ["a"]),
    StreakCase(name: "limit 0 never excludes", limit: 0, outcomes: "b+ a- b+ a- b+ a- b+ a-", reached: []),
]

@Suite struct ExecutorExclusionTests {
    @Test(arguments: streakCases) func streaks(_ story: StreakCase) {
        var streaks = ExecutorFailureStreaks(limit: story.limit)
        for id in ["a", "b", "c"] { streaks.joined(id) }
        var reached: [String] = []
        for outcome in story.outcomes.split(separator: " ") {
            let executor = String(outcome.dropLast())
            if outcome.hasSuffix("+") {
                streaks.succeeded(on: executor)
            } else if streaks.failed(on: executor) {
                reached.append(executor)
            }
        }
        #expect(reached == story.reached)
    }

    /// Two executors of one slot each and many tasks, retried at once: a fails every attempt, b completes every one.
    @Test func anExecutorThatFailsWhatOthersCompleteIsExcludedAndGetsNoMoreTasks() {
        var scheduler = makeScheduler(policy: RetryPolicy(retries: 5, excludeExecutorAfter: 3))
        _ = scheduler.add(table: "orders", tasks: (1...8).map { task($0) })
        #expect(assignments(scheduler.executorJoined("a", slots: 1)) == ["1@1->a"])
        #expect(assignments(scheduler.executorJoined("b", slots: 1)) == ["2@1->b"])
        var lines: [String] = []
        // b completes, a fails, three times: the third failure excludes a.
        for round in 0..<3 {
            let onB = scheduler.runningTasks(on: "b")[0], onA = scheduler.runningTasks(on: "a")[0]
            lines += describe(scheduler.taskSucceeded(result(onB), executor: "b"), scheduler)
            let attempt = scheduler.spec(of: onA)!.attempt
            lines += describe(scheduler.taskFailed(failure(onA, attempt: attempt), executor: "a"), scheduler)
            if round < 2 { #expect(scheduler.isUsable("a")) }
        }
        #expect(lines == [
            "assign 3@1->b", "retry 1@2 in 0s", "assign 4@1->a",
            "assign 5@1->b", "retry 4@2 in 0s", "assign 6@1->a",
            "assign 7@1->b", "exclude a after 3", "retry 6@2 in 0s",
        ])
        #expect(!scheduler.isUsable("a") && scheduler.usableExecutorCount == 1)
        #expect(scheduler.exclusions == [ExecutorExclusion(executor: "a", failures: 3, error: boom(6))])
        // Every later task goes to b, even when a joins again with room to spare.
        #expect(scheduler.executorJoined("a", slots: 4).isEmpty)
        #expect(assignments(scheduler.taskSucceeded(result(7), executor: "b")) == ["8@1->b"])
    }

    @Test func permanentFailuresSayNothingAboutTheExecutor() {
        var scheduler = makeScheduler(policy: RetryPolicy(retries: 0, excludeExecutorAfter: 1))
        for id: UInt64 in 1...4 { _ = scheduler.add(table: "t\(id)", tasks: [task(id, table: "t\(id)")]) }
        _ = scheduler.executorJoined("a", slots: 1)
        _ = scheduler.executorJoined("b", slots: 1)
        _ = scheduler.taskSucceeded(result(2), executor: "b")
        let actions = scheduler.taskFailed(failure(1, retryable: false), executor: "a")
        #expect(!actions.contains { if case .executorExcluded = $0 { true } else { false } })
        #expect(scheduler.isUsable("a"))
    }

    @Test func theLastExecutorThatCanTakeTasksIsNeverExcluded() {
        var scheduler = makeScheduler(policy: RetryPolicy(retries: 9, excludeExecutorAfter: 1))
        _ = scheduler.add(table: "orders", tasks: [task(1), task(2), task(3)])
        _ = scheduler.executorJoined("a", slots: 1)
        _ = scheduler.executorJoined("b", slots: 1)
        _ = scheduler.taskSucceeded(result(2), executor: "b")
        // b left (its task 3 waits); a is the only executor, and b's success is evidence against it: it still gets tasks.
        _ = scheduler.executorLost("b", reason: SluiceError(.internalError, "gone"))
        let actions = scheduler.taskFailed(failure(1), executor: "a")
        #expect(describe(actions, scheduler) == ["retry 1@2 in 0s", "assign 3@2->a"])
        #expect(scheduler.isUsable("a"))
    }

    @Test func anOutageUnderEveryExecutorExcludesNobodyAndTheRunRecovers() {
        let clock = ManualClock()
        var scheduler = makeScheduler(policy: RetryPolicy(retries: 3, backoff: .seconds(5), backoffMax: .seconds(30),
                                                          excludeExecutorAfter: 1), clock: clock)
        _ = scheduler.add(table: "orders", tasks: (1...4).map { task($0) })
        _ = scheduler.executorJoined("a", slots: 2)
        _ = scheduler.executorJoined("b", slots: 2)
        for id: UInt64 in 1...4 {
            let executor = scheduler.runningTasks(on: "a").contains(id) ? "a" : "b"
            let actions = scheduler.taskFailed(failure(id), executor: executor)
            #expect(!actions.contains { if case .executorExcluded = $0 { true } else { false } })
        }
        clock.advance(by: .seconds(5))
        #expect(assignments(scheduler.timerFired()).count == 4)
        #expect(scheduler.exclusions.isEmpty && scheduler.usableExecutorCount == 2)
    }
}
