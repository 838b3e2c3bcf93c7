import Foundation
import SluiceCore
import Testing
@testable import PostgresSource

@Suite("Incremental windows against PostgreSQL 15", .serialized)
struct IncrementalTests {
    let connection: PostgresConnection
    /// 2024-01-01 00:00:00 in microseconds since 1970.
    let t0: Int64 = 1_704_067_200_000_000

    init() throws {
        connection = try TestDatabase.connect()
    }

    func createEvents(_ table: String) throws {
        try connection.execute("DROP TABLE IF EXISTS \(table); CREATE TABLE \(table) (id bigserial PRIMARY KEY, note text, updated_at timestamp NOT NULL)")
    }

    /// The window an incremental run after `bookmark` reads: past the bookmark less `lag` (microseconds).
    func window(after bookmark: CursorValue? = nil, lag: Int64 = 0) -> CursorWindow {
        bookmark.map { CursorWindow(after: $0.moved(by: -lag)) } ?? .everything
    }

    /// The bookmark after a run that extracted rows up to `max`: never backwards, unchanged when nothing was read.
    func advanced(_ bookmark: CursorValue?, to max: Int64?) -> CursorValue? {
        guard let max else { return bookmark }
        return CursorValue(kind: .timestamp, value: Swift.max(bookmark?.value ?? .min, max))
    }

    /// Runs one incremental extraction of `table` and returns the ids it extracted and the new bookmark.
    func run(_ table: String, after bookmark: CursorValue? = nil, lag: Int64 = 0, snapshot: String? = nil) throws
        -> (ids: [Int64], bookmark: CursorValue?)
    {
        let name = PostgresTableName(name: table)
        let columns = try PostgresCatalog(connection).describe(name, columns: ["id", "updated_at"])
        let query = PostgresQuery(table: name, columns: columns,
                                  predicates: [try window(after: bookmark, lag: lag).predicate(column: "updated_at")].compactMap { $0 })
        let schema = Schema([Field(name: "id", type: .int64), Field(name: "updated_at", type: .timestamp)])
        var ids: [Int64] = []
        let stats = try PostgresExtractor.extractBlocking(
            config: try TestDatabase.config(), source: try query.readSpec(snapshot: snapshot), schema: schema,
            options: CopyDecodeOptions(cursorColumn: "updated_at", table: table)) { batch in
            if case .int64(let values) = batch.columns[0].values { ids += values }
        }
        return (ids.sorted(), advanced(bookmark, to: stats.maxCursor))
    }

    func literal(_ micros: Int64) throws -> String { try PostgresLiteral.timestamp(micros).sql() }

    @Test func bookmarkTextKeepsMicroseconds() throws {
        let bookmark = CursorValue(kind: .timestamp, value: t0 + 123_457)
        #expect(bookmark.text == "2024-01-01 00:00:00.123457")
        #expect(CursorValue(text: bookmark.text, kind: .timestamp) == bookmark)
        let old = CursorValue(kind: .timestampTZ, value: -62_135_596_800_000_001)
        #expect(CursorValue(text: old.text, kind: .timestampTZ) == old)
        #expect(CursorValue(text: "2024-01-02", kind: .date)?.value == 19_724)
        #expect(CursorValue(text: "-42", kind: .integer)?.value == -42)
        #expect(CursorValue(text: "yesterday", kind: .timestamp) == nil)
        #expect(CursorValue(kind: .timestampTZ, value: -1).text == "1969-12-31 23:59:59.999999Z")
        #expect(CursorValue(kind: .timestampTZ, value: -1).epochSeconds == -1)
        #expect(CursorValue(text: "1969-07-20", kind: .date)?.epochSeconds == -14_256_000)
        #expect(CursorValue(kind: .integer, value: 5).epochSeconds == nil)
    }

    @Test func lagsConvertToTheCursorsUnits() {
        #expect(PartitionKeyKind.timestamp.units(ofMicroseconds: 300_000_000) == 300_000_000)
        #expect(PartitionKeyKind.date.units(ofMicroseconds: 1) == 1)
        #expect(PartitionKeyKind.date.units(ofMicroseconds: 86_400_000_000) == 1)
        #expect(PartitionKeyKind.date.units(ofMicroseconds: 86_400_000_001) == 2)
        #expect(PartitionKeyKind.integer.units(ofMicroseconds: 1_000_000) == nil)
        let lag = PartitionKeyKind.date.units(ofMicroseconds: 1) ?? 0
        #expect(CursorWindow(after: CursorValue(kind: .date, value: 100).moved(by: -lag)).after?.value == 99)
    }

