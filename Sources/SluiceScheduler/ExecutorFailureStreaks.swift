/// Which executors fail attempts that other executors complete: the evidence for excluding one.
///
/// A failure counts against an executor only when another executor completed an attempt since this executor's
/// previous outcome (its last success or failure, or since it joined). So an executor that keeps failing while the
/// others keep succeeding builds a streak, but a shared cause, such as ClickHouse gone for a minute under every
/// executor at once, counts against nobody: nothing succeeds in between. An executor's own success ends its streak.
/// Only retryable failures are reported here: a permanent error is the table's fault, not the executor's.
public struct ExecutorFailureStreaks: Sendable {
    struct Streak: Sendable {
        /// Counted failures in a row.
        var failures = 0
        /// Whether another executor completed an attempt since this executor's previous outcome.
        var othersSucceeded = false
    }

    /// Counted failures in a row that exclude an executor; 0 never does.
    public let limit: Int
    private var streaks: [String: Streak] = [:]

    public init(limit: Int) {
        self.limit = max(0, limit)
    }

    /// An executor joined (or joined again: its streak goes on).
    public mutating func joined(_ executor: String) {
        if streaks[executor] == nil { streaks[executor] = Streak() }
    }

    /// An attempt on `executor` completed: its streak ends, and the others' next failures count.
    public mutating func succeeded(on executor: String) {
        streaks[executor] = Streak()
        for id in streaks.keys where id != executor { streaks[id]?.othersSucceeded = true }
    }

    /// A retryable attempt failed on `executor`; true when its streak reached ``limit``.
    public mutating func failed(on executor: String) -> Bool {
        var streak = streaks[executor] ?? Streak()
        if streak.othersSucceeded { streak.failures += 1 }
        streak.othersSucceeded = false
        streaks[executor] = streak
        return limit > 0 && streak.failures >= limit
    }

    /// `executor`'s counted failures in a row.
    public func failures(of executor: String) -> Int { streaks[executor]?.failures ?? 0 }
}
