import SluicePipeline
import SluiceReport
import Testing

/// Where attempts go on the timeline: lanes per executor, rows within a lane, one bar per attempt.
@Suite struct TimelineLayoutTests {
    @Test func oneLanePerExecutorAndOneBarPerAttempt() {
        let layout = TimelineLayout(SampleReports.twoExecutors)
        #expect(layout.lanes.map(\.executor) == ["x1#1", "x2#2"])
        #expect(layout.lanes.reduce(0) { $0 + $1.bars.count } == SampleReports.attemptCount)
        #expect(layout.span == 4.5)
    }

    @Test func overlappingAttemptsOfOneExecutorGetRowsOfTheirOwn() {
        let layout = TimelineLayout(SampleReports.twoExecutors)
        let x2 = layout.lanes[1]
        // 0.5-1.0 (task 2) and 0.6-0.9 (task 4) overlap; 1.1-4.0 (task 3) fits in the first row again.
        #expect(x2.rows == 2)
        let rows = Dictionary(uniqueKeysWithValues: x2.bars.map { ($0.task, $0.row) })
        #expect(rows == [2: 0, 4: 1, 3: 0])
        #expect(layout.lanes[0].rows == 1, "x1's attempts follow one another")
    }

    @Test func retriesAreTheAttemptsAfterATasksFirst() {
        let bars = TimelineLayout(SampleReports.twoExecutors).lanes.flatMap(\.bars)
        let retries = bars.filter(\.isRetry).map { "\($0.task)/\($0.attempt)" }.sorted()
        #expect(retries == ["2/2", "3/2"])
    }

    @Test func aChildTablesAttemptsShareTheirParentsBars() {
        var report = SampleReports.twoExecutors
        var child = TableReport(table: "item_parts", mode: .backfill)
        child.parent = "items"
        child.tasks = report.tables[0].tasks
        report.tables.insert(child, at: 1)
        let bars = TimelineLayout(report).lanes.flatMap(\.bars)
        #expect(bars.count == SampleReports.attemptCount)
        #expect(bars.first { $0.task == 1 }?.tables == ["items", "item_parts"])
        #expect(report.totals.attempts == SampleReports.attemptCount)
    }

    @Test func anAttemptWithoutAnEndRunsToTheEndOfTheAxis() {
        var report = SampleReports.twoExecutors
        report.tables[0].tasks[0].attempts[0].endSeconds = nil
        report.tables[0].tasks[0].attempts[0].outcome = .running
        let bar = TimelineLayout(report).lanes.flatMap(\.bars).first { $0.task == 1 }
        #expect(bar?.open == true && bar?.end == 4.5)
    }

    static let spans: [(Double, [Double])] = [
        (4.5, [0, 1, 2, 3, 4]), (0.3, [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3]), (120, [0, 20, 40, 60, 80, 100, 120]),
    ]

    @Test(arguments: spans)
    func ticksFallOnRoundSeconds(span: Double, expected: [Double]) {
        var report = RunReport(runID: "r", pipeline: "p", startedAt: "", seconds: span, tables: [])
        report.seconds = span
        let ticks = TimelineLayout(report).ticks()
        #expect(ticks.count == expected.count)
        for (tick, want) in zip(ticks, expected) { #expect(abs(tick - want) < 1e-9, "\(ticks)") }
    }
}
