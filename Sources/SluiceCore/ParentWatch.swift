import Foundation

/// Ties a child process to its parent: `sluice run --local N` starts its executors with the driver's process id in
/// ``environmentKey``, and each executor polls its parent process id; when the driver is gone (killed, even with
/// SIGKILL, so it could clean nothing up) the executor is re-parented and exits instead of living on.
///
/// Polling rather than `prctl(PR_SET_PDEATHSIG)`: that signal follows the parent *thread* that forked, and the
/// driver starts its children from a pool thread that the runtime may retire while the run goes on.
public enum ParentWatch {
    public static let environmentKey = "SLUICE_PARENT_PID"

    /// The parent process id this process must outlive no longer than `interval`, if it was started with one.
    public static var expectedParent: Int32? {
        ProcessInfo.processInfo.environment[environmentKey].flatMap { Int32($0) }
    }

    /// Whether the process's parent is still `parent`.
    public static func parentIsAlive(_ parent: Int32) -> Bool { getppid() == parent }

    /// Runs until the parent is gone, then calls `gone` (on a background thread); returns at once when no parent
    /// was given.
    public static func start(interval: Duration = .milliseconds(500), gone: @escaping @Sendable (Int32) -> Void) {
        guard let parent = expectedParent else { return }
        let thread = Thread {
            let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
            while parentIsAlive(parent) { Thread.sleep(forTimeInterval: seconds) }
            gone(parent)
        }
        thread.name = "sluice-parent-watch"
        thread.start()
    }
}
