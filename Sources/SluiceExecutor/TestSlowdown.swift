import Foundation
import SluiceCore

/// FOR TESTS ONLY: makes one task's first attempt sit idle before it starts, so that a test can watch the driver
/// treat it as slow (a speculative copy overtakes it) or stalled. Set in the executor's environment as
/// `SLUICE_TEST_SLOW_FIRST_ATTEMPT=<table>#<partition>:<seconds>` (`orders#2:60`); unset, nothing changes. Its
/// name says it is not a setting: production configurations have no reason to carry it, and the executor logs a
/// warning at start-up when it is set.
struct TestSlowdown: Sendable {
    static let variable = "SLUICE_TEST_SLOW_FIRST_ATTEMPT"

    /// The task's label (``SluiceCore/TaskSpec/label``).
    let label: String
    let delay: Duration

    /// The knob from the environment; nil when unset or unreadable.
    static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> TestSlowdown? {
        guard let text = environment[variable], let colon = text.lastIndex(of: ":"),
              let seconds = Double(text[text.index(after: colon)...]), seconds > 0 else { return nil }
        return TestSlowdown(label: String(text[..<colon]), delay: .milliseconds(Int64(seconds * 1000)))
    }

    /// Waits before `task` runs when it is the slowed task's first attempt; throws when cancelled while waiting.
    func wait(before task: TaskSpec) async throws {
        guard task.attempt == 1, task.label == label else { return }
        try await Task.sleep(for: delay)
    }
}
