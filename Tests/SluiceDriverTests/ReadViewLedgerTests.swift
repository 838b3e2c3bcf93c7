import SluiceCore
import SluicePipeline
import Testing
@testable import SluiceDriver

/// Which results move the bookmark, and what the report says, when a run's tasks read more than one view of the
/// source (its snapshot was lost and replaced).
@Suite struct ReadViewLedgerTests {
    let first = ReadView(generation: 0, name: "snapshot 00000003-0000001B-1")
    let second = ReadView(generation: 1, name: "snapshot 00000004-00000002-1")

    func result(_ task: UInt64, attempt: UInt32 = 1, cursor: String?) -> TaskResult {
        TaskResult(taskID: task, attempt: attempt, rowsExtracted: 1, rowsStaged: 1, maxCursor: cursor, shardPath: "p\(task)",
                   shardBytes: 1)
    }

    @Test func resultsOfOneViewAllMoveTheBookmark() {
        var ledger = ReadViewLedger()
        let results = [result(1, cursor: "10"), result(2, cursor: "20")]
        ledger.record(task: 1, attempt: 1, view: second)
        ledger.record(task: 2, attempt: 1, view: second)
        #expect(ledger.bookmarkResults(results) == results)
        #expect(ReadViewLedger().bookmarkResults(results) == results, "a source without views")
    }

    @Test func withTwoViewsOnlyTheOldestViewsResultsMoveTheBookmark() {
        var ledger = ReadViewLedger()
        // Task 1 read the first snapshot; task 2's first attempt did too but failed, its retry read the second; task 3
        // read the second: its rows may be newer than anything the first snapshot showed.
        ledger.record(task: 1, attempt: 1, view: first)
        ledger.record(task: 2, attempt: 1, view: first)
        ledger.record(task: 2, attempt: 2, view: second)
        ledger.record(task: 3, attempt: 1, view: second)
        let results = [result(1, cursor: "10"), result(2, attempt: 2, cursor: "30"), result(3, cursor: "99")]
        #expect(ledger.bookmarkResults(results).map(\.taskID) == [1])
        #expect(ledger.view(of: results[1]) == second)
    }

    @Test func theReportNamesWhichPartitionsReadWhichView() {
        var ledger = ReadViewLedger()
        for task in UInt64(1)...6 { ledger.record(task: task, attempt: 1, view: task <= 3 || task == 5 ? first : second) }
        let results = (UInt64(1)...6).map { result($0, cursor: nil) }
        let note = ledger.note(results: results, partition: { Int($0) - 1 }, bookmarkCapped: "42")
        #expect(note == "the source's view was lost and replaced during the run; the partitions read 2 views: partitions 0-2, 4 read snapshot 00000003-0000001B-1 (the run's first); partitions 3, 5 read snapshot 00000004-00000002-1. The bookmark moves only as far as the partitions of the oldest view reached (42), so rows changed between the views are read again by the next run")
    }

    @Test func aTableThatReadOnlyTheReplacementSaysSoWithoutACap() {
        var ledger = ReadViewLedger()
        ledger.record(task: 7, attempt: 1, view: second)
        let note = ledger.note(results: [result(7, cursor: nil)], partition: { _ in 0 }, bookmarkCapped: nil)
        #expect(note == "the source's view was lost and replaced during the run; the partitions read one view: partition 0 read snapshot 00000004-00000002-1")
    }

    @Test func aTableThatReadOnlyTheFirstViewHasNothingToSay() {
        var ledger = ReadViewLedger()
        ledger.record(task: 1, attempt: 1, view: first)
        #expect(ledger.note(results: [result(1, cursor: nil)], partition: { _ in 0 }, bookmarkCapped: nil) == nil)
        #expect(ReadViewLedger().note(results: [result(1, cursor: nil)], partition: { _ in 0 }, bookmarkCapped: nil) == nil)
    }

    @Test func partitionRanges() {
        #expect(ReadViewLedger.ranges([5, 0, 1, 2]) == "partitions 0-2, 5")
        #expect(ReadViewLedger.ranges([3]) == "partition 3")
        #expect(ReadViewLedger.ranges([1, 3, 5, 6, 1]) == "partitions 1, 3, 5-6")
    }
}
