/// How the scheduler retries failed attempts: how often, after how long, and when it stops giving an executor tasks.
/// The run's values come from the configuration's `run:` section (docs/configuration.md), which documents the
/// defaults; this type's own defaults switch everything off (immediate retries, no exclusion).
public struct RetryPolicy: Sendable, Hashable {
    /// Failed attempts retried per task: a task runs at most `retries + 1` times.
    public var retries: Int
    /// The wait before a task's first retry; each further retry of the task waits twice as long as the one before.
    public var backoff: Duration
    /// The longest wait before jitter is added.
    public var backoffMax: Duration
    /// Each wait is lengthened by a random share of itself, up to this fraction, so that tasks that failed together
    /// (a server went away under all of them) do not come back together.
    public var jitter: Double
    /// An executor whose attempts fail this many times in a row, while other executors complete theirs, gets no more
    /// tasks for the rest of the run; 0 never excludes an executor (``ExecutorFailureStreaks``).
    public var excludeExecutorAfter: Int

    public init(retries: Int, backoff: Duration = .zero, backoffMax: Duration = .zero, jitter: Double = 0,
                excludeExecutorAfter: Int = 0) {
        self.retries = max(0, retries)
        self.backoff = max(.zero, backoff)
        self.backoffMax = max(self.backoff, backoffMax)
        self.jitter = min(max(0, jitter), 1)
        self.excludeExecutorAfter = max(0, excludeExecutorAfter)
    }

    /// The most attempts a task gets.
    public var maxAttempts: UInt32 { UInt32(min(retries, Int(UInt32.max - 1)) + 1) }

    /// How long a task waits after its attempt number `attempt` (1-based) failed: `backoff × 2^(attempt − 1)`, at most
    /// ``backoffMax``, then lengthened by `jitter × random` of itself.
    /// - Parameter random: a number in `0..<1`; the scheduler draws it from its seeded generator.
    public func delay(afterFailedAttempt attempt: UInt32, random: Double) -> Duration {
        var nominal = backoff
        var doublings = max(1, attempt) - 1
        while doublings > 0 && nominal < backoffMax {
            nominal *= 2
            doublings -= 1
        }
        nominal = min(nominal, backoffMax)
        return nominal + nominal * (jitter * min(max(0, random), 1))
    }

    /// The least total a task waits between its first failure and its last attempt, when every attempt fails: the
    /// outage a task outlasts with these settings (jitter only lengthens waits).
    public var shortestTotalWait: Duration {
        guard retries > 0 else { return .zero }
        var total = Duration.zero
        for attempt in 1...UInt32(min(retries, 64)) { total += delay(afterFailedAttempt: attempt, random: 0) }
        return total
    }
}
