import SluiceCore
import SluiceExecutor
import SluiceMetrics
import Testing

/// An executor's readiness by its link to drivers, and what it counts when tasks end.
@Suite struct ExecutorMetricsTests {
    @Test(arguments: [
        (ExecutorMetrics.Link.starting, false, "starting", 0),
        (.waiting(driver: "driver:7077"), true, "waiting for a driver at driver:7077", 0),
        (.connected(driver: "driver:7077"), true, "connected to the driver at driver:7077", 1),
        (.stopping, false, "stopping", 0),
    ])
    func readinessFollowsTheLink(link: ExecutorMetrics.Link, ready: Bool, reason: String, connected: Int) {
        let metrics = ExecutorMetrics(slots: 2)
        metrics.changed(to: link)
        #expect(metrics.readiness() == Readiness(ready: ready, reason: reason))
        #expect(metrics.exposition().contains("sluice_executor_driver_connected \(Double(connected))\n"))
    }

    @Test func tasksAreCountedByOutcomeWithTheirRowsAndBytes() {
        let metrics = ExecutorMetrics(slots: 2)
        let task = TaskSpec(id: 7, attempt: 1, runID: "r", table: "orders", partitionIndex: 0, partitionCount: 1, read: .none, shardPath: "/tmp/x")
        metrics.taskStarted()
        metrics.taskStarted()
        #expect(metrics.exposition().contains("sluice_executor_tasks_running 2.0\n"))
        metrics.taskEnded(task, .succeeded(TaskResult(
            taskID: 7, attempt: 1, maxCursor: nil,
            output: TaskOutput(table: "", rowsExtracted: 120, rowsStaged: 100, shardPath: "/tmp/x", shardBytes: 2_000),
            related: [TaskOutput(table: "order_items", rowsExtracted: 40, rowsStaged: 40, shardPath: "/tmp/y", shardBytes: 500)])))
        metrics.taskEnded(task, .failed(TaskFailure(taskID: 7, attempt: 2, error: SluiceError(.internalError, "boom"))))
        let text = metrics.exposition()
        for line in [
            "sluice_executor_tasks_running 0.0",
            "sluice_executor_slots 2.0",
            #"sluice_executor_tasks_total{table="orders",outcome="succeeded"} 1"#,
            #"sluice_executor_tasks_total{table="orders",outcome="failed"} 1"#,
            #"sluice_executor_rows_staged_total{table="orders"} 100"#,
            #"sluice_executor_rows_staged_total{table="order_items"} 40"#,
            #"sluice_executor_shard_bytes_total{table="orders"} 2000"#,
            #"sluice_executor_shard_bytes_total{table="order_items"} 500"#,
        ] {
            #expect(text.contains(line + "\n"), "missing \(line) in:\n\(text)")
        }
        #expect(text.contains("process_cpu_seconds_total"))
    }
}
