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
