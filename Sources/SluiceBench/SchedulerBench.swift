import Foundation
import Logging
import SluiceConfig
import SluiceCore
import SluiceDriver
import SluiceExecutor
import SluicePipeline
import SluiceReport
import SluiceWire
import Synchronization

// `sluice-bench scheduler TASKS EXECUTORS ROWS_PER_TASK`: one run of the real driver (in this process) over TASKS tiny
// tasks, served to EXECUTORS real executor processes (this binary as `sluice-bench executor`, started by the driver's
// own `LocalExecutors` exactly as `sluice run --local N` starts `sluice executor`) over the cluster protocol. The
// bench-only connectors (BenchConnectors.swift) generate each partition's rows from nothing and commit by counting,
// so what is measured is the runtime: planning, scheduling, the wire, each executor's task path (read, Parquet shard
// on local disk, stage) and the driver's commits. Prints one JSON object: the task window (first assignment to last
// result, from the run report), the whole run, the driver process's CPU, and the checks (every task committed once,
// rows and id sum as generated).
enum SchedulerBench {
    static func run(_ arguments: [String]) async throws {
        let tasks = arguments.count > 0 ? Int(arguments[0]) ?? 10_000 : 10_000
        let executors = arguments.count > 1 ? Int(arguments[1]) ?? 4 : 4
        let rowsPerTask = arguments.count > 2 ? Int(arguments[2]) ?? 1 : 1
        let staging = NSTemporaryDirectory() + "sluice-bench-scheduler-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: staging) }
        let yaml = """
        pipeline: bench-scheduler
        source: {\(BenchConnectors.sourceKind): {}}
        sink: {\(BenchConnectors.sinkKind): {}}
        staging: {directory: \(staging), keep_shards: false}
        run: {heartbeat_interval: 1s, executor_timeout: 10s}
        tables:
          - name: tiny
            primary_key: [id]
            partition: {column: id, count: \(tasks)}
            columns:
              - {name: id, type: int64, nullable: false}
        """
        let pipeline = try PipelineLoader(environment: [:]).parse(yaml, file: "bench-scheduler.yaml")
        let ledger = BenchLedger()
        let sink = DiscardSink(ledger: ledger)
        var logger = Logger(label: "sluice-bench.scheduler")
        logger.logLevel = .warning
        // No secret: the driver makes up a token and hands it to the executors it starts, as `sluice run --local` does.
        var options = DriverOptions(localExecutors: executors, executorSlots: 1, logLevel: "warning")
        options.listenPort = 0
        let driver = Driver(pipeline: pipeline, options: options, source: GenerateSource(rowsPerTask: rowsPerTask), sink: sink,
                            bookmarks: sink, logger: logger)
        let cpuBefore = ExtractBench.cpuSeconds()
        let started = ContinuousClock.now
        let report = try await driver.run()
        let wall = ContinuousClock.now - started
        let driverCPU = ExtractBench.cpuSeconds() - cpuBefore

        let attempts = report.tables.flatMap { $0.tasks.flatMap(\.attempts) }
        let firstStart = attempts.compactMap(\.startSeconds).min() ?? 0
        let lastEnd = attempts.compactMap(\.endSeconds).max() ?? 0
        let window = lastEnd - firstStart
        let state = ledger.state.withLock { $0 }
        let expectedRows = UInt64(tasks * rowsPerTask)
        let n = Int64(tasks * rowsPerTask)
        let expectedSum = n * (n - 1) / 2
        let result: [String: Any] = [
            "tasks": tasks, "executors": executors, "slots_per_executor": 1, "rows_per_task": rowsPerTask,
            "status": report.tables.first?.status.rawValue ?? "none", "error": report.error ?? "",
            "attempts": attempts.count, "committed_tasks": state.committed.count, "duplicate_commits": state.duplicates,
            "rows_committed": state.rows, "rows_expected": expectedRows,
            "checks_ok": state.committed.count == tasks && state.duplicates == 0 && state.rows == expectedRows && state.idSum == expectedSum,
            "task_window_seconds": window, "run_seconds": Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18,
            "tasks_per_s": window > 0 ? Double(tasks) / window : 0,
            "driver_cpu_seconds": driverCPU, "driver_cpu_ms_per_task": driverCPU * 1000 / Double(tasks),
        ]
        FileHandle.standardOutput.write(try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]) + Data("\n".utf8))
    }

    /// `sluice-bench executor --connect HOST:PORT --id ID --slots N --memory MIB ...`: the real executor service with
    /// the bench connectors, as the driver's LocalExecutors starts it. Other options are ignored.
    static func executor(_ arguments: [String]) async throws {
        func value(_ name: String) -> String? {
            guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
            return arguments[index + 1]
        }
        let connect = value("--connect") ?? "127.0.0.1:7077"
        let parts = connect.split(separator: ":")
        var logger = Logger(label: "sluice-bench.executor")
        logger.logLevel = .warning
        let options = ExecutorOptions(driverHost: String(parts[0]), driverPort: Int(parts.last ?? "7077") ?? 7077,
                                      executorID: value("--id") ?? "bench", slots: Int(value("--slots") ?? "1") ?? 1,
                                      memoryMebibytes: Int(value("--memory") ?? "512") ?? 512, once: true,
                                      secret: try WireSecret.fromEnvironment(), connectPatience: .seconds(30))
        let service = ExecutorService(options: options, registry: BenchConnectors.executorRegistry, logger: logger)
        try await service.serveDrivers()
    }
}
