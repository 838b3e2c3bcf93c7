public import SluiceCore

/// An executor the scheduler gives no more tasks for the rest of the run: its attempts failed `failures` times in a
/// row while other executors completed theirs (``ExecutorFailureStreaks``).
public struct ExecutorExclusion: Sendable, Hashable {
    public var executor: String
    public var failures: Int
    /// The failure that excluded it.
    public var error: SluiceError

    public init(executor: String, failures: Int, error: SluiceError) {
        self.executor = executor
        self.failures = failures
        self.error = error
    }
}
