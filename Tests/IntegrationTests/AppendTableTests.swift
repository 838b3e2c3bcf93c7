import Foundation
import Testing

/// Tables without a key (`load: append`): pgbench's `history`, say. No deduplication is possible, so a run
/// re-reads whole days of the cursor and replaces those days; the clean table's raw row count (no `FINAL`, nothing
/// to fold) must equal PostgreSQL's after every kind of run, overlapping and repeated runs included.
@Suite(.serialized) struct AppendTableTests {
    struct Fixture {
        let base: PipelineFixture
        var env: TestEnvironment { base.env }

        /// `history`: 4,000 events one minute apart from 2024-01-01 00:01 (days 1 to 3), two of them identical.
        init() throws {
            base = try PipelineFixture(env: try TestEnvironment.load(), rows: 1)
            try env.psql(base.database, """
                CREATE TABLE history (tid int NOT NULL, aid int NOT NULL, delta int, mtime timestamp NOT NULL, note text);
                INSERT INTO history SELECT g % 10, g, (g * 7919) % 10007 - 5000, timestamp '2024-01-01 00:00:00' + g * interval '1 minute',
                    CASE WHEN g % 3 = 0 THEN NULL ELSE 'event ' || g END
                FROM generate_series(1, 4000) g;
                INSERT INTO history VALUES (1, 1, 1, '2024-01-01 12:00:00', 'twin'), (1, 1, 1, '2024-01-01 12:00:00', 'twin');
                """)
        }

        func pipeline(extra: String = "") throws -> String {
            let text = try String(contentsOfFile: try base.pipeline(), encoding: .utf8)
            let tables = text.range(of: "tables:")!.lowerBound
            let path = base.directory + "/append-\(UUID().uuidString).yaml"
            try (String(text[..<tables]) + """
                tables:
                  - name: history
                    load: append
                    cursor: mtime
                    lag: 5m
                    partition: {column: aid, count: 3}
                \(extra)
                    columns:
                      - {name: tid, type: int32, nullable: false}
                      - {name: aid, type: int32, nullable: false}
                      - {name: delta, type: int32}
                      - {name: mtime, type: timestamp, nullable: false}
                      - {name: note, type: string}
                """).write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }

        /// Count and per-column checksums, PostgreSQL then ClickHouse (`table` in `database`, read as it is).
        func checksums(database: String? = nil, table: String = "history") throws -> (String, String) {
            let source = try env.psql(base.database, """
                COPY (SELECT count(*), sum(tid), sum(aid), sum(delta), count(delta),
                             sum(floor(extract(epoch FROM mtime))::bigint), sum(length(coalesce(note, ''))), count(note) FROM history) TO STDOUT
                """).trimmed
            let sink = try env.clickhouse("""
                SELECT count(), sum(tid), sum(aid), sum(delta), count(delta), sum(toUInt32(mtime)), sum(length(ifNull(note, ''))), count(note)
                FROM \(database ?? base.clean).\(table) FORMAT TabSeparated
                """).trimmed
            return (source, sink)
        }

        func expectExact(_ what: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let clean = try checksums()
            #expect(clean.0 == clean.1, "clean after \(what): PostgreSQL \(clean.0) | ClickHouse \(clean.1)", sourceLocation: sourceLocation)
            let curated = try checksums(database: base.curated)
            #expect(curated.0 == curated.1, "curated after \(what): PostgreSQL \(curated.0) | ClickHouse \(curated.1)",
                    sourceLocation: sourceLocation)
        }

