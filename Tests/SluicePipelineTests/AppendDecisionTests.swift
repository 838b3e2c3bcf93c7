import SluiceConfig
import SluiceCore
import SluicePipeline
import Testing

/// An append table's runs replace whole days: the decision widens windows to day boundaries and says what the
/// sink replaces.
@Suite struct AppendDecisionTests {
    let day = CivilTime.microsecondsPerDay

    func appendTable(_ kind: String = "timestamp") throws -> TableConfig {
        var table = try tableConfig("""
              - {name: id, type: int64, nullable: false}
              - {name: updated_at, type: \(kind), nullable: false}
        """)
        table.load = .append
        table.primaryKey = []
        return table
    }

    func decide(_ table: TableConfig, kind: CursorKind = .timestamp, stored: String? = nil,
                options: TableDecision.Options = .init()) async throws -> TableDecision {
        let bookmark = stored.map { Bookmark(table: "orders", value: $0, backfill: false, backfillChangedAt: 0, runID: "r") }
        return try await TableDecision.decide(table: table, cursorKind: kind, stored: bookmark, options: options) { _ in nil }
    }

    func at(_ text: String, _ kind: CursorKind = .timestamp) -> CursorValue { CursorValue(text: text, kind: kind)! }

    @Test func theFirstRunAndFullReloadsReplaceTheWholeTable() async throws {
        let first = try await decide(try appendTable())
        #expect(first.mode == .backfill && first.replacement == .whole && first.window == .everything)
        let reload = try await decide(try appendTable(), stored: "2024-01-03 10:00:00.000000", options: .init(mode: .fullReload))
        #expect(reload.replacement == .whole)
    }

    @Test func incrementalRunsStartAtTheFirstMomentOfTheDayOfBookmarkLessLag() async throws {
        let decision = try await decide(try appendTable(), stored: "2024-01-03 10:00:00.000000")
        #expect(decision.mode == .incremental)
        #expect(decision.window == CursorWindow(after: at("2024-01-02 23:59:59.999999")))
        #expect(decision.replacement == .days(decision.window))
        // Rows the filter rejects are left out: with no key, a deletion would be a row of its own.
        #expect(decision.deletedRows == .exclude)
        // The lag reaches into the day before: that day is re-read whole too.
        let early = try await decide(try appendTable(), stored: "2024-01-03 00:02:00.000000")
        #expect(early.window.after == at("2024-01-01 23:59:59.999999"))
        // A date cursor's values are days already.
        let dates = try await decide(try appendTable("date"), kind: .date, stored: "2024-01-03")
        #expect(dates.window.after == at("2024-01-02", .date), "the default lag of a date cursor (a day) re-reads the bookmark's day")
    }

    @Test func rangeReloadsAreWidenedToWholeDays() async throws {
        let decision = try await decide(try appendTable(), stored: "2024-02-01 00:00:00.000000",
                                        options: .init(range: CursorRange(from: "2024-01-05 13:00:00", to: "2024-01-06 01:00:00")))
        #expect(decision.mode == .rangeReload)
        #expect(decision.window == CursorWindow(after: at("2024-01-04 23:59:59.999999"), upTo: at("2024-01-06 23:59:59.999999")))
        #expect(decision.rule == .unchanged)
    }

    @Test func widenedWindowsKeepTheirEndsAtTheLimits() {
        let open = CursorWindow(after: CursorValue(kind: .timestamp, value: .min))
        #expect(open.widenedToWholeDays() == open, "no day starts before Int64.min")
        let top = CursorWindow(upTo: CursorValue(kind: .timestamp, value: .max - 5))
        #expect(top.widenedToWholeDays().upTo?.value == .max)
        let negative = CursorWindow(after: CursorValue(kind: .timestamp, value: -1))  // after 1969-12-31 23:59:59.999999
        #expect(negative.widenedToWholeDays().after?.value == -1)
        let beforeEpoch = CursorWindow(after: CursorValue(kind: .timestamp, value: -day - 5))
        #expect(beforeEpoch.widenedToWholeDays().after?.value == -2 * day - 1)
        let integers = CursorWindow(after: CursorValue(kind: .integer, value: 17))
        #expect(integers.widenedToWholeDays() == integers)
    }
}
