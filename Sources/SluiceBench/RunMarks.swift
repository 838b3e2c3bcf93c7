import Foundation
import Logging
import Synchronization

/// When the driver logged the events the scheduler benchmark times (`executor.joined`, `table.succeeded`, ...), each
/// with the CPU seconds this process and the executor processes had used by then. Filled by ``MarkingLogHandler``.
final class RunMarks: Sendable {
    struct Mark {
        /// Monotonic nanoseconds (DispatchTime).
        var nanoseconds: UInt64
        var driverCPU: Double
        /// The executors' CPU seconds so far (from /proc; those already gone count as 0).
        var executorsCPU: Double
    }

    private let state = Mutex<(marks: [String: [Mark]], executors: [Int32])>(([:], []))

    /// The executor processes whose CPU the marks read.
    func watch(_ pids: [Int32]) { state.withLock { $0.executors = pids } }

    /// Records `event` now.
    func mark(_ event: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        let driver = Self.cpuSeconds()
        let pids = state.withLock { $0.executors }
        let executors = pids.reduce(0) { $0 + (Self.cpuSeconds(ofProcess: $1) ?? 0) }
        state.withLock { $0.marks[event, default: []].append(Mark(nanoseconds: now, driverCPU: driver, executorsCPU: executors)) }
    }

    /// Every time `event` was marked, in order.
    func marks(_ event: String) -> [Mark] { state.withLock { $0.marks[event] ?? [] } }

    /// This process's user + system CPU seconds.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// User + system CPU seconds of a live process (`/proc/PID/stat`, fields 14 and 15, in clock ticks).
    static func cpuSeconds(ofProcess pid: Int32) -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        // The fields after the command name start at field 3 (state).
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}

/// The driver's logger in the scheduler benchmark: marks the events ``SchedulerBench`` times and prints warnings and
/// errors to stderr; the rest (info logs, as `sluice run` would write them) is dropped.
struct MarkingLogHandler: LogHandler {
    static let timed: Set<String> = ["run.start", "driver.listening", "executor.joined", "table.succeeded", "run.finish"]

    let marks: RunMarks
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let message = "\(event.message)"
        if Self.timed.contains(message) { marks.mark(message) }
        if event.level >= .warning {
            let details = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            FileHandle.standardError.write(Data("[driver] \(event.level) \(message) \(details)\n".utf8))
        }
    }
}
