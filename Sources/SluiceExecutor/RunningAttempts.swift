import Synchronization

/// The attempts an executor runs now, by task and attempt, so that CANCEL_TASK can stop exactly one of them. Each
/// attempt runs in an unstructured task of its own: cancellable alone, and one a drain whose grace period ran out can
/// leave behind (its blocking reads cannot be interrupted; the process exits and takes its thread with it).
final class RunningAttempts: Sendable {
    struct Key: Hashable, Sendable {
        var taskID: UInt64
        var attempt: UInt32
    }

    private let handles = Mutex<[Key: Task<Void, Never>]>([:])

    /// Starts `body` as attempt `key`, registered before this returns, so a CANCEL_TASK read right after the
    /// ASSIGN_TASK finds it; it is forgotten when `body` returns.
    func start(_ key: Key, _ body: @escaping @Sendable () async -> Void) {
        handles.withLock { handles in
            // The task's own clean-up waits for this lock, so it cannot run before the handle is stored.
            handles[key] = Task {
                await body()
                self.handles.withLock { _ = $0.removeValue(forKey: key) }
            }
        }
    }

    /// Cancels the attempt; false when it is not running here (it ended, or never came).
    @discardableResult
    func cancel(_ key: Key) -> Bool {
        guard let handle = handles.withLock({ $0[key] }) else { return false }
        handle.cancel()
        return true
    }

    /// How many attempts run now.
    var count: Int { handles.withLock { $0.count } }
}
