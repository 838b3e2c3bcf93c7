import Foundation
import Logging
import SluiceConfig
import SluiceCore
import SluiceDriver
import SluicePipeline
import SluiceReport
import SluiceTestKit
import Testing

/// What the driver puts in the run report while a run goes: each attempt's times, rows and bytes, each table's
/// stage timings, the run's totals; and a report, written to `--report`, for a run that could not start.
@Suite(.serialized) struct RunReportTests {
    let world = FakeWorld()

    init() {
        world.setTable("items", .init(columns: ["id", "name", "updated_at", "gone"], rows: items(1...10)))
    }

    @Test func everyAttemptHasItsExecutorTimesRowsAndBytes() async throws {
        let run = InProcessRun(world: world)
        world.inject(.read(table: "items", partition: 1, times: 1, retryable: true))
        let report = try await run.run(try run.pipeline(itemsTable))
        #expect(report.succeeded && report.reportVersion == RunReport.currentVersion)
        let table = try #require(report.tables.first)
        let attempts = table.tasks.flatMap(\.attempts)
        #expect(attempts.count == 4)
        for attempt in attempts {
            let start = try #require(attempt.startSeconds, "every attempt has a start")
            let end = try #require(attempt.endSeconds, "every attempt has an end")
            #expect(0 <= start && start <= end && end <= report.seconds)
            #expect(attempt.startedAt?.hasSuffix("Z") == true && attempt.finishedAt?.hasSuffix("Z") == true)
            #expect(["x1#1", "x2#2", "x1#2", "x2#1"].contains(attempt.executor), "\(attempt.executor)")
        }
        let failed = try #require(attempts.first { $0.outcome == .failed })
        #expect(failed.error?.contains("the fake source failed partition 1") == true && failed.rowsExtracted == nil)
        for committed in attempts where committed.outcome == .committed {
            #expect(committed.rowsExtracted != nil && committed.rowsStaged != nil)
            #expect(committed.shardBytes != nil && committed.extractSeconds != nil && committed.loadSeconds != nil)
        }
        #expect(attempts.filter { $0.outcome == .committed }.reduce(0) { $0 + ($1.rowsStaged ?? 0) } == 10)
        #expect(report.totals.attempts == 4 && report.totals.retries == 1 && report.totals.attemptsFailed == 1)
        #expect(report.totals.rowsLoaded == 10 && report.totals.tasks == 3 && report.totals.tasksCommitted == 3)
        #expect(report.finishedAt != nil)
    }

    @Test func eachStageOfASucceededTableIsTimed() async throws {
        let run = InProcessRun(world: world)
        let report = try await run.run(try run.pipeline(itemsTable))
        let stages = try #require(report.tables.first?.stageSeconds)
        let planning = try #require(stages.planning), extraction = try #require(stages.extraction)
        let commit = try #require(stages.commit), finish = try #require(stages.finish)
        for seconds in [planning, extraction, commit, finish] { #expect(seconds >= 0 && seconds <= report.seconds) }
        #expect(extraction == report.tables[0].attemptWindow)
    }

    @Test func aTableThatFailsPlanningReportsItsPlanningTimeAndNoLaterStage() async throws {
        let run = InProcessRun(world: world)
        let broken = itemsTable.replacingOccurrences(of: "{name: name, type: string}", with: "{name: title, type: string}")
        // Nothing is planned, so nothing is served: the driver alone, without executors.
        let report = try await run.driver(try run.pipeline(broken)) { _ in }.run()
        let stages = try #require(report.tables.first?.stageSeconds)
        #expect(stages.planning != nil && stages.extraction == nil && stages.commit == nil && stages.finish == nil)
        #expect(report.error == nil, "a table that cannot be planned fails the table, not the run's start")
    }

    @Test func aRunThatCannotReachItsSourceWritesAReportWithTheReason() async throws {
        let run = InProcessRun(world: world)
        let path = NSTemporaryDirectory() + "sluice-report-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let driver = Driver(pipeline: try run.pipeline(itemsTable), options: DriverOptions(reportPath: path),
                            source: UnreachableSource(), sink: FakeSink(world: world), bookmarks: FakeBookmarkStore(world: world),
                            logger: Logger(label: "test.driver"))
        let report = try await driver.run()
        #expect(!report.succeeded)
        #expect(report.errorCode == "source_unreachable" && report.error?.contains("connection refused") == true)
        let written = try RunReport.read(fromFile: path)
        #expect(written.error == report.error && written.errorCode == "source_unreachable")
        #expect(written.tables.map(\.table) == ["items"] && written.tables[0].error == report.error)
        #expect(written.tables[0].mode == nil && written.tables[0].tasks.isEmpty)
    }
}

/// A source whose server cannot be reached.
struct UnreachableSource: Source {
    var summary: String { "unreachable source" }

    func check() async throws(SluiceError) -> String {
        throw SluiceError(SluiceError.Code("source_unreachable"), "cannot connect to 127.0.0.1:1: connection refused")
    }

    func openRun(consistent: Bool) async throws(SluiceError) -> any SourceRun {
        throw SluiceError(SluiceError.Code("source_unreachable"), "cannot connect to 127.0.0.1:1: connection refused")
    }
}
