import SluiceCore
import SluiceScheduler
import Testing

/// One event fed to a scheduler in the tables below.
enum Event: CustomStringConvertible {
    case join(String, slots: Int = 1)
    case fail(UInt64, attempt: UInt32, on: String, retryable: Bool = true)
    case succeed(UInt64, attempt: UInt32, on: String)
    case lose(String)
    case approve(String)
    case commitFailed(UInt64)
    /// The driver committed what the task staged.
    case committed(UInt64)
    /// The attempt reported that its counts moved.
    case progress(UInt64, attempt: UInt32, on: String)
    /// Move the clock, then fire the timer.
    case advance(Duration)
    /// The executor is stopping (DRAINING).
    case drain(String)
    /// A draining executor gave the attempt back (TASK_HANDED_BACK).
    case handBack(UInt64, attempt: UInt32, on: String)

    var description: String {
        switch self {
        case .join(let id, let slots): "join \(id) (\(slots) slots)"
        case .fail(let task, let attempt, let on, let retryable): "\(task)@\(attempt) fails on \(on)\(retryable ? "" : " (permanent)")"
        case .succeed(let task, let attempt, let on): "\(task)@\(attempt) succeeds on \(on)"
        case .lose(let id): "lose \(id)"
        case .approve(let table): "approve \(table)"
        case .commitFailed(let task): "commit of \(task) fails"
        case .committed(let task): "commit of \(task) succeeds"
        case .progress(let task, let attempt, let on): "\(task)@\(attempt) progresses on \(on)"
        case .advance(let duration): "advance \(seconds(duration))"
        case .drain(let id): "\(id) drains"
        case .handBack(let task, let attempt, let on): "\(task)@\(attempt) handed back by \(on)"
        }
    }
}

/// `5s`, `0.001s`: a duration in seconds, short.
func seconds(_ duration: Duration) -> String {
    let (whole, fraction) = duration.components
    if fraction == 0 { return "\(whole)s" }
    return "\(Double(whole) + Double(fraction) / 1e18)s"
}

/// The actions, one line each, then when the next retry is due (`due 5s`: 5 s after the clock started).
func describe(_ actions: [Scheduler.Action], _ scheduler: Scheduler) -> [String] {
    var lines = actions.map { action -> String in
        switch action {
        case .assign(let spec, let executor): "assign \(spec.id)@\(spec.attempt)->\(executor)"
        case .retryScheduled(let spec, let after): "retry \(spec.id)@\(spec.attempt) in \(seconds(after))"
        case .executorExcluded(let exclusion): "exclude \(exclusion.executor) after \(exclusion.failures)"
        case .tableStaged(let table, _): "staged \(table)"
        case .commit(let result, _): "commit \(result.taskID)"
        case .discard(let result, _): "discard \(result.taskID)@\(result.attempt)"
        case .tableSucceeded(let table, _): "succeeded \(table)"
        case .tableFailed(let table, let error): "failed \(table): \(error.message)"
        case .speculate(let spec, let executor): "speculate \(spec.id)@\(spec.attempt)->\(executor)"
        case .cancelAttempt(let task, let attempt, let executor, let reason):
            switch reason {
            case .stalled(let error): "cancel \(task)@\(attempt) on \(executor): \(error.code.name)"
            case .superseded: "cancel \(task)@\(attempt) on \(executor): superseded"
            case .tableEnded: "cancel \(task)@\(attempt) on \(executor): table ended"
            }
        }
    }
    if let due = scheduler.nextRetryDue { lines.append("due \(seconds(due.offset))") }
    return lines
}

extension TaskScheduler where C == ManualClock {
    mutating func apply(_ event: Event) -> [Action] {
        switch event {
        case .join(let id, let slots):
            return executorJoined(id, slots: slots)
        case .fail(let task, let attempt, let on, let retryable):
            return taskFailed(failure(task, attempt: attempt, retryable: retryable), executor: on)
        case .succeed(let task, let attempt, let on):
            return taskSucceeded(result(task, attempt: attempt), executor: on)
        case .lose(let id):
            return executorLost(id, reason: SluiceError(.internalError, "\(id) gone"))
        case .approve(let table):
            return approveCommits(table)
        case .commitFailed(let task):
            return commitFailed(task, error: SluiceError(.internalError, "attach of \(task) failed"))
        case .committed(let task):
            return taskCommitted(task)
        case .progress(let task, let attempt, let on):
            taskProgressed(task, attempt: attempt, executor: on)
            return []
        case .advance(let duration):
            clock.advance(by: duration)
            return timerFired()
        case .drain(let id):
            return executorDraining(id)
        case .handBack(let task, let attempt, let on):
            return taskHandedBack(task, attempt: attempt, executor: on)
        }
    }
}

/// A scheduler story: the tasks of `orders`, then each event and the lines it must produce.
struct BackoffCase: CustomStringConvertible, Sendable {
    var name: String
    var tasks: [UInt64]
    var steps: [(Event, [String])]
    var description: String { name }
}

/// Backoff 5 s doubling to at most 30 s, no jitter, 3 retries: the waits are 5, 10 and 20 s.
let backoffPolicy = RetryPolicy(retries: 3, backoff: .seconds(5), backoffMax: .seconds(30))