        func run(_ config: String, _ extra: [String] = []) throws -> PipelineFixture.RunOutcome { try base.run(config, extra) }
    }

    @Test func runsReplaceTheDaysTheyReadSoNoRowIsDoubledOrLost() throws {
        let fixture = try Fixture()
        defer { fixture.base.tearDown() }
        let env = fixture.env
        let config = try fixture.pipeline()

        let backfill = try fixture.run(config)
        #expect(backfill.status == 0, "\(backfill.output.suffix(3000))")
        #expect(backfill.table["mode"] as? String == "backfill" && backfill.table["rows_loaded"] as? Int == 4002)
        try fixture.expectExact("the backfill")
        let create = try env.clickhouse("SHOW CREATE TABLE \(fixture.base.clean).history FORMAT TabSeparatedRaw")
        #expect(create.contains("ENGINE = MergeTree() PARTITION BY toYYYYMMDD(mtime) ORDER BY mtime"), "\(create)")

        // Nothing changed: the run re-reads the bookmark's day (2024-01-03, from 00:00) and replaces it.
        let again = try fixture.run(config)
        #expect(again.status == 0 && again.table["mode"] as? String == "incremental", "\(again.output.suffix(3000))")
        #expect(again.table["rows_extracted"] as? Int == 4000 - 2 * 1440 + 1)
        try fixture.expectExact("a repeated run")

        // New events, a late commit earlier on the bookmark's day, a hard delete on that day, a new day.
        try env.psql(fixture.base.database, """
            INSERT INTO history VALUES (5, 5, 5, '2024-01-03 01:00:00.5', 'late'), (6, 6, 6, '2024-01-04 00:00:00', 'midnight'),
                                       (7, 7, 7, '2024-01-05 09:30:00.123456', 'next day');
            DELETE FROM history WHERE mtime BETWEEN '2024-01-03 10:00' AND '2024-01-03 10:09';
            """)
        let incremental = try fixture.run(config)
        #expect(incremental.status == 0, "\(incremental.output.suffix(3000))")
        try fixture.expectExact("an incremental run with a late commit and deletes")

        // Deleting a day the cursor has left behind is invisible to incremental runs; a range reload of that day
        // (widened to whole days) or a full reload catches it.
        try env.psql(fixture.base.database, "DELETE FROM history WHERE mtime < '2024-01-01 06:00'")
        #expect(try fixture.run(config).status == 0)
        let stale = try fixture.checksums()
        #expect(stale.0 != stale.1, "an incremental run cannot see deletes on days it did not re-read")
        let range = try fixture.run(config, ["--from", "2024-01-01 03:00:00", "--to", "2024-01-01 04:00:00"])
        #expect(range.status == 0 && range.table["mode"] as? String == "range_reload", "\(range.output.suffix(3000))")
        try fixture.expectExact("a range reload of the first day")
        try env.psql(fixture.base.database, "DELETE FROM history WHERE mtime < '2024-01-02 06:00'")
        let reload = try fixture.run(config, ["--mode", "full_reload"])
        #expect(reload.status == 0)
        try fixture.expectExact("a full reload")
        #expect(try env.clickhouse("SELECT count() FROM system.tables WHERE database = '\(fixture.base.clean)' AND name != 'history'").trimmed == "0",
                "no load table is left behind")
    }

    @Test func aRunThatFailsHalfWayReplacesNothingAndTheRerunIsExact() throws {
        let fixture = try Fixture()
        defer { fixture.base.tearDown() }
        let env = fixture.env
        #expect(try fixture.run(try fixture.pipeline()).status == 0)
        try env.psql(fixture.base.database, "UPDATE history SET delta = delta + 1, note = 'v2' WHERE mtime >= '2024-01-03'")
        let failing = try fixture.pipeline(extra: """
                filters: ["1 / (aid - 3500) IS NOT NULL"]
            """)
        let broken = try fixture.run(failing)
        #expect(broken.status == 1 && broken.output.contains("division by zero"), "\(broken.output.suffix(3000))")
        #expect(try env.clickhouse("SELECT count() FROM \(fixture.base.clean).history WHERE note = 'v2'").trimmed == "0")
        #expect(try env.clickhouse("SELECT count() FROM \(fixture.base.clean).history").trimmed == "4002")
        let rerun = try fixture.run(try fixture.pipeline())
        #expect(rerun.status == 0)
        try fixture.expectExact("a rerun after a failed run")
    }

    @Test func keylessTablesAreToldAboutAppend() throws {
        let fixture = try Fixture()
        defer { fixture.base.tearDown() }
        let text = try String(contentsOfFile: try fixture.pipeline(), encoding: .utf8)
        let missing = fixture.base.directory + "/missing.yaml"
        try text.replacingOccurrences(of: "    load: append\n", with: "").write(toFile: missing, atomically: true, encoding: .utf8)
        let refused = try Shell.execute(Paths.sluice, ["validate", "--config", missing])
        #expect(refused.status != 0)
        let refusal = refused.stdout + refused.stderr
        #expect(refusal.contains("missing required key 'primary_key'") && refusal.contains("load: append"), "\(refusal)")
        let integer = fixture.base.directory + "/integer.yaml"
        try text.replacingOccurrences(of: "cursor: mtime", with: "cursor: aid").replacingOccurrences(of: "    lag: 5m\n", with: "")
            .write(toFile: integer, atomically: true, encoding: .utf8)
        let wrongCursor = try Shell.execute(Paths.sluice, ["validate", "--config", integer])
        #expect((wrongCursor.stdout + wrongCursor.stderr).contains("an append table's cursor must be a date or timestamp"),
                "\(wrongCursor.stdout)\(wrongCursor.stderr)")
    }
}
