import Foundation
public import SluiceCore

/// Executor child processes for `sluice run --local N`: the same binary started as
/// `sluice executor --connect 127.0.0.1:PORT --once`, with the run's token in its environment.
public final class LocalExecutors: @unchecked Sendable {
    // @unchecked: `processes` is written once in `start()` before any other thread sees this object, and
    // afterwards only read; `Process` itself is thread-safe for terminate/isRunning.
    private var processes: [Process] = []
    public let count: Int

    public init(count: Int) {
        self.count = count
    }

    /// The running binary's path (`/proc/self/exe` on Linux).
    public static var currentExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// Starts the children. With `metricsPort`, child `local-i` serves its metrics on `metricsPort + i - 1` (each on a
    /// free port of its own when it is 0).
    public func start(executable: String = LocalExecutors.currentExecutable, driverPort: Int, token: String,
                      slots: Int, memoryMebibytes: Int = MemoryBudget.defaultMebibytes, logLevel: String,
                      metricsPort: Int? = nil) throws(SluiceError) {
        var environment = ProcessInfo.processInfo.environment
        environment["SLUICE_TOKEN"] = token
        // The children leave when this process does, even when it is killed with SIGKILL (see ParentWatch).
        environment[ParentWatch.environmentKey] = String(ProcessInfo.processInfo.processIdentifier)
        for index in 1...max(1, count) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = ["executor", "--connect", "127.0.0.1:\(driverPort)", "--once",
                                 "--id", "local-\(index)", "--slots", "\(slots)", "--memory", "\(memoryMebibytes)",
                                 "--log-level", logLevel]
                + (metricsPort.map { ["--metrics-port", "\($0 == 0 ? 0 : $0 + index - 1)"] } ?? [])
            process.environment = environment
            do {
                try process.run()
            } catch {
                terminate()
                throw SluiceError(.executorSpawn, "cannot start executor process \(executable)", underlying: "\(error)")
            }
            processes.append(process)
        }
    }

    /// Process ids of the children (for tests that kill one).
    public var processIdentifiers: [Int32] { processes.map(\.processIdentifier) }

    /// Terminates the children whose ids (`local-1`) are not in `leaving` at once, waits up to `seconds` for the others to
    /// exit by themselves, then terminates the rest.
    public func waitOrTerminate(seconds: Double, except leaving: Set<String>) async {
        for (index, process) in processes.enumerated() where process.isRunning && !leaving.contains("local-\(index + 1)") {
            process.terminate()
        }
        let deadline = Date().addingTimeInterval(seconds)
        while processes.contains(where: \.isRunning), Date() < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        terminate()
    }

    public func terminate() {
        for process in processes where process.isRunning { process.terminate() }
    }
}

extension SluiceError.Code {
    public static let executorSpawn = Self("executor_spawn", retryable: false)
}
