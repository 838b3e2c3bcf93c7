import Prometheus
import SluiceDriver
import SluiceMetrics
import SluicePipeline
import SluiceReport
import Testing

/// The driver's metrics from a known snapshot of a run: each value under its labels, task states, counters that
/// never go backwards.
@Suite struct DriverMetricsTests {
    /// orders: 3 tasks (one committed after a retry, one running, one waiting) with a child table; customers done; broken
    /// could not be planned.
    var snapshot: DriverMetricsSnapshot {
        var orders = TableReport(table: "orders", mode: .backfill)
        orders.rowsLoaded = 1_000
        orders.rowsExtracted = 1_000
        orders.shardBytes = 4_096
        orders.tasks = [task(1, [.failed, .committed], committed: true), task(2, [.running]), task(3, [])]
        var items = TableReport(table: "order_items", mode: .backfill)
        items.parent = "orders"
        items.rowsLoaded = 300
        items.rowsExtracted = 310
        items.shardBytes = 512
        var customers = TableReport(table: "customers", mode: .incremental)
        customers.status = .succeeded
        customers.rowsLoaded = 50
        customers.tasks = [task(4, [.committed], committed: true)]
        let broken = TableReport(table: "broken", mode: nil)
        return DriverMetricsSnapshot(
            runID: "20260101T000000Z-abc", pipeline: "shop", seconds: 12.5,
            progress: [
                TableProgress(table: "orders", tasksDone: 1, tasksTotal: 3, rows: 1_700, bytes: 4_096, retries: 1, finished: false, failed: false),
                TableProgress(table: "customers", tasksDone: 1, tasksTotal: 1, rows: 50, bytes: 100, retries: 0, finished: true, failed: false),
            ],
            reports: [orders, items, customers, broken], executorsAlive: 2, executorsExcluded: 1)
    }

    func task(_ id: UInt64, _ outcomes: [AttemptReport.Outcome], committed: Bool = false) -> TaskReport {
        var task = TaskReport(task: id, partition: Int(id), summary: "part \(id)")
        task.attempts = outcomes.enumerated().map { AttemptReport(attempt: UInt32($0.offset + 1), executor: "x1", outcome: $0.element) }
        if committed { task.status = .committed }
        return task
    }

    func rendered(_ snapshots: DriverMetricsSnapshot...) async -> String {
        let metrics = DriverMetrics()
        for snapshot in snapshots { await metrics.record(snapshot) }
        return metrics.registry.emitToString()
    }

    @Test func everyFigureAppearsUnderItsLabels() async {
        let text = await rendered(snapshot)
        for line in [
            #"sluice_run_info{run_id="20260101T000000Z-abc",pipeline="shop"} 1.0"#,
            "sluice_run_duration_seconds 12.5",
            "sluice_executors_alive 2.0",
            "sluice_executors_excluded 1.0",
            // Extracted rows include what the running task has read so far (the progress), loaded only commits.
            #"sluice_rows_total{table="orders",stage="extracted"} 1700"#,
            #"sluice_rows_total{table="orders",stage="loaded"} 1000"#,
            #"sluice_rows_total{table="order_items",stage="extracted"} 310"#,
            #"sluice_rows_total{table="order_items",stage="loaded"} 300"#,
            #"sluice_rows_total{table="customers",stage="loaded"} 50"#,
            #"sluice_shard_bytes_total{table="orders"} 4096"#,
            #"sluice_shard_bytes_total{table="order_items"} 512"#,
            #"sluice_retries_total{table="orders"} 1"#,
            #"sluice_retries_total{table="customers"} 0"#,
            #"sluice_tasks{table="orders",state="committed"} 1.0"#,
            #"sluice_tasks{table="orders",state="running"} 1.0"#,
            #"sluice_tasks{table="orders",state="waiting"} 1.0"#,
            #"sluice_tasks{table="orders",state="staged"} 0.0"#,
            #"sluice_tasks{table="orders",state="failed"} 0.0"#,
            #"sluice_tasks{table="customers",state="committed"} 1.0"#,
            // orders and its child are running, customers succeeded, broken could not be planned.
            #"sluice_tables{status="running"} 2.0"#,
            #"sluice_tables{status="succeeded"} 1.0"#,
            #"sluice_tables{status="failed"} 1.0"#,
            #"sluice_tables{status="pending"} 0.0"#,
            "# TYPE sluice_rows_total counter",
            "# TYPE sluice_tasks gauge",
        ] {
            #expect(text.contains(line + "\n"), "missing \(line) in:\n\(text)")
        }
        #expect(!text.contains(#"sluice_tasks{table="order_items""#), "a child's tasks are its parent's")
        #expect(!text.contains(#"sluice_retries_total{table="order_items""#))
    }

    @Test func aFailedTableFailsItsUncommittedTasks() async {
        var failed = snapshot
        failed.progress[0].finished = true
        failed.progress[0].failed = true
        let text = await rendered(failed)
        #expect(text.contains(#"sluice_tasks{table="orders",state="failed"} 2.0"# + "\n"), "\(text)")
        #expect(text.contains(#"sluice_tasks{table="orders",state="committed"} 1.0"# + "\n"))
        #expect(text.contains(#"sluice_tables{status="failed"} 3.0"# + "\n"), "orders, its child and broken")
    }

    @Test func aStagedTaskAndARetryWaitingAreTold() async {
        var later = snapshot
        later.reports[0].tasks[1] = task(2, [.staged])
        later.reports[0].tasks[2] = task(3, [.lost])
        let text = await rendered(later)
        #expect(text.contains(#"sluice_tasks{table="orders",state="staged"} 1.0"# + "\n"))
        #expect(text.contains(#"sluice_tasks{table="orders",state="waiting"} 1.0"# + "\n"), "a lost attempt's task waits for its retry")
    }

    @Test func rowsReadByAFailedAttemptStayCounted() async {
        var failedAttempt = snapshot
        failedAttempt.progress[0].rows = 1_000
        let text = await rendered(snapshot, failedAttempt)
        #expect(text.contains(#"sluice_rows_total{table="orders",stage="extracted"} 1700"# + "\n"), "a counter never goes back")
    }

    @Test func beforeTheRunStartsOnlyTheProcessIsMeasured() async {
        let metrics = DriverMetrics()
        let text = await metrics.exposition()
        #expect(text.contains("process_resident_memory_bytes"))
        #expect(!text.contains("sluice_run_info"))
        #expect(await metrics.readiness() == .init(ready: false, reason: "planning the run"))
        await metrics.listeningForExecutors()
        #expect(await metrics.readiness().ready)
        await metrics.runFinished(seconds: 3)
        #expect(await metrics.readiness() == .init(ready: false, reason: "the run is over"))
    }
}
