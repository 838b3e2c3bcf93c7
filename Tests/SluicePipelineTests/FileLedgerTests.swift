import SluiceConfig
import SluiceCore
import SluicePipeline
import Testing

/// A table whose cursor a file's location gives (`_file_modified`) chooses files by its ledger: a file that landed
/// with an old modification time is read once, the files loaded already are not read again.
@Suite struct FileLedgerTests {
    let hour: Int64 = 3_600_000_000
    let t0 = micros("2026-11-05 12:00:00")

    func file(_ key: String, _ tag: String = "t", at cursor: Int64) -> TrackedFile {
        TrackedFile(version: FileVersion(key: key, tag: tag), cursor: cursor)
    }

    func table(append: Bool = false) throws -> TableConfig {
        var table = try tableConfig("""
              - {name: id, type: int64, nullable: false}
              - {name: updated_at, type: timestamptz, nullable: false}
        """, extra: "    lag: 10m")
        if append {
            table.load = .append
            table.primaryKey = []
        }
        return table
    }

    func decide(_ table: TableConfig, bookmark: Int64?, ledger: FileLedger, listed: [TrackedFile],
                options: TableDecision.Options = .init()) async throws -> (TableDecision, FileSelection) {
        let stored = bookmark.map {
            Bookmark(table: "orders", value: CursorValue(kind: .timestampTZ, value: $0).text, backfill: false, backfillChangedAt: 0, runID: "r")
        }
        let decision = try await TableDecision.decide(table: table, cursorKind: .timestampTZ, stored: stored, options: options,
                                                      unloadedFloor: ledger.unloadedFloor(of: listed)) { _ in nil }
        return (decision, ledger.selection(for: decision, listed: listed))
    }

    @Test func aLateFileWithAnOldTimeIsReadAndTheLoadedOnesAreNot() async throws {
        let a = file("a", at: t0 - 5 * hour), b = file("b", at: t0), late = file("late", at: t0 - 3 * hour)
        let ledger = FileLedger(generation: "r1", files: [a.version, b.version])
        let (decision, selection) = try await decide(try table(), bookmark: t0, ledger: ledger, listed: [a, b, late])
        // The window reaches below the late file (not only the bookmark less the 10-minute lag) ...
        #expect(decision.mode == .incremental)
        #expect(decision.window.after == CursorValue(kind: .timestampTZ, value: late.cursor - 1))
        #expect(decision.bookmarkBefore == CursorValue(kind: .timestampTZ, value: t0))
        // ... and the files already loaded are skipped; what the run reads joins the ledger.
        #expect(selection.skipped == [a.version, b.version])
        #expect(selection.entries(read: [late.version]) == FileLedgerEntries(files: [late.version], startingOver: false))
        // The bookmark never goes back for it.
        #expect(decision.bookmarkAfter(extracted: [CursorValue(kind: .timestampTZ, value: late.cursor)])?.value
                == CursorValue(kind: .timestampTZ, value: t0))
    }

    @Test func withEveryFileLoadedTheWindowIsTheBookmarksLessTheLag() async throws {
        let a = file("a", at: t0 - 5 * hour), b = file("b", at: t0)
        let (decision, selection) = try await decide(try table(), bookmark: t0, ledger: FileLedger(generation: "r1", files: [a.version, b.version]),
                                                     listed: [a, b])
        #expect(decision.window.after == CursorValue(kind: .timestampTZ, value: t0 - hour / 6))
        #expect(selection.skipped == [a.version, b.version])
    }

    @Test func aFileRewrittenInPlaceIsANewVersion() async throws {
        let old = file("a", "etag-1", at: t0 - 5 * hour), rewritten = file("a", "etag-2", at: t0 - 5 * hour)
        let ledger = FileLedger(generation: "r1", files: [old.version])
        #expect(ledger.unloadedFloor(of: [rewritten]) == rewritten.cursor)
        #expect(ledger.unloadedFloor(of: [old]) == nil)
    }

    @Test func aRunFromTheBeginningStartsANewGeneration() async throws {
        let a = file("a", at: t0), gone = FileVersion(key: "gone", tag: "t")
        let ledger = FileLedger(generation: "r1", files: [a.version, gone])
        for (bookmark, options) in [(Int64?.none, TableDecision.Options()), (t0, .init(mode: .fullReload)), (t0, .init(mode: .backfill))] {
            let (decision, selection) = try await decide(try table(), bookmark: bookmark, ledger: ledger, listed: [a], options: options)
            #expect(decision.window.after == nil, "\(options)")
            #expect(selection.skipped.isEmpty)
            #expect(selection.entries(read: [a.version]) == FileLedgerEntries(files: [a.version], startingOver: true))
        }
    }

    @Test func aTableLoadedBeforeTheLedgerExistedCountsWhatItsBookmarkSaid() async throws {
        // The time bookmark said: files up to the bookmark less the lag are loaded. They are, and are written down.
        let old = file("old", at: t0 - hour), recent = file("recent", at: t0 - 60_000_000), new = file("new", at: t0 + hour)
        let (decision, selection) = try await decide(try table(), bookmark: t0, ledger: .none, listed: [old, recent, new])
        #expect(decision.window.after == CursorValue(kind: .timestampTZ, value: t0 - hour / 6))
        #expect(selection.skipped == [old.version])
        #expect(selection.entries(read: [recent.version, new.version])
                == FileLedgerEntries(files: [new.version, old.version, recent.version], startingOver: true))
    }

    @Test func aRangeReloadReadsItsRangeAndAddsWhatItRead() async throws {
        let a = file("a", at: t0)
        let range = TableDecision.Options(range: CursorRange(from: "2026-11-05 00:00:00", to: "2026-11-06 00:00:00"))
        let (decision, selection) = try await decide(try table(), bookmark: t0, ledger: FileLedger(generation: "r1", files: [a.version]),
                                                     listed: [a], options: range)
        #expect(decision.mode == .rangeReload)
        #expect(selection.skipped.isEmpty)
        #expect(selection.entries(read: [a.version]) == FileLedgerEntries(files: [a.version], startingOver: false))
        // Without a ledger, a range reload writes none: the next ordinary run starts it from the bookmark.
        let (_, unstarted) = try await decide(try table(), bookmark: t0, ledger: .none, listed: [a], options: range)
        #expect(unstarted.entries(read: [a.version]) == nil)
    }

    /// An append table replaces whole days: the late file's day is read again whole, loaded files included, so that
    /// replacing it loses nothing.
    @Test func anAppendTableRereadsTheLateFilesDayWhole() async throws {
        let day = CivilTime.microsecondsPerDay
        let sameDay = file("same-day", at: t0 - 5 * hour), late = file("late", at: t0 - 3 * hour), b = file("b", at: t0)
        let ledger = FileLedger(generation: "r1", files: [sameDay.version, b.version])
        let (decision, selection) = try await decide(try table(append: true), bookmark: t0, ledger: ledger, listed: [sameDay, late, b])
        let dayStart = CivilTime.floorDivide(late.cursor, day).quotient * day
        #expect(decision.window.after == CursorValue(kind: .timestampTZ, value: dayStart - 1))
        #expect(decision.replacedDays == decision.window)
        #expect(selection.skipped.isEmpty)
        #expect(selection.entries(read: [sameDay.version, late.version, b.version])?.startingOver == false)
    }
}
