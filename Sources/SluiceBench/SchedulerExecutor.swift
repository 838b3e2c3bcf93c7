import Foundation
import Logging
import SluiceCore
import SluiceExecutor
import SluiceWire

// `sluice-bench scheduler-executor --connect HOST:PORT [--id NAME] [--slots N]`: the real executor
// (``SluiceExecutor/ExecutorService``, the cluster protocol, the TaskRunner with its Parquet shard) with the bench's
// connectors (``BenchConnectors``) instead of PostgreSQL and ClickHouse. Joins the driver once (the token in
// SLUICE_TOKEN), runs its tasks and exits, as `sluice run --local` executors do. `sluice-bench scheduler` starts it.
enum SchedulerExecutor {
    static func run(_ arguments: [String]) async throws {
        var connect = "", id = "bench-\(ProcessInfo.processInfo.processIdentifier)", slots = 1
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--connect": connect = iterator.next() ?? ""
            case "--id": id = iterator.next() ?? id
            case "--slots": slots = Int(iterator.next() ?? "") ?? slots
            default: throw ParquetBench.BenchError("unknown argument \(argument)")
            }
        }
        guard let colon = connect.lastIndex(of: ":"), let port = Int(connect[connect.index(after: colon)...]) else {
            throw ParquetBench.BenchError("--connect HOST:PORT is required")
        }
        guard let token = ProcessInfo.processInfo.environment["SLUICE_TOKEN"] else { throw ParquetBench.BenchError("SLUICE_TOKEN is not set") }
        // Leave with the benchmark, whatever killed it.
        ParentWatch.start { _ in exit(3) }
        let logger = Logger(label: "sluice-bench.executor") { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
        let options = ExecutorOptions(driverHost: String(connect[..<colon]), driverPort: port, executorID: id, slots: slots, once: true,
                                      secret: try WireSecret(text: token, origin: "SLUICE_TOKEN"), connectPatience: .seconds(30))
        try await ExecutorService(options: options, registry: BenchConnectors.executorRegistry, logger: logger).serveDrivers()
    }
}
