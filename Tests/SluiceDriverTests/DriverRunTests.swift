import Foundation
import SluiceConfig
import SluiceCore
import SluiceDriver
import SluicePipeline
import SluiceReport
import SluiceTestKit
import Testing

/// The driver and executors for real, in this process, over the fake connectors: planning per mode, commits,
/// finishing, bookmark rules and failure paths, with every row accounted for.
@Suite(.serialized) struct DriverRunTests {
    let world = FakeWorld()

    init() {
        world.setTable("items", .init(columns: ["id", "name", "updated_at", "gone"], rows: items(1...10)))
    }

    func ids(_ table: String = "items") -> [Int64] {
        world.committed(table).compactMap { if case .int(let id) = $0[0] { id } else { nil } }.sorted()
    }

    @Test func theFirstRunBackfillsEveryRowOnceAndSetsTheBookmark() async throws {
        let run = InProcessRun(world: world)
        let report = try await run.run(try run.pipeline(itemsTable))
        #expect(report.succeeded)
        let table = try #require(report.tables.first)
        #expect(table.mode == .backfill)
        #expect(table.rowsExtracted == 10 && table.rowsLoaded == 10)
        #expect(table.tasks.count == 3 && table.tasks.allSatisfy { $0.status == .committed })
        #expect(ids() == Array(1...10))
        let bookmark = try #require(world.bookmark("items"))
        #expect(bookmark.value == "1970-01-01 00:00:10.000000Z" && !bookmark.backfill)
        #expect(table.bookmarkAfter == bookmark.value)
        // Commits happen before the table is finished, the bookmark after, and nothing staged is left.
        let events = world.events
        let lastCommit = try #require(events.lastIndex { $0.hasPrefix("commit ") })
        let finish = try #require(events.firstIndex(of: "finish items"))
        let saved = try #require(events.firstIndex { $0.hasPrefix("bookmark items") })
        #expect(lastCommit < finish && finish < saved)
        #expect(world.stagedOutputs.isEmpty)
        #expect(events.contains("open run with a snapshot") && events.last == "close run")
    }

    @Test func anIncrementalRunTakesOnlyRowsPastTheBookmark() async throws {
        let run = InProcessRun(world: world)
        let pipeline = try run.pipeline(itemsTable)
        _ = try await run.run(pipeline)
        world.updateTable("items") { table in
            table.rows[2][1] = .string("changed")
            table.rows[2][2] = .int(20_000_000)
            table.rows.append([.int(11), .string("new"), .int(21_000_000), .boolean(false)])
        }
        let report = try await run.run(pipeline)
        let table = try #require(report.tables.first)
        #expect(table.mode == .incremental)
        #expect(table.rowsExtracted == 2 && table.rowsLoaded == 2)
        #expect(table.bookmarkBefore == "1970-01-01 00:00:10.000000Z" && table.bookmarkAfter == "1970-01-01 00:00:21.000000Z")
        // Every version is in the sink: 10 from the backfill, 2 newer ones; the clean layer keeps the newest per key.
        #expect(ids() == (Array(1...11) + [3]).sorted())
    }

    @Test func rowsSoftDeletedAfterTheirLoadArriveFlagged() async throws {
        let run = InProcessRun(world: world)
        let pipeline = try run.pipeline(itemsTable.replacingOccurrences(of: "    lag: 0\n", with: "    lag: 0\n    deleted_when: gone\n"))
        world.updateTable("items") { $0.rows[0][3] = .boolean(true) }
        let first = try await run.run(pipeline)
        // A row already deleted at the first backfill is never loaded.
        #expect(first.tables[0].rowsLoaded == 9 && first.tables[0].rowsDeleted == 0)
        world.updateTable("items") { table in
            table.rows[4][3] = .boolean(true)
            table.rows[4][2] = .int(30_000_000)
        }
        let second = try await run.run(pipeline)
        #expect(second.tables[0].rowsLoaded == 1 && second.tables[0].rowsDeleted == 1)
        let deletedFlags = world.committed("items").filter { $0[0] == .int(5) }.map { $0[3] }
        #expect(deletedFlags == [.boolean(false), .boolean(true)], "row 5: its loaded version, then a newer one flagged deleted")
    }

    @Test func aFailedAttemptIsRetriedAndCommittedOnce() async throws {
        let run = InProcessRun(world: world)
        world.inject(.read(table: "items", partition: 1, times: 2, retryable: true))
        let report = try await run.run(try run.pipeline(itemsTable))
        #expect(report.succeeded)
        let task = try #require(report.tables[0].tasks.first { $0.partition == 1 })
        #expect(task.attempts.map(\.outcome) == [.failed, .failed, .committed])
        #expect(report.tables[0].attempts == 5)
        #expect(ids() == Array(1...10), "no row doubled by the retries")
    }

