import SluicePipeline
import SluiceReport

/// Reports built by hand for the renderer's and the JSON's tests.
enum SampleReports {
    static func attempt(_ number: UInt32, on executor: String, _ outcome: AttemptReport.Outcome, from start: Double, to end: Double?,
                        rows: UInt64? = nil, error: String? = nil) -> AttemptReport {
        var attempt = AttemptReport(attempt: number, executor: executor, outcome: outcome,
                                    started: RunInstant(seconds: start, timestamp: "2024-05-01T10:00:0\(Int(start) % 10).000Z"))
        if let end { attempt.ended(at: RunInstant(seconds: end, timestamp: "2024-05-01T10:00:0\(Int(end) % 10).500Z")) }
        attempt.rowsExtracted = rows
        attempt.rowsStaged = rows
        attempt.shardBytes = rows.map { $0 * 10 }
        attempt.error = error
        return attempt
    }

    static func task(_ id: UInt64, _ status: TaskReport.Status, _ attempts: [AttemptReport]) -> TaskReport {
        var task = TaskReport(task: id, partition: Int(id) - 1, summary: "\"id\" >= \(id * 100) AND \"id\" < \((id + 1) * 100)")
        task.status = status
        task.rowsLoaded = status == .committed ? 100 : 0
        task.attempts = attempts
        return task
    }

    /// Two executors, four tasks, six attempts: one task retried after a failure, one after a lost executor whose
    /// late result was superseded; one table succeeded and one (named with markup) failed.
    static var twoExecutors: RunReport {
        var items = TableReport(table: "items", mode: .backfill)
        items.status = .succeeded
        items.target = "clean.items"
        items.rowsExtracted = 300
        items.rowsLoaded = 300
        items.shardBytes = 3_000
        items.bookmarkAfter = "2024-01-01 00:33:20.000000Z"
        items.stageSeconds = StageSeconds(planning: 0.25, extraction: 3.5, commit: 0.3, finish: 0.5)
        items.tasks = [
            task(1, .committed, [attempt(1, on: "x1#1", .committed, from: 0.5, to: 1.5, rows: 100)]),
            task(2, .committed, [attempt(1, on: "x2#2", .failed, from: 0.5, to: 1.0, error: "COPY failed: <server> said \"no\" & quit"),
                                 attempt(2, on: "x1#1", .committed, from: 1.6, to: 2.5, rows: 100)]),
            task(3, .committed, [attempt(1, on: "x2#2", .superseded, from: 1.1, to: 4.0, rows: 100),
                                 attempt(2, on: "x1#1", .committed, from: 2.6, to: 3.5, rows: 100)]),
        ]
        items.tasks[2].attempts[0].error = nil
        var odd = TableReport(table: "odd<b>&\"name'", mode: .incremental)
        odd.error = "validation failed: </title><script>alert(1)</script>"
        odd.tasks = [task(4, .failed, [attempt(1, on: "x2#2", .failed, from: 0.6, to: 0.9, error: "bad row <7>")])]
        return RunReport(runID: "20240501T100000Z-abc123", pipeline: "test", startedAt: "2024-05-01T10:00:00Z",
                         finishedAt: "2024-05-01T10:00:04.500Z", seconds: 4.5, tables: [items, odd])
    }

    static var attemptCount: Int { twoExecutors.tables.reduce(0) { $0 + $1.attempts } }
}
