import SluiceCore
import SluiceScheduler
import Testing

/// A liveness story: tables and their tasks, a scheduling policy, then each event and the lines it must produce
/// (``describe(_:_:)``'s lines, with `wake Ns` for ``TaskScheduler/nextWakeUp`` in place of the retry's `due`).
struct LivenessCase: CustomStringConvertible, Sendable {
    var name: String
    var tables: [(String, [UInt64])] = [("orders", [1])]
    var scheduling: SchedulingPolicy
    var retries = 3
    var steps: [(Event, [String])]
    var description: String { name }
}

/// Copies after 2 × the median, at least 10 s, once half the table's tasks staged; no stall timeout.
let speculating = SchedulingPolicy(stallTimeout: nil, speculation: SpeculationPolicy(multiplier: 2, minimumRuntime: .seconds(10), quantile: 0.5))

/// Tasks 1 and 2 start on a and b; 2 stages after 4 s, so 1 is copied to b at 10 s (max(10 s, 2 × 4 s)).
let copiedTaskOne: [(Event, [String])] = [
        (.join("a"), ["assign 1@1->a"]),
        (.join("b"), ["assign 2@1->b"]),
        (.advance(.seconds(4)), []),
        (.succeed(2, attempt: 1, on: "b"), ["wake 10s"]),
        (.advance(.seconds(6)), ["speculate 1@2->b"]),
]

