import Foundation
import Logging
import SluiceConfig
import SluiceCore
import SluiceDriver
import SluiceReport
import SluiceWire
import Synchronization

// `sluice-bench scheduler --staging DIR [--tasks N] [--executors E] [--slots S] [--rows-per-task R]`: one round of
// bench/scheduler. Runs the real ``SluiceDriver/Driver`` in this process on a pipeline of one table of N partitions
// (the bench-only ``GenerateSource``; ``DiscardSink`` commits by counting), and E `sluice-bench scheduler-executor`
// child processes (the real executor with the bench connectors) joined over the cluster protocol on loopback. Each
// task reads R generated rows, writes them to a Parquet shard under DIR, stages the shard (read back, counted) and
// reports; the driver commits every task, hashes the shards for the run's manifest and deletes them at the end.
// Checks that every task was committed exactly once with its rows, then prints one JSON object: the windows
// (planning, executors ready, first executor registered to table succeeded), the CPU seconds of this process (the
// driver alone) and of the executors, over the whole run and over the task window.
enum SchedulerBench {
    struct Options {
        var tasks = 10_000
        var executors = 4
        var slots = 1
        var rowsPerTask = 1
        var staging = ""
    }

    static func run(_ arguments: [String]) async throws {
        let options = try parse(arguments)
        var bytes = [UInt8](repeating: 0, count: 32)
        for index in bytes.indices { bytes[index] = .random(in: 0...255) }
        let token = bytes.map { String(format: "%02x", $0) }.joined()
        let pipeline = try PipelineLoader(environment: [:]).parse("""
            pipeline: bench-scheduler
            source: {\(BenchConnectors.sourceKind): {}}
            sink: {\(BenchConnectors.sinkKind): {}}
            staging: {directory: "\(options.staging)"}
            tables:
              - name: tiny
                primary_key: [id]
                partition: {count: \(options.tasks)}
                columns:
                  - {name: id, type: int64, nullable: false}
            """, file: "bench-scheduler.yaml")

        let marks = RunMarks()
        let ledger = BenchLedger()
        let sink = DiscardSink(ledger: ledger)
        var driverOptions = DriverOptions(listenHost: "127.0.0.1", listenPort: 0, localExecutors: 0)
        driverOptions.secret = try WireSecret(text: token, origin: "the bench's token")
        var driver = Driver(pipeline: pipeline, options: driverOptions, source: GenerateSource(rowsPerTask: options.rowsPerTask),
                            sink: sink, bookmarks: sink, logger: Logger(label: "sluice-bench.driver") { _ in MarkingLogHandler(marks: marks) })
        let children = Children()
        driver.onListening = { port in
            marks.mark("spawn")
            children.start(count: options.executors, port: port, slots: options.slots, token: token)
            marks.watch(children.pids)
        }

        let cpuBefore = RunMarks.cpuSeconds()
        let started = DispatchTime.now().uptimeNanoseconds
        let report = try await driver.run()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let driverCPU = RunMarks.cpuSeconds() - cpuBefore
        let exits = children.waitUntilExit()
        if let error = children.error { throw ParquetBench.BenchError("cannot start the executors: \(error)") }

        try verify(report, ledger: ledger, options: options, exits: exits)
        let joined = marks.marks("executor.joined"), spawn = marks.marks("spawn"), planned = marks.marks("driver.listening")
        guard joined.count == options.executors, let spawned = spawn.first, let listening = planned.first,
              let runStart = marks.marks("run.start").first, let succeeded = marks.marks("table.succeeded").first else {
            throw ParquetBench.BenchError("expected \(options.executors) executor.joined and one table.succeeded, saw \(joined.count)")
        }
        let first = joined[0], last = joined[joined.count - 1]
        let window = Double(succeeded.nanoseconds - first.nanoseconds) / 1e9
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        let executorCPU = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        let executorSystem = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        getrusage(RUSAGE_SELF.rawValue, &usage)
        // The kernel's share (file creation and removal, sockets): what differs most between staging filesystems.
        let driverSystem = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        let result: [String: Any] = [
            "tasks": options.tasks, "executors": options.executors, "slots": options.slots, "rows_per_task": options.rowsPerTask,
            "run_seconds": seconds,
            "planning_seconds": Double(listening.nanoseconds - runStart.nanoseconds) / 1e9,
            "executors_ready_seconds": Double(last.nanoseconds - spawned.nanoseconds) / 1e9,
            "task_window_seconds": window,
            "tasks_per_s": Double(options.tasks) / window,
            "driver_cpu_seconds": driverCPU,
            "driver_cpu_window_seconds": succeeded.driverCPU - first.driverCPU,
            "executors_cpu_seconds": executorCPU,
            "executors_system_cpu_seconds": executorSystem,
            "driver_system_cpu_seconds": driverSystem,
            "executors_cpu_window_seconds": succeeded.executorsCPU - first.executorsCPU,
            "driver_max_rss_mib": usage.ru_maxrss / 1024,
            "rows_committed": ledger.state.withLock { $0.rows },
            "attempts": report.tables.reduce(0) { $0 + $1.attempts },
        ]
        FileHandle.standardOutput.write(try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]) + Data("\n".utf8))
    }

    /// Fails the round unless the run succeeded and every task was committed exactly once with its generated rows.
    static func verify(_ report: RunReport, ledger: BenchLedger, options: Options, exits: [Int32]) throws {
        guard report.succeeded, let table = report.tables.first else {
            throw ParquetBench.BenchError("the run failed: \(report.error ?? report.tables.compactMap(\.error).joined(separator: "; "))")
        }
        let rows = UInt64(options.tasks * options.rowsPerTask)
        let expectedSum = Int64(rows) * (Int64(rows) - 1) / 2
        let ledger = ledger.state.withLock { $0 }
        let committedTasks = table.tasks.filter { $0.status == .committed }.count
        var problems: [String] = []
        if ledger.committed.count != options.tasks { problems.append("\(ledger.committed.count) of \(options.tasks) tasks committed") }
        if ledger.duplicates > 0 { problems.append("\(ledger.duplicates) tasks committed twice") }
        if ledger.rows != rows || ledger.idSum != expectedSum {
            problems.append("committed \(ledger.rows) rows with id sum \(ledger.idSum), generated \(rows) with \(expectedSum)")
        }
        if table.rowsLoaded != rows || committedTasks != options.tasks {
            problems.append("the report says \(table.rowsLoaded) rows loaded, \(committedTasks) tasks committed")
        }
        if exits.contains(where: { $0 != 0 }) { problems.append("executors exited with \(exits)") }
        guard problems.isEmpty else { throw ParquetBench.BenchError("round failed its checks: " + problems.joined(separator: "; ")) }
    }

    static func parse(_ arguments: [String]) throws -> Options {
        var options = Options()
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            let value = iterator.next() ?? ""
            switch argument {
            case "--tasks": options.tasks = Int(value) ?? options.tasks
            case "--executors": options.executors = Int(value) ?? options.executors
            case "--slots": options.slots = Int(value) ?? options.slots
            case "--rows-per-task": options.rowsPerTask = Int(value) ?? options.rowsPerTask
            case "--staging": options.staging = value
            default: throw ParquetBench.BenchError("unknown argument \(argument)")
            }
        }
        guard !options.staging.isEmpty else { throw ParquetBench.BenchError("--staging DIR is required") }
        return options
    }
}

/// The `sluice-bench scheduler-executor` processes of one round.
final class Children: Sendable {
    private let state = Mutex<(processes: [Process], error: String?)>(([], nil))

    var pids: [Int32] { state.withLock { $0.processes.map(\.processIdentifier) } }
    var error: String? { state.withLock { $0.error } }

    func start(count: Int, port: Int, slots: Int, token: String) {
        var environment = ProcessInfo.processInfo.environment
        environment["SLUICE_TOKEN"] = token
        environment[ParentWatch.environmentKey] = String(ProcessInfo.processInfo.processIdentifier)
        for index in 1...max(1, count) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: LocalExecutors.currentExecutable)
            process.arguments = ["scheduler-executor", "--connect", "127.0.0.1:\(port)", "--id", "bench-\(index)", "--slots", "\(slots)"]
            process.environment = environment
            do {
                try process.run()
                state.withLock { $0.processes.append(process) }
            } catch {
                state.withLock { $0.error = "\(error)" }
                return
            }
        }
    }

    /// Waits for every child to exit; their exit statuses.
    func waitUntilExit() -> [Int32] {
        let processes = state.withLock { $0.processes }
        for process in processes { process.waitUntilExit() }
        return processes.map(\.terminationStatus)
    }
}
