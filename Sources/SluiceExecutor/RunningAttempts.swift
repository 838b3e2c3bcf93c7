import Synchronization

/// The attempts an executor runs now, by task and attempt, so that CANCEL_TASK can stop exactly one of them.
/// Each attempt runs in a task of its own (cancellable alone, unlike a task group's child); the session's task
/// group awaits it, and cancelling the group (SHUTDOWN, the session ending) cancels it too.
final class RunningAttempts: Sendable {
    struct Key: Hashable, Sendable {
        var taskID: UInt64
        var attempt: UInt32
    }

    private let handles = Mutex<[Key: Task<Void, Never>]>([:])

    /// Starts `body` as attempt `key`, registered before this returns, so a CANCEL_TASK read right after the
    /// ASSIGN_TASK finds it.
    func start(_ key: Key, _ body: @escaping @Sendable () async -> Void) -> Task<Void, Never> {
        let handle = Task { await body() }
        handles.withLock { $0[key] = handle }
        return handle
    }

    /// Waits for the attempt to end (cancelling it if the waiter is cancelled), then forgets it.
    func wait(for key: Key, _ handle: Task<Void, Never>) async {
        await withTaskCancellationHandler { await handle.value } onCancel: { handle.cancel() }
        handles.withLock { if $0[key] == handle { $0[key] = nil } }
    }

    /// Cancels the attempt; false when it is not running here (it ended, or never came).
    @discardableResult
    func cancel(_ key: Key) -> Bool {
        guard let handle = handles.withLock({ $0[key] }) else { return false }
        handle.cancel()
        return true
    }
}
