public import SluiceCore

/// How the client retries a request: up to ``maxAttempts`` tries, waiting a random time between zero and an
/// exponentially growing cap ("full jitter": `random(0, min(maxDelay, baseDelay * 2^(attempt-1)))`) between them.
///
/// Retried: every error marked retryable, that is 5xx answers (InternalError, ServiceUnavailable, SlowDown), 429,
/// RequestTimeout and throttling codes, and transport failures (refused or reset connections, timeouts), from S3 or
/// from STS while web-identity credentials are fetched. Never retried: 4xx refusals such as AccessDenied, NoSuchKey,
/// SignatureDoesNotMatch, InvalidRange, and missing credentials.
public struct S3RetryPolicy: Sendable, Hashable {
    /// Tries in all, the first included. Default 5.
    public var maxAttempts: Int
    /// The cap of the first wait. Default 100 ms.
    public var baseDelay: Duration
    /// The largest cap. Default 5 s.
    public var maxDelay: Duration

    public init(maxAttempts: Int = 5, baseDelay: Duration = .milliseconds(100), maxDelay: Duration = .seconds(5)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// No retries at all.
    public static let none = S3RetryPolicy(maxAttempts: 1)

    /// Whether `error`, met on try number `attempt` (1-based), is worth another try.
    public func shouldRetry(_ error: SluiceError, attempt: Int) -> Bool {
        attempt < maxAttempts && error.retryable
    }

    /// The wait before try `attempt + 1`; `unit` is a random number in [0, 1).
    public func delay(afterAttempt attempt: Int, unit: Double) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let cap = min(maxDelay, baseDelay * (1 << exponent))
        return cap * min(max(unit, 0), 1)
    }
}