let livenessCases: [LivenessCase] = [
    LivenessCase(name: "an attempt silent for the stall timeout is cancelled and retried elsewhere; progress restarts the timer",
                 scheduling: SchedulingPolicy(stallTimeout: .seconds(60)), steps: [
        (.join("a"), ["assign 1@1->a", "wake 60s"]),
        (.join("b"), ["wake 60s"]),
        (.advance(.seconds(30)), ["wake 60s"]),
        (.progress(1, attempt: 1, on: "a"), ["wake 90s"]),
        (.advance(.seconds(59)), ["wake 90s"]),
        (.advance(.seconds(1)), ["cancel 1@1 on a: task_stalled", "retry 1@2 in 5s", "wake 95s"]),
        (.advance(.seconds(5)), ["assign 1@2->b", "wake 155s"]),
        // The stalled attempt's late word counts for nothing.
        (.fail(1, attempt: 1, on: "a"), ["wake 155s"]),
        (.succeed(1, attempt: 2, on: "b"), ["staged orders"]),
    ]),
    LivenessCase(name: "a stall on the last attempt fails the table", scheduling: SchedulingPolicy(stallTimeout: .seconds(60)), retries: 0, steps: [
        (.join("a"), ["assign 1@1->a", "wake 60s"]),
        (.advance(.seconds(60)), ["cancel 1@1 on a: task_stalled", "failed orders: attempt 1 of task orders#0 made no progress for 60.0 seconds on executor a"]),
    ]),
    LivenessCase(name: "a slow attempt gets a copy on another executor, which wins; the original is cancelled and its late result discarded",
                 tables: [("orders", [1, 2])], scheduling: speculating, steps: copiedTaskOne + [
        (.succeed(1, attempt: 2, on: "b"), ["cancel 1@1 on a: superseded", "staged orders"]),
        (.succeed(1, attempt: 1, on: "a"), ["discard 1@1"]),
    ]),
    LivenessCase(name: "when the original stages first the copy is cancelled", tables: [("orders", [1, 2])], scheduling: speculating, steps: copiedTaskOne + [
        (.succeed(1, attempt: 1, on: "a"), ["cancel 1@2 on b: superseded", "staged orders"]),
        (.fail(1, attempt: 2, on: "b"), []),
    ]),
    LivenessCase(name: "a copy that fails leaves the original running, and no second copy comes", tables: [("orders", [1, 2])],
                 scheduling: speculating, steps: copiedTaskOne + [
        (.fail(1, attempt: 2, on: "b"), []),
        (.advance(.seconds(60)), []),
        (.succeed(1, attempt: 1, on: "a"), ["staged orders"]),
    ]),
    LivenessCase(name: "losing the original's executor leaves the copy to finish the task", tables: [("orders", [1, 2])],
                 scheduling: speculating, steps: copiedTaskOne + [
        (.lose("a"), []),
        (.succeed(1, attempt: 2, on: "b"), ["staged orders"]),
    ]),
    LivenessCase(name: "a copy handed back by a draining executor leaves the original to finish, with no new attempt",
                 tables: [("orders", [1, 2])], scheduling: speculating, steps: copiedTaskOne + [
        (.drain("b"), []),
        (.handBack(1, attempt: 2, on: "b"), []),
        (.succeed(1, attempt: 1, on: "a"), ["staged orders"]),
    ]),
    LivenessCase(name: "an original handed back while its copy runs leaves the copy to finish",
                 tables: [("orders", [1, 2])], scheduling: speculating, steps: copiedTaskOne + [
        (.drain("a"), []),
        (.handBack(1, attempt: 1, on: "a"), []),
        (.succeed(1, attempt: 2, on: "b"), ["staged orders"]),
    ]),
    LivenessCase(name: "a handed-back attempt is not a stall: it runs again at once, and its retries stay whole",
                 scheduling: SchedulingPolicy(stallTimeout: .seconds(60)), retries: 0, steps: [
        (.join("a"), ["assign 1@1->a", "wake 60s"]),
        (.drain("a"), ["wake 60s"]),
        (.join("b"), ["wake 60s"]),
        (.advance(.seconds(30)), ["wake 60s"]),
        (.handBack(1, attempt: 1, on: "a"), ["retry 1@2 in 0s", "assign 1@2->b", "wake 90s"]),
        (.succeed(1, attempt: 2, on: "b"), ["staged orders"]),
    ]),
    LivenessCase(name: "a permanent failure of either attempt cancels the other and fails the table", tables: [("orders", [1, 2])],
                 scheduling: speculating, steps: copiedTaskOne + [
        (.fail(1, attempt: 1, on: "a", retryable: false), ["cancel 1@2 on b: table ended", "failed orders: boom 1"]),
    ]),
    LivenessCase(name: "no copy before enough of the table's tasks staged, none on the same executor, none beyond the attempts left",
                 tables: [("orders", [1, 2, 3])], scheduling: SchedulingPolicy(stallTimeout: nil, speculation: SpeculationPolicy(
                     multiplier: 2, minimumRuntime: .seconds(10), quantile: 0.6)), retries: 1, steps: [
        (.join("a", slots: 3), ["assign 1@1->a", "assign 2@1->a", "assign 3@1->a"]),
        (.succeed(3, attempt: 1, on: "a"), []),
        (.advance(.seconds(100)), []),
        // Two of three staged: 1 may be copied now, but only to another executor.
        (.succeed(2, attempt: 1, on: "a"), []),
        (.join("b"), ["speculate 1@2->b"]),
        (.fail(1, attempt: 2, on: "b"), []),
        (.fail(1, attempt: 1, on: "a"), ["failed orders: boom 1"]),
    ]),
    LivenessCase(name: "at most max_parallel_tables tables run; the next starts when one ends",
                 tables: [("orders", [1, 2]), ("users", [3])], scheduling: SchedulingPolicy(stallTimeout: nil, maxParallelTables: 1), steps: [
        (.join("a", slots: 3), ["assign 1@1->a", "assign 2@1->a"]),
        (.succeed(1, attempt: 1, on: "a"), []),
        (.succeed(2, attempt: 1, on: "a"), ["staged orders"]),
        (.approve("orders"), ["commit 1", "commit 2"]),
        (.committed(1), []),
        (.committed(2), ["succeeded orders", "assign 3@1->a"]),
    ]),
    LivenessCase(name: "a failed table makes room for the next and does not stop it",
                 tables: [("orders", [1, 2]), ("users", [3])], scheduling: SchedulingPolicy(stallTimeout: nil, maxParallelTables: 1), steps: [
        (.join("a", slots: 2), ["assign 1@1->a", "assign 2@1->a"]),
        (.fail(1, attempt: 1, on: "a", retryable: false), ["failed orders: boom 1", "assign 3@1->a"]),
        (.succeed(2, attempt: 1, on: "a"), ["discard 2@1"]),
        (.succeed(3, attempt: 1, on: "a"), ["staged users"]),
    ]),
    LivenessCase(name: "with fail_fast the first failed table fails the others, running or waiting, and cancels their attempts",
                 tables: [("orders", [1]), ("users", [2]), ("items", [3])],
                 scheduling: SchedulingPolicy(stallTimeout: nil, maxParallelTables: 2, failFast: true), steps: [
        (.join("a", slots: 3), ["assign 1@1->a", "assign 2@1->a"]),
        (.fail(1, attempt: 1, on: "a", retryable: false), [
            "failed orders: boom 1",
            "failed users: run.fail_fast is set and table orders failed: users was stopped and keeps its bookmark",
            "cancel 2@1 on a: table ended",
            "failed items: run.fail_fast is set and table orders failed: items was stopped and keeps its bookmark",
        ]),
        (.succeed(2, attempt: 1, on: "a"), ["discard 2@1"]),
    ]),
]

