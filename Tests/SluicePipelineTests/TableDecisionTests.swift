import SluiceConfig
import SluiceCore
import SluicePipeline
import Testing

/// How a table runs, decided from its configuration, its bookmark and the run's options: every mode as a row
/// of inputs and the decision expected.
@Suite struct TableDecisionTests {
    let t0 = micros("2024-01-01 00:00:00")
    let fiveMinutes: Int64 = 300_000_000
    let timestampColumns = """
          - {name: id, type: int64, nullable: false}
          - {name: updated_at, type: timestamptz, nullable: false}
    """

    func at(_ value: Int64, _ kind: CursorKind = .timestampTZ) -> CursorValue { CursorValue(kind: kind, value: value) }

    func bookmark(_ value: CursorValue?, backfill: Bool = false) -> Bookmark {
        Bookmark(table: "orders", value: value?.text, backfill: backfill, backfillChangedAt: 0, runID: "earlier")
    }

    /// Decides, answering bound queries with `bounds` (and recording the windows asked about).
    func decide(_ table: TableConfig, kind: CursorKind? = .timestampTZ, stored: Bookmark? = nil,
                options: TableDecision.Options = .init(), bounds: ClosedRange<Int64>? = nil) async throws -> TableDecision {
        try await TableDecision.decide(table: table, cursorKind: kind, stored: stored, options: options) { _ in
            bounds.map { CursorValue(kind: kind!, value: $0.lowerBound)...CursorValue(kind: kind!, value: $0.upperBound) }
        }
    }