    @Test func retriesWaitOutTheirBackoffAndTheReportSaysHowLong() async throws {
        var run = InProcessRun(world: world)
        run.retryBackoff = "300ms"
        world.inject(.read(table: "items", partition: 1, times: 2, retryable: true))
        let started = ContinuousClock.now
        let report = try await run.run(try run.pipeline(itemsTable))
        #expect(report.succeeded)
        let task = try #require(report.tables[0].tasks.first { $0.partition == 1 })
        #expect(task.attempts.map(\.outcome) == [.failed, .failed, .committed])
        #expect(task.attempts.map(\.retryable) == [true, true, nil])
        // 300 ms, then 600 ms, each lengthened by at most a quarter.
        let waits = task.attempts.compactMap(\.retryAfterSeconds)
        #expect(waits.count == 2 && (0.3..<0.375).contains(waits[0]) && (0.6..<0.75).contains(waits[1]), "\(waits)")
        #expect(ContinuousClock.now - started >= .milliseconds(900))
        #expect(ids() == Array(1...10))
    }

    @Test func aPermanentFailureFailsTheTableAtItsFirstAttemptWhateverTheRetriesLeft() async throws {
        var run = InProcessRun(world: world)
        run.retries = 5
        run.retryBackoff = "10s"
        world.inject(.read(table: "items", partition: 1, times: 5, retryable: false))
        let started = ContinuousClock.now
        let report = try await run.run(try run.pipeline(itemsTable))
        #expect(!report.succeeded)
        let task = try #require(report.tables[0].tasks.first { $0.partition == 1 })
        #expect(task.attempts.map(\.outcome) == [.failed] && task.attempts[0].retryable == false)
        #expect(task.attempts[0].retryAfterSeconds == nil)
        #expect(report.tables[0].tasks.allSatisfy { $0.attempts.count <= 1 }, "no task was tried twice")
        #expect(ContinuousClock.now - started < .seconds(10), "nothing waited for a backoff")
    }

    @Test func aStagedOutputIsCommittedOnlyIfItsTaskSucceededAndPartialStagesAreThrownAway() async throws {
        let run = InProcessRun(world: world)
        world.inject(.stage(table: "items", times: 1))
        let report = try await run.run(try run.pipeline(itemsTable))
        #expect(report.succeeded)
        #expect(ids() == Array(1...10))
        #expect(world.stagedOutputs.isEmpty, "the half-staged attempt was cleaned up, never committed")
    }

    @Test func aFailedCommitRetriesTheTask() async throws {
        let run = InProcessRun(world: world)
        world.inject(.commit(times: 1))
        let report = try await run.run(try run.pipeline(itemsTable))
        #expect(report.succeeded)
        #expect(report.tables[0].tasks.contains { $0.attempts.map(\.outcome) == [.failed, .committed] })
        #expect(ids() == Array(1...10))
        #expect(world.events.contains { $0.hasPrefix("discard ") }, "what the failed commit left staged is discarded")
    }

    @Test func aTableThatFailsKeepsItsBookmarkAndSaysWhatReachedTheSink() async throws {
        var run = InProcessRun(world: world)
        run.retries = 0
        let pipeline = try run.pipeline(itemsTable)
        _ = try await run.run(pipeline)
        let before = world.bookmark("items")
        world.updateTable("items") { table in
            for index in table.rows.indices { table.rows[index][2] = .int(Int64(100 + index) * 1_000_000) }
        }
        world.inject(.read(table: "items", partition: 2, times: 1, retryable: false))
        let report = try await run.run(pipeline)
        #expect(!report.succeeded)
        let table = report.tables[0]
        #expect(table.status == .failed && table.error?.contains("failed partition 2") == true)
        #expect(world.bookmark("items") == before, "a failed table keeps its bookmark")
        // Whatever tasks committed before the failure is in the sink, and the report says so.
        let committed = table.tasks.filter { $0.status == .committed }.reduce(0) { $0 + $1.rowsLoaded }
        #expect(table.rowsLoaded == committed)
        #expect(UInt64(world.committed("items").count) == 10 + table.rowsLoaded)
        #expect(world.events.last(where: { $0.hasPrefix("clean up") }) == "clean up items after failure")
    }