@Suite struct TaskSchedulerLivenessTests {
    @Test(arguments: livenessCases) func story(_ story: LivenessCase) {
        var scheduler = Scheduler(policy: RetryPolicy(retries: story.retries, backoff: .seconds(5), backoffMax: .seconds(30)),
                                  scheduling: story.scheduling, clock: ManualClock(), seed: 1)
        for (table, ids) in story.tables {
            _ = scheduler.add(table: table, tasks: ids.map { task($0, table: table, partition: UInt32($0 - 1)) })
        }
        for (index, (event, expected)) in story.steps.enumerated() {
            var lines = describe(scheduler.apply(event), scheduler).filter { !$0.hasPrefix("due ") }
            if let wake = scheduler.nextWakeUp { lines.append("wake \(seconds(wake.offset))") }
            #expect(lines == expected, "step \(index + 1): \(event)")
        }
    }

    @Test func aSpeculativeCopyWritesShardsOfItsOwn() {
        #expect(Scheduler.speculativeShardPath("/staging/r1/orders/part-00003.parquet", attempt: 2)
            == "/staging/r1/orders/part-00003.attempt-2.parquet")
        var scheduler = Scheduler(policy: RetryPolicy(retries: 3), scheduling: speculating, clock: ManualClock(), seed: 1)
        var original = task(1)
        original.shardPath = "/s/part-00000.parquet"
        original.related = [RelatedRead(table: "items", read: .none, shardPath: "/s/items/part-00000.parquet")]
        _ = scheduler.add(table: "orders", tasks: [original, task(2)])
        _ = scheduler.executorJoined("a", slots: 1)
        _ = scheduler.executorJoined("b", slots: 1)
        scheduler.clock.advance(by: .seconds(4))
        _ = scheduler.taskSucceeded(result(2), executor: "b")
        scheduler.clock.advance(by: .seconds(6))
        let actions = scheduler.timerFired()
        guard case .speculate(let copy, to: "b")? = actions.first else { Issue.record("no copy: \(actions)"); return }
        #expect(copy.attempt == 2 && copy.shardPath == "/s/part-00000.attempt-2.parquet")
        #expect(copy.related.map(\.shardPath) == ["/s/items/part-00000.attempt-2.parquet"])
        #expect(scheduler.isSpeculative(1, attempt: 2) && !scheduler.isSpeculative(1, attempt: 1))
        #expect(scheduler.isLive(1, attempt: 1, executor: "a") && scheduler.isLive(1, attempt: 2, executor: "b"))
    }

    @Test func theThresholdIsTheMedianTimesTheMultiplierOnceEnoughStaged() {
        let policy = SpeculationPolicy(multiplier: 1.5, minimumRuntime: .seconds(30), quantile: 0.75)
        #expect(policy.threshold(completed: [.seconds(100), .seconds(40)], taskCount: 4) == nil)
        #expect(policy.threshold(completed: [.seconds(100), .seconds(40), .seconds(60)], taskCount: 4) == .seconds(90))
        #expect(policy.threshold(completed: [.seconds(1), .seconds(2), .seconds(3)], taskCount: 4) == .seconds(30))
    }
}
