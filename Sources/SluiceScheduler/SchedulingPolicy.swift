/// How the scheduler keeps a run moving besides retries: how long an attempt may go without progress, whether slow
/// attempts get a speculative copy, how many tables run at once and whether one failed table ends the run. The
/// defaults change nothing a run without these settings did, except that a stuck attempt fails after 10 minutes.
public struct SchedulingPolicy: Sendable, Hashable {
    /// An attempt that reports no progress (rows read, rows loaded) for this long is cancelled and fails,
    /// retryably, with `task_stalled`; nil: never. Heartbeats keep a connection alive, not a task.
    public var stallTimeout: Duration?
    /// Speculative copies of slow attempts; nil (the default): none.
    public var speculation: SpeculationPolicy?
    /// At most this many tables have tasks assigned at once, in the order they were added; nil: every table at once.
    public var maxParallelTables: Int?
    /// The first table that fails fails every other unfinished table of the run (`run_fail_fast`), cancelling their
    /// running attempts; they keep their bookmarks.
    public var failFast: Bool

    public static let defaultStallTimeout: Duration = .seconds(600)

    public init(stallTimeout: Duration? = Self.defaultStallTimeout, speculation: SpeculationPolicy? = nil,
                maxParallelTables: Int? = nil, failFast: Bool = false) {
        self.stallTimeout = stallTimeout
        self.speculation = speculation
        self.maxParallelTables = maxParallelTables.map { max(1, $0) }
        self.failFast = failFast
    }
}

/// When a running attempt gets a speculative copy on another executor (Spark's `spark.speculation`): once at least
/// `quantile` of its table's tasks have staged, an attempt running longer than `multiplier` × the median time those
/// took, and at least `minimumRuntime`, is copied once. The first of the two to stage wins; the other is cancelled.
public struct SpeculationPolicy: Sendable, Hashable {
    /// How many times the table's median completed attempt an attempt must run before it is copied (default 1.5).
    public var multiplier: Double
    /// An attempt younger than this is never copied, however fast its siblings were (default 30 s).
    public var minimumRuntime: Duration
    /// The share of the table's tasks that must have staged before its median counts (default 0.75).
    public var quantile: Double

    public init(multiplier: Double = 1.5, minimumRuntime: Duration = .seconds(30), quantile: Double = 0.75) {
        self.multiplier = max(1, multiplier)
        self.minimumRuntime = max(.zero, minimumRuntime)
        self.quantile = min(1, max(0, quantile))
    }

    /// How long an attempt of a table runs before it is copied, given how long the table's staged attempts took;
    /// nil while too few of its `taskCount` tasks have staged.
    public func threshold(completed durations: [Duration], taskCount: Int) -> Duration? {
        guard !durations.isEmpty, Double(durations.count) >= quantile * Double(taskCount) else { return nil }
        let median = durations.sorted()[(durations.count - 1) / 2]
        return max(minimumRuntime, median * multiplier)
    }
}