    @Test func aTableWithoutCursorIsReloadedAndSwappedInOnlyWhenWhole() async throws {
        var run = InProcessRun(world: world)
        run.retries = 0
        let table = itemsTable.replacingOccurrences(of: "    cursor: updated_at\n    lag: 0\n", with: "")
        let pipeline = try run.pipeline(table)
        let first = try await run.run(pipeline)
        #expect(first.tables[0].mode == .fullReload && first.tables[0].rowsLoaded == 10)
        #expect(ids() == Array(1...10))
        world.updateTable("items") { $0.rows.removeLast(5) }
        world.inject(.read(table: "items", partition: 0, times: 1, retryable: false))
        let failed = try await run.run(pipeline)
        #expect(!failed.succeeded)
        #expect(ids() == Array(1...10), "a failed reload leaves the table as it was")
        let second = try await run.run(pipeline)
        #expect(second.succeeded)
        #expect(ids() == Array(1...5), "hard deletes disappear with a full reload")
        #expect(world.bookmark("items") == nil)
    }

    @Test func aTableThatCannotBePlannedFailsAloneNamingTheColumn() async throws {
        let run = InProcessRun(world: world)
        let broken = itemsTable.replacingOccurrences(of: "- name: items", with: "- name: broken\n    source: items")
            .replacingOccurrences(of: "{name: name, type: string}", with: "{name: title, type: string}")
        let report = try await run.run(try run.pipeline(itemsTable + "\n" + broken))
        #expect(!report.succeeded)
        #expect(report.tables.map(\.table) == ["items", "broken"])
        #expect(report.tables[0].status == .succeeded)
        #expect(report.tables[1].status == .failed && report.tables[1].error?.contains("title") == true)
    }

    @Test func aFailingFinishKeepsTheBookmark() async throws {
        let run = InProcessRun(world: world)
        world.inject(.finish(table: "items"))
        let report = try await run.run(try run.pipeline(itemsTable))
        #expect(!report.succeeded && report.tables[0].error?.contains("could not finish") == true)
        #expect(world.bookmark("items") == nil)
    }

    @Test func tasksReadTheRunsSnapshotNotLaterChanges() async throws {
        // The fake source snapshots every table when the run opens; a change made afterwards is not seen.
        let run = InProcessRun(world: world)
        let pipeline = try run.pipeline(itemsTable)
        let report = try await withThrowingTaskGroup(of: RunReport?.self) { group in
            group.addTask { try await run.run(pipeline) }
            group.addTask {
                while !world.events.contains("open run with a snapshot") { try await Task.sleep(for: .milliseconds(5)) }
                world.updateTable("items") { $0.rows.append([.int(99), .string("late"), .int(5_000_000), .boolean(false)]) }
                return nil
            }
            var report: RunReport?
            for try await outcome in group where outcome != nil { report = outcome }
            return report!
        }
        #expect(report.tables[0].rowsExtracted == 10)
        #expect(!ids().contains(99))
    }

    @Test func aRunWithNoExecutorGivesUpAndSaysWhy() async throws {
        var run = InProcessRun(world: world)
        run.executors = 1
        let pipeline = try run.pipeline(itemsTable, run: "{retries: 0, executor_wait: 300ms}")
        let driver = run.driver(pipeline) { _ in }
        let report = try await driver.run()
        #expect(!report.succeeded)
        #expect(report.tables[0].error?.contains("no executor connected") == true)
        #expect(world.events.last == "close run", "the snapshot is released however the run ends")
    }

    @Test func stoppingTheDriverAbandonsTheRunAndStillReports() async throws {
        let run = InProcessRun(world: world)
        let pipeline = try run.pipeline(itemsTable, run: "{retries: 0, executor_wait: 60s}")
        let driver = run.driver(pipeline) { _ in }
        let running = Task { try await driver.run() }
        while !world.events.contains("prepare items") { try await Task.sleep(for: .milliseconds(5)) }
        running.cancel()
        let report = try await running.value
        #expect(!report.succeeded)
        #expect(report.tables[0].error?.contains("asked to stop") == true)
        #expect(world.bookmark("items") == nil)
    }

    @Test func planShowsEachTaskWithoutTouchingTheSink() async throws {
        let run = InProcessRun(world: world)
        let plan = try await run.driver(try run.pipeline(itemsTable)) { _ in }.plan()
        #expect(plan.succeeded)
        #expect(plan.text.contains("items: backfill, 3 task(s) -> fake.items"))
        #expect(plan.text.contains("task 2: row % 3 = 2  [~3 rows]"))
        #expect(!world.events.contains { $0.hasPrefix("prepare") })
    }

    @Test func validateChecksConnectionsAndTablesAndWarnsAboutLostRows() async throws {
        let run = InProcessRun(world: world)
        let pipeline = try run.pipeline(itemsTable)
        let report = await run.driver(pipeline) { _ in }.validate()
        #expect(report.succeeded)
        #expect(report.text.contains("ok   fake source: fake source 1.0"))
        #expect(report.text.contains("ok   table items: 3 columns convert exactly; next run: backfill -> fake.items"))
        #expect(report.text.contains("WARN table items: cursor updated_at has lag 0"))
    }
}
