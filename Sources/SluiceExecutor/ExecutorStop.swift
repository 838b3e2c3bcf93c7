import Synchronization

/// The executor process's stop request, shared by its service and the command line: the first SIGTERM starts a
/// drain (``request()``), a second one cuts the grace period short (``hurry()``).
public final class ExecutorStop: Sendable {
    private struct State {
        var requested = false
        var hurried = false
    }

    private let state = Mutex(State())

    public init() {}

    /// Asks the executor to stop: it takes no new task and lets its running tasks finish within the grace period.
    public func request() {
        state.withLock { $0.requested = true }
    }

    /// Asks it to stop now: running tasks are handed back at once instead of at the end of the grace period.
    public func hurry() {
        state.withLock {
            $0.requested = true
            $0.hurried = true
        }
    }

    public var isRequested: Bool { state.withLock { $0.requested } }
    public var isHurried: Bool { state.withLock { $0.hurried } }
}