    @Test func rowsSharingTheBookmarksExactValueAreNeitherDoubledNorLost() throws {
        try createEvents("inc_shared")
        try connection.execute("""
            INSERT INTO inc_shared (note, updated_at) SELECT 'old', \(try literal(t0 - 1_000_000)) FROM generate_series(1, 10);
            INSERT INTO inc_shared (note, updated_at) SELECT 'tie', \(try literal(t0)) FROM generate_series(1, 500);
            """)
        let first = try run("inc_shared")
        #expect(first.ids.count == 510)
        #expect(first.bookmark == CursorValue(kind: .timestamp, value: t0))
        // One microsecond later: only these are new.
        try connection.execute("INSERT INTO inc_shared (note, updated_at) SELECT 'next', \(try literal(t0 + 1)) FROM generate_series(1, 7)")
        let second = try run("inc_shared", after: first.bookmark)
        #expect(second.ids.count == 7)
        #expect(Set(second.ids).isDisjoint(with: first.ids))
        #expect(second.bookmark?.value == t0 + 1)
        // A third run with nothing new extracts nothing and keeps the bookmark.
        let third = try run("inc_shared", after: second.bookmark)
        #expect(third.ids.isEmpty && third.bookmark == second.bookmark)
    }

    @Test func aLateCommitInsideTheLagIsPickedUpAndOutsideItIsNot() throws {
        try createEvents("inc_late")
        // A transaction stamps its row at t0 + 2 s, but commits only after the next run read the table.
        let late = try PostgresConnection(try TestDatabase.config())
        try late.execute("BEGIN; INSERT INTO inc_late (note, updated_at) VALUES ('late', \(try literal(t0 + 2_000_000)))")
        try connection.execute("INSERT INTO inc_late (note, updated_at) SELECT 'on time', \(try literal(t0)) + g * interval '1 second' FROM generate_series(1, 5) g")
        let first = try run("inc_late")
        #expect(first.ids.count == 5)
        #expect(first.bookmark?.value == t0 + 5_000_000)
        try late.execute("COMMIT")
        let lateID = Int64(try connection.query("SELECT id FROM inc_late WHERE note = 'late'")[0][0]!)!
        // Without a lag the late row is lost; a 5-second lag re-reads (t0, t0 + 5 s] and finds it.
        let noLag = try run("inc_late", after: first.bookmark)
        #expect(!noLag.ids.contains(lateID))
        let lagged = try run("inc_late", after: first.bookmark, lag: 5_000_000)
        #expect(lagged.ids.contains(lateID))
        #expect(lagged.ids.count == 6)  // the overlap: 5 rows again (loaded idempotently downstream) plus the late one
        #expect(lagged.bookmark == first.bookmark)
        // A lag that does not reach back far enough misses it.
        let short = try run("inc_late", after: first.bookmark, lag: 2_999_999)
        #expect(!short.ids.contains(lateID))
    }

    @Test func updatesDuringARunFollowTheSnapshot() async throws {
        try createEvents("inc_update")
        try connection.execute("INSERT INTO inc_update (note, updated_at) SELECT 'v1', \(try literal(t0)) + g * interval '1 second' FROM generate_series(1, 100) g")
        let config = try TestDatabase.config()
        let holder = try await BlockingIO.run { () throws(SluiceError) in try SnapshotHolder(config: config) }
        let shared = [try window().predicate(column: "updated_at")].compactMap { $0 }
        let plan = try PartitionPlanner(connection).plan(PartitionPlanInput(
            table: PostgresTableName(name: "inc_update"), strategy: .range(column: "id"), count: .fixed(2), predicates: shared))
        #expect(plan.entries.count == 2)
        func runPartition(_ index: Int) throws -> (ids: [Int64], max: Int64?) {
            let name = PostgresTableName(name: "inc_update")
            let columns = try PostgresCatalog(connection).describe(name, columns: ["id", "updated_at"])
            let query = PostgresQuery(table: name, columns: columns, predicates: plan.predicates(of: index, shared: shared))
            var ids: [Int64] = []
            let stats = try PostgresExtractor.extractBlocking(
                config: config, source: try query.readSpec(snapshot: holder.snapshotID),
                schema: Schema([Field(name: "id", type: .int64), Field(name: "updated_at", type: .timestamp)]),
                options: CopyDecodeOptions(cursorColumn: "updated_at")) { batch in
                if case .int64(let values) = batch.columns[0].values { ids += values }
            }
            return (ids, stats.maxCursor)
        }
        let part0 = try runPartition(0)
        // Mid-run, another session moves rows of both partitions forward (and deletes one) and commits.
        try connection.execute("UPDATE inc_update SET note = 'v2', updated_at = \(try literal(t0 + 1_000_000_000)) WHERE id IN (3, 97);"
                               + "DELETE FROM inc_update WHERE id = 98")
        let part1 = try runPartition(1)
        holder.close()
        let ids = (part0.ids + part1.ids).sorted()
        #expect(ids == Array(1...100), "the whole run sees the table as of its snapshot: every row once, the deleted one included")
        let runBookmark = advanced(nil, to: [part0.max, part1.max].compactMap { $0 }.max())
        #expect(runBookmark?.value == t0 + 100_000_000)
        // The next run picks up exactly the rows the update moved past the bookmark.
        let next = try run("inc_update", after: runBookmark)
        #expect(next.ids == [3, 97])
    }
}
