public import SluiceConfig
public import SluiceScheduler

extension RunSettings {
    /// Every retry's wait is lengthened by a random share of itself up to this (docs/ARCHITECTURE.md, "Retries and failures").
    public static let retryJitter = 0.25

    /// The scheduler's retry policy from the `run:` section.
    public var retryPolicy: RetryPolicy {
        RetryPolicy(retries: retries, backoff: .microseconds(retryBackoff.microseconds),
                    backoffMax: .microseconds(retryBackoffMax.microseconds), jitter: Self.retryJitter,
                    excludeExecutorAfter: excludeExecutorAfter)
    }
}

extension RunSettings {
    /// The scheduler's stall timeout, speculation, tables at once and fail-fast from the `run:` section.
    public var schedulingPolicy: SchedulingPolicy {
        let speculation = self.speculation.enabled
            ? SpeculationPolicy(multiplier: self.speculation.multiplier, minimumRuntime: .microseconds(self.speculation.minRuntime.microseconds),
                                quantile: self.speculation.quantile)
            : nil
        return SchedulingPolicy(stallTimeout: taskStallTimeout.microseconds > 0 ? .microseconds(taskStallTimeout.microseconds) : nil,
                                speculation: speculation, maxParallelTables: maxParallelTables, failFast: failFast)
    }
}
