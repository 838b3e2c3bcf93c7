import Synchronization
public import SluiceCore

/// Carries a task's cancellation to the thread that reads its partition. Work on `BlockingIO` threads cannot see
/// Swift task cancellation, so ``TaskRunner`` raises this flag when its task is cancelled (CANCEL_TASK, or the
/// session ending) and the read loop checks it at every batch.
final class CancelSignal: Sendable {
    private let raised = Atomic<Bool>(false)

    func raise() { raised.store(true, ordering: .relaxed) }

    var isRaised: Bool { raised.load(ordering: .relaxed) }

    /// Throws `task_cancelled` once the signal is raised.
    func check() throws(SluiceError) {
        if isRaised { throw SluiceError(.taskCancelled, "the attempt was cancelled") }
    }
}

extension SluiceError.Code {
    /// The driver cancelled the attempt (it stalled, or another attempt of the task won); nothing of it is kept.
    public static let taskCancelled = Self("task_cancelled", retryable: true)
}
