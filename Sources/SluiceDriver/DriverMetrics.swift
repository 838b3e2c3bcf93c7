public import Prometheus
public import SluiceMetrics

/// The driver's Prometheus metrics and readiness (docs/metrics.md). It counts nothing itself: each scrape asks the
/// run's ``RunCoordinator`` where things stand (``DriverMetricsSnapshot``) and sets the metrics from that, so the
/// scheduling code carries no metric calls and the figures agree with the progress display and the report.
///
/// The ``Driver`` tells it when the run starts, when its coordinator exists, when it listens for executors and when
/// the run ends; an actor, so that one scrape's updates are never interleaved with another's.
public actor DriverMetrics {
    /// Where the metrics are kept; `emitToString()` is the exposition.
    public nonisolated let registry = PrometheusCollectorRegistry()
    private let process: ProcessMetrics
    private var run: (id: String, pipeline: String, started: ContinuousClock.Instant)?
    private var coordinator: RunCoordinator?
    private var listening = false
    private var finishedSeconds: Double?
    /// Counters by name and labels, created when a table first appears.
    private var counters: [String: SnapshotCounter] = [:]

    public init() {
        process = ProcessMetrics(registry: registry)
    }

    public func runStarted(runID: String, pipeline: String) {
        run = (runID, pipeline, .now)
    }

    /// The run's tables are planned and its coordinator serves them: from now on the metrics follow it.
    public func serving(_ coordinator: RunCoordinator) {
        self.coordinator = coordinator
    }

    /// The driver listens for executors: it is ready.
    public func listeningForExecutors() {
        listening = true
    }

    /// The run ended after `seconds`: the duration stops there, and the driver is no longer ready.
    public func runFinished(seconds: Double) {
        finishedSeconds = seconds
        listening = false
    }

    /// `/readyz`: ready while it listens for executors, that is from the end of planning to the end of the run.
    public func readiness() -> Readiness {
        if finishedSeconds != nil { return Readiness(ready: false, reason: "the run is over") }
        return listening ? Readiness(ready: true, reason: "listening for executors")
            : Readiness(ready: false, reason: "planning the run")
    }

    /// The exposition now: the run's figures and the process's.
    public func exposition() async -> String {
        if let snapshot = await snapshot() { record(snapshot) }
        process.refresh()
        return registry.emitToString()
    }

    /// The run as the coordinator sees it; nil before the run started.
    func snapshot() async -> DriverMetricsSnapshot? {
        guard let run else { return nil }
        let seconds = finishedSeconds ?? RunCoordinator.seconds(.now - run.started)
        var snapshot = DriverMetricsSnapshot(runID: run.id, pipeline: run.pipeline, seconds: seconds)
        if let coordinator {
            snapshot.progress = await coordinator.progress()
            snapshot.reports = await coordinator.reports()
            snapshot.executorsAlive = await coordinator.executorCount
            snapshot.executorsExcluded = await coordinator.excludedExecutors().count
        }
        return snapshot
    }

    /// Sets every metric from `snapshot`.
    public func record(_ snapshot: DriverMetricsSnapshot) {
        registry.gauge(Self.runInfo, [("run_id", snapshot.runID), ("pipeline", snapshot.pipeline)]).set(to: 1)
        registry.gauge(Self.runDuration).set(to: snapshot.seconds)
        registry.gauge(Self.executorsAlive).set(to: Double(snapshot.executorsAlive))
        registry.gauge(Self.executorsExcluded).set(to: Double(snapshot.executorsExcluded))
        for (status, count) in snapshot.tableStatusCounts {
            registry.gauge(Self.tables, [("status", status.rawValue)]).set(to: Double(count))
        }
        for table in snapshot.tables {
            counter(Self.rows, [("table", table.table), ("stage", "extracted")]).advance(to: table.rowsExtracted)
            counter(Self.rows, [("table", table.table), ("stage", "loaded")]).advance(to: table.rowsLoaded)
            counter(Self.shardBytes, [("table", table.table)]).advance(to: table.shardBytes)
            // A child table's tasks and retries are its parent's.
            guard !table.tasks.isEmpty else { continue }
            counter(Self.retries, [("table", table.table)]).advance(to: UInt64(table.retries))
            for (state, count) in table.tasks {
                registry.gauge(Self.tasks, [("table", table.table), ("state", state.rawValue)]).set(to: Double(count))
            }
        }
    }

    /// The counter of `family` with `labels`, made on first use and kept: it remembers the total it last followed.
    private func counter(_ family: MetricFamily, _ labels: [(String, String)]) -> SnapshotCounter {
        let key = family.name + labels.map { "|\($0.0)=\($0.1)" }.joined()
        if let existing = counters[key] { return existing }
        let made = SnapshotCounter(registry.counter(family, labels))
        counters[key] = made
        return made
    }
}

extension DriverMetrics {
    public static let runInfo = MetricFamily("sluice_run_info", help: "Always 1; its labels name the run and the pipeline.")
    public static let runDuration = MetricFamily("sluice_run_duration_seconds", help: "Seconds since the run started; its whole length once it ended.")
    public static let executorsAlive = MetricFamily("sluice_executors_alive", help: "Connected executors that may get tasks (excluded ones are not counted).")
    public static let executorsExcluded = MetricFamily("sluice_executors_excluded", help: "Executors excluded from the run for failing what others complete.")
    public static let tables = MetricFamily("sluice_tables", help: "Tables of the run by status: pending, running, succeeded, failed.")
    public static let rows = MetricFamily("sluice_rows_total", help: "Rows by table and stage: extracted (read from the source, running tasks included) and loaded (committed into the sink).")
    public static let shardBytes = MetricFamily("sluice_shard_bytes_total", help: "Bytes of the Parquet shards of staged and committed tasks, by table.")
    public static let retries = MetricFamily("sluice_retries_total", help: "Task attempts beyond each task's first, by table.")
    public static let tasks = MetricFamily("sluice_tasks", help: "Tasks by table and state: waiting, running, staged, committed, failed.")
}