    @Test func aTableWithoutCursorIsReloadedWhole() async throws {
        let table = try tableConfig("      - {name: id, type: int64, nullable: false}", cursor: nil)
        let decision = try await decide(table, kind: nil)
        #expect(decision == TableDecision(mode: .fullReload, window: .everything, bookmarkBefore: nil, rule: .unchanged,
                                          deletedRows: .exclude))
        await #expect(throws: SluiceError.self) {
            _ = try await decide(table, kind: nil, options: .init(range: CursorRange(from: "1", to: "2")))
        }
    }

    @Test func theFirstRunIsABackfillOfEverything() async throws {
        let decision = try await decide(try tableConfig(timestampColumns))
        #expect(decision == TableDecision(mode: .backfill, window: .everything, bookmarkBefore: nil, rule: .largestExtracted,
                                          deletedRows: .exclude))
    }

    @Test func laterRunsAreIncrementalAndReReadTheDefaultLag() async throws {
        let decision = try await decide(try tableConfig(timestampColumns), stored: bookmark(at(t0)))
        #expect(decision.mode == .incremental)
        #expect(decision.window == CursorWindow(after: at(t0 - fiveMinutes)))
        #expect(decision.lag == fiveMinutes)
        #expect(decision.bookmarkBefore == at(t0))
        #expect(decision.rule == .largestExtracted)
        #expect(decision.deletedRows == .flag, "rows soft-deleted since the last run must replace their loaded version")
    }

    @Test func theLagFollowsTheCursorsType() async throws {
        let explicit = try tableConfig(timestampColumns, extra: "    lag: 0")
        #expect(try await decide(explicit, stored: bookmark(at(t0))).window.after == at(t0))
        let dates = try tableConfig("""
              - {name: id, type: int64, nullable: false}
              - {name: updated_at, type: date, nullable: false}
        """)
        let day = at(19_000, .date)
        // A date cursor re-reads the bookmark's own day: rows changed later that day share its value.
        #expect(try await decide(dates, kind: .date, stored: bookmark(day)).window.after == at(18_999, .date))
        let integers = try tableConfig("""
              - {name: id, type: int64, nullable: false}
              - {name: updated_at, type: int64, nullable: false}
        """)
        #expect(try await decide(integers, kind: .integer, stored: bookmark(at(42, .integer))).window.after == at(42, .integer))
    }

    @Test func aForcedBackfillTakesEverythingButKeepsDeletedRowsFlagged() async throws {
        let decision = try await decide(try tableConfig(timestampColumns), stored: bookmark(at(t0)), options: .init(mode: .backfill))
        #expect(decision.mode == .backfill && decision.window == .everything)
        #expect(decision.deletedRows == .flag)
        #expect(decision.bookmarkBefore == at(t0))
    }

    @Test func aForcedFullReloadTakesEverythingIntoAFreshCopyAndMovesTheBookmark() async throws {
        let table = try tableConfig(timestampColumns)
        let stored = bookmark(at(t0 + 50), backfill: false)
        let decision = try await decide(table, stored: stored, options: .init(mode: .fullReload), bounds: t0...(t0 + 100))
        // No lag, no slice, deleted rows left out (nothing earlier survives the swap); the bookmark never goes back.
        #expect(decision == TableDecision(mode: .fullReload, window: .everything, bookmarkBefore: at(t0 + 50),
                                          rule: .largestExtracted, deletedRows: .exclude))
        #expect(decision.bookmarkAfter(extracted: [at(t0 + 40)])! == (at(t0 + 50), false))
        #expect(decision.bookmarkAfter(extracted: [at(t0 + 90)])! == (at(t0 + 90), false))
        // Without a bookmark, and during a backfill in windows, the same.
        let windowed = try tableConfig(timestampColumns, extra: "    backfill_window: 1d")
        let first = try await decide(windowed, stored: nil, options: .init(mode: .fullReload), bounds: t0...(t0 + 100))
        #expect(first.mode == .fullReload && first.window == .everything && first.rule == .largestExtracted)
    }

    @Test func aResetBookmarkBackfillsButFlagsDeletedRows() async throws {
        // `sluice bookmark reset` leaves a bookmark without a value: the table was loaded before.
        let reset = Bookmark(table: "orders", value: nil, backfill: true, backfillChangedAt: 0, runID: "operator-x")
        let decision = try await decide(try tableConfig(timestampColumns), stored: reset)
        #expect(decision.mode == .backfill && decision.window == .everything && decision.deletedRows == .flag)
        #expect(try await decide(try tableConfig(timestampColumns), stored: nil).deletedRows == .exclude)
    }

    @Test func aForcedIncrementalRunNeedsABookmark() async throws {
        let error = await #expect(throws: SluiceError.self) {
            _ = try await decide(try tableConfig(timestampColumns), options: .init(mode: .incremental))
        }
        #expect(error?.code == .bookmarkInvalid)
        #expect(error?.message.contains("no bookmark yet") == true)
    }

    @Test func aRangeReloadTakesFromInclusiveToExclusiveAndLeavesTheBookmark() async throws {
        let range = CursorRange(from: "2024-01-01 00:00:00", to: "2024-01-02 00:00:00")
        let decision = try await decide(try tableConfig(timestampColumns), stored: bookmark(at(t0)), options: .init(range: range))
        #expect(decision.mode == .rangeReload)
        #expect(decision.window == CursorWindow(after: at(t0 - 1), upTo: at(t0 + 86_400_000_000 - 1)))
        #expect(decision.window.contains(t0) && !decision.window.contains(t0 + 86_400_000_000))
        #expect(decision.rule == .unchanged)
        await #expect(throws: SluiceError.self) {
            _ = try await decide(try tableConfig(timestampColumns), options: .init(range: CursorRange(from: "2024-02-01", to: "2024-01-01")))
        }
    }

    @Test func backfillWindowsTakeOneSliceAtATime() async throws {
        let table = try tableConfig(timestampColumns, extra: "    backfill_window: 1h")
        let hour: Int64 = 3_600_000_000
        // First slice: from the smallest cursor, with the NULL cursors that no later window selects.
        let first = try await decide(table, bounds: t0...(t0 + 5 * hour))
        #expect(first.window == CursorWindow(upTo: at(t0 + hour), includesNulls: true))
        #expect(first.rule == .sliceEnd(at(t0 + hour)))
        #expect(first.deletedRows == .exclude)
        // Resuming: from the end of the last slice (less the lag), one more hour, still in backfill.
        let next = try await decide(table, stored: bookmark(at(t0 + hour), backfill: true), bounds: (t0 + hour - fiveMinutes)...(t0 + 5 * hour))
        #expect(next.mode == .backfill)
        #expect(next.window == CursorWindow(after: at(t0 + hour - fiveMinutes), upTo: at(t0 + 2 * hour)))
        #expect(next.rule == .sliceEnd(at(t0 + 2 * hour)))
        #expect(next.deletedRows == .flag)
        // The slice that reaches the newest row takes everything left and ends the backfill.
        let last = try await decide(table, stored: bookmark(at(t0 + 4 * hour), backfill: true), bounds: (t0 + 4 * hour)...(t0 + 5 * hour))
        #expect(last.window.upTo == nil && last.rule == .largestExtracted)
        #expect(last.bookmarkAfter(extracted: [at(t0 + 5 * hour)])! == (at(t0 + 5 * hour), false))
    }

    @Test func theBookmarkMovesOnlyForwardAndOnlyByItsRule() {
        let incremental = TableDecision(mode: .incremental, window: CursorWindow(after: at(t0 - fiveMinutes)), bookmarkBefore: at(t0),
                                        rule: .largestExtracted, deletedRows: .flag, lag: fiveMinutes)
        // The lag re-reads rows before the bookmark: they never move it back.
        #expect(incremental.bookmarkAfter(extracted: [at(t0 - 1_000)])! == (at(t0), false))
        #expect(incremental.bookmarkAfter(extracted: [at(t0 + 7), at(t0 + 3)])! == (at(t0 + 7), false))
        #expect(incremental.bookmarkAfter(extracted: [])! == (at(t0), false))
        let first = TableDecision(mode: .backfill, window: .everything, bookmarkBefore: nil, rule: .largestExtracted, deletedRows: .exclude)
        #expect(first.bookmarkAfter(extracted: [])! == (nil, false), "an empty table leaves backfill without a position")
        let range = TableDecision(mode: .rangeReload, window: .everything, bookmarkBefore: at(t0), rule: .unchanged, deletedRows: .flag)
        #expect(range.bookmarkAfter(extracted: [at(t0 + 1)]) == nil)
    }

    @Test func aDamagedStoredBookmarkIsAnError() async throws {
        let stored = Bookmark(table: "orders", value: "yesterday", backfill: false, backfillChangedAt: 0, runID: "r")
        let error = await #expect(throws: SluiceError.self) { _ = try await decide(try tableConfig(timestampColumns), stored: stored) }
        #expect(error?.code == .bookmarkInvalid)
        #expect(error?.message.contains("yesterday") == true)
    }
}
