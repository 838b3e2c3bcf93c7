public import Prometheus
public import SluiceCore
public import SluiceMetrics
import Synchronization

/// An executor's Prometheus metrics and its readiness (docs/metrics.md), updated by ``ExecutorService`` as it joins
/// drivers and runs tasks. Counters count what this process did since it started, over every run it served.
public final class ExecutorMetrics: Sendable {
    /// Where the metrics are kept; ``exposition()`` renders them.
    public let registry = PrometheusCollectorRegistry()
    private let process: ProcessMetrics
    private let link = Mutex<Link>(.starting)
    private let running: Gauge

    /// How the executor stands with drivers, which is what readiness means for it.
    public enum Link: Sendable, Hashable {
        /// The process is up but has not tried to reach a driver yet.
        case starting
        /// Trying to reach the driver at this address (between runs, or before the first).
        case waiting(driver: String)
        case connected(driver: String)
        /// Leaving: SIGTERM, a `--once` run done, or a fault retrying cannot fix (a wrong token).
        case stopping
    }

    public init(slots: Int) {
        process = ProcessMetrics(registry: registry)
        running = registry.gauge(Self.tasksRunning)
        registry.gauge(Self.slots).set(to: Double(slots))
        registry.gauge(Self.driverConnected).set(to: 0)
    }

    public func changed(to link: Link) {
        self.link.withLock { $0 = link }
        if case .connected = link { registry.gauge(Self.driverConnected).set(to: 1) } else { registry.gauge(Self.driverConnected).set(to: 0) }
    }

    /// `/readyz`: ready while it is connected to a driver or trying to reach one, so that a Deployment's pods count
    /// as ready between runs (no driver is up then); not ready while starting or leaving.
    public func readiness() -> Readiness {
        switch link.withLock({ $0 }) {
        case .starting: Readiness(ready: false, reason: "starting")
        case .waiting(let driver): Readiness(ready: true, reason: "waiting for a driver at \(driver)")
        case .connected(let driver): Readiness(ready: true, reason: "connected to the driver at \(driver)")
        case .stopping: Readiness(ready: false, reason: "stopping")
        }
    }

    public func taskStarted() {
        running.increment()
    }

    /// Counts a task's end: its outcome, and for a success the rows and shard bytes it staged per table.
    public func taskEnded(_ task: TaskSpec, _ outcome: TaskRunner.Outcome) {
        running.decrement()
        switch outcome {
        case .succeeded(let result):
            registry.counter(Self.tasks, [("table", task.table), ("outcome", "succeeded")]).increment()
            for output in result.outputs {
                let table = output.table.isEmpty ? task.table : output.table
                registry.counter(Self.rowsStaged, [("table", table)]).increment(by: Int64(clamping: output.rowsStaged))
                registry.counter(Self.shardBytes, [("table", table)]).increment(by: Int64(clamping: output.shardBytes))
            }
        case .failed:
            registry.counter(Self.tasks, [("table", task.table), ("outcome", "failed")]).increment()
        }
    }

    /// The exposition now, with the process's figures read from /proc.
    public func exposition() -> String {
        process.refresh()
        return registry.emitToString()
    }
}

extension ExecutorMetrics {
    public static let tasksRunning = MetricFamily("sluice_executor_tasks_running", help: "Tasks this executor is running now.")
    public static let tasks = MetricFamily("sluice_executor_tasks_total", help: "Tasks this executor finished, by table and outcome (succeeded: staged in the sink; failed).")
    public static let rowsStaged = MetricFamily("sluice_executor_rows_staged_total", help: "Rows this executor staged in the sink, by table.")
    public static let shardBytes = MetricFamily("sluice_executor_shard_bytes_total", help: "Bytes of the Parquet shards this executor wrote for staged tasks, by table.")
    public static let driverConnected = MetricFamily("sluice_executor_driver_connected", help: "1 while this executor is connected to a driver, else 0.")
    public static let slots = MetricFamily("sluice_executor_slots", help: "Tasks this executor runs at once.")
}