let backoffCases: [BackoffCase] = [
    BackoffCase(name: "a failure waits out its backoff, doubling each time, on the executor it failed on least", tasks: [1], steps: [
        (.join("a"), ["assign 1@1->a"]),
        (.join("b"), []),
        (.fail(1, attempt: 1, on: "a"), ["retry 1@2 in 5s", "due 5s"]),
        (.advance(.milliseconds(4_999)), ["due 5s"]),
        (.advance(.milliseconds(1)), ["assign 1@2->b"]),
        (.fail(1, attempt: 2, on: "b"), ["retry 1@3 in 10s", "due 15s"]),
        (.advance(.seconds(10)), ["assign 1@3->a"]),
        (.fail(1, attempt: 3, on: "a"), ["retry 1@4 in 20s", "due 35s"]),
        (.advance(.seconds(20)), ["assign 1@4->b"]),
        (.fail(1, attempt: 4, on: "b"), ["failed orders: boom 1"]),
    ]),
    BackoffCase(name: "an outage shorter than the waits is outlasted", tasks: [1, 2], steps: [
        (.join("a"), ["assign 1@1->a"]),
        (.join("b"), ["assign 2@1->b"]),
        (.fail(1, attempt: 1, on: "a"), ["retry 1@2 in 5s", "due 5s"]),
        (.fail(2, attempt: 1, on: "b"), ["retry 2@2 in 5s", "due 5s"]),
        (.advance(.seconds(5)), ["assign 1@2->b", "assign 2@2->a"]),
        (.fail(1, attempt: 2, on: "b"), ["retry 1@3 in 10s", "due 15s"]),
        (.fail(2, attempt: 2, on: "a"), ["retry 2@3 in 10s", "due 15s"]),
        (.advance(.seconds(10)), ["assign 1@3->a", "assign 2@3->b"]),
        // The server is back 15 s after the first failure: both tasks stage.
        (.succeed(1, attempt: 3, on: "a"), []),
        (.succeed(2, attempt: 3, on: "b"), ["staged orders"]),
    ]),
    BackoffCase(name: "a permanent error fails the table at its first attempt, without waiting", tasks: [1, 2], steps: [
        (.join("a", slots: 2), ["assign 1@1->a", "assign 2@1->a"]),
        (.fail(1, attempt: 1, on: "a", retryable: false), ["failed orders: boom 1"]),
        (.fail(2, attempt: 1, on: "a"), []),
    ]),
    BackoffCase(name: "an attempt lost with its executor is retried at once, elsewhere", tasks: [1], steps: [
        (.join("a"), ["assign 1@1->a"]),
        (.join("b"), []),
        (.lose("a"), ["retry 1@2 in 0s", "assign 1@2->b"]),
    ]),
    BackoffCase(name: "a failed commit backs off like a failed attempt", tasks: [1], steps: [
        (.join("a"), ["assign 1@1->a"]),
        (.succeed(1, attempt: 1, on: "a"), ["staged orders"]),
        (.approve("orders"), ["commit 1"]),
        (.commitFailed(1), ["retry 1@2 in 5s", "due 5s"]),
        (.advance(.seconds(5)), ["assign 1@2->a"]),
        (.succeed(1, attempt: 2, on: "a"), ["commit 1"]),
    ]),
    BackoffCase(name: "a free slot takes other work while a retry waits", tasks: [1, 2], steps: [
        (.join("a"), ["assign 1@1->a"]),
        (.fail(1, attempt: 1, on: "a"), ["retry 1@2 in 5s", "assign 2@1->a", "due 5s"]),
        // Due, but the only slot is busy: no timer is needed any more, the next free slot takes it.
        (.advance(.seconds(5)), []),
        (.succeed(2, attempt: 1, on: "a"), ["assign 1@2->a"]),
    ]),
    BackoffCase(name: "an executor joining does not cut a backoff short", tasks: [1], steps: [
        (.join("a"), ["assign 1@1->a"]),
        (.fail(1, attempt: 1, on: "a"), ["retry 1@2 in 5s", "due 5s"]),
        (.join("b"), ["due 5s"]),
        (.advance(.seconds(5)), ["assign 1@2->b"]),
    ]),
    BackoffCase(name: "a late failure of a replaced attempt schedules nothing", tasks: [1], steps: [
        (.join("a"), ["assign 1@1->a"]),
        (.lose("a"), ["retry 1@2 in 0s"]),
        (.join("b"), ["assign 1@2->b"]),
        (.fail(1, attempt: 1, on: "a"), []),
    ]),
]

@Suite struct TaskSchedulerBackoffTests {
    @Test(arguments: backoffCases) func story(_ story: BackoffCase) {
        var scheduler = makeScheduler(policy: backoffPolicy)
        _ = scheduler.add(table: "orders", tasks: story.tasks.map { task($0) })
        for (index, (event, expected)) in story.steps.enumerated() {
            let lines = describe(scheduler.apply(event), scheduler)
            #expect(lines == expected, "step \(index + 1): \(event)")
        }
    }

    @Test func jitterLengthensEachWaitByAtMostAQuarterAndFollowsTheSeed() {
        let policy = RetryPolicy(retries: 1, backoff: .seconds(5), backoffMax: .seconds(30), jitter: 0.25)
        var waits: [Duration] = []
        for seed in [1, 2, 3, 1] as [UInt64] {
            var scheduler = makeScheduler(policy: policy, seed: seed)
            _ = scheduler.add(table: "orders", tasks: [task(1)])
            _ = scheduler.executorJoined("a", slots: 1)
            guard case .retryScheduled(_, let after)? = scheduler.taskFailed(failure(1), executor: "a").first else {
                Issue.record("no retry scheduled"); return
            }
            #expect(after >= .seconds(5) && after < .milliseconds(6_250))
            #expect(scheduler.notBefore(of: 1) == scheduler.clock.at(after))
            waits.append(after)
        }
        #expect(waits[0] == waits[3], "the same seed draws the same jitter")
        #expect(Set(waits).count > 1, "different seeds spread the retries")
    }
}
