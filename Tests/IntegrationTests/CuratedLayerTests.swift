import Foundation
import Testing

/// The curated (warehouse) layer, built from the clean layer after every run: read without `FINAL`, it must hold
/// exactly the source's live rows, one per key, after a backfill, incremental runs with updates, soft deletes and
/// late commits, a failed build and a killed driver's leftovers.
@Suite(.serialized) struct CuratedLayerTests {
    func run(_ fixture: PipelineFixture, _ config: String, _ extra: [String] = []) throws -> PipelineFixture.RunOutcome {
        try fixture.run(config, extra)
    }

    func expectCuratedEqualsSource(_ fixture: PipelineFixture, where condition: String = "true",
                                   sourceLocation: SourceLocation = #_sourceLocation) throws {
        let differences = try fixture.differences(where: condition, in: .curated)
        #expect(differences.isEmpty, "curated differs from PostgreSQL:\n\(differences.joined(separator: "\n"))",
                sourceLocation: sourceLocation)
    }

    /// Tables in the curated database: the curated tables and nothing a build left behind.
    func curatedTables(_ fixture: PipelineFixture) throws -> [String] {
        try fixture.env.clickhouse("SELECT name FROM system.tables WHERE database = '\(fixture.curated)' ORDER BY name")
            .split(separator: "\n").map(String.init)
    }

    @Test func theCuratedTableHoldsOneRowPerLiveKeyAfterEveryKindOfRun() throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env, rows: 500)
        defer { fixture.tearDown() }
        try env.psql(fixture.database, "ALTER TABLE items ADD COLUMN deleted_at timestamptz; UPDATE items SET deleted_at = now() WHERE id % 50 = 0")
        let config = try fixture.pipeline(table: "    deleted_when: \"deleted_at IS NOT NULL\"\n    ignore_columns: [deleted_at]", lag: "5m")

        let backfill = try run(fixture, config)
        #expect(backfill.status == 0, "\(backfill.output.suffix(2000))")
        #expect(backfill.output.contains("\(fixture.curated).items"), "the summary names the curated table")
        try expectCuratedEqualsSource(fixture, where: "deleted_at IS NULL")
        #expect(try env.clickhouse("SELECT count() FROM \(fixture.curated).items").trimmed == "490")

        // Updates, a soft delete of loaded rows, a new row and a late commit behind the bookmark.
        try env.clickhouse("SYSTEM STOP MERGES \(fixture.clean).items")
        try env.psql(fixture.database, """
            UPDATE items SET name = name || ' v2', updated_at = '2024-01-01 00:08:30+00' WHERE id BETWEEN 10 AND 19;
            UPDATE items SET deleted_at = now(), updated_at = '2024-01-01 00:08:31+00' WHERE id IN (1, 2, 3);
            INSERT INTO items VALUES (611, 'new', '2001-01-01', '2024-01-01 00:08:32+00', NULL);
            INSERT INTO items VALUES (612, 'late', '2001-01-01', '2024-01-01 00:05:00+00', NULL);
            """)
        let incremental = try run(fixture, config)
        #expect(incremental.status == 0 && incremental.table["mode"] as? String == "incremental", "\(incremental.output.suffix(2000))")
        // The clean layer holds both versions of the changed rows (merges stopped); curated holds one.
        #expect(try Int(env.clickhouse("SELECT count() FROM \(fixture.clean).items").trimmed)! > 500)
        try expectCuratedEqualsSource(fixture, where: "deleted_at IS NULL")
        #expect(try env.clickhouse("SELECT count() FROM \(fixture.curated).items WHERE id IN (1, 2, 3) OR id % 50 = 0").trimmed == "0",
                "rows soft-deleted after loading are gone from curated")
        #expect(try env.clickhouse("SELECT count() FROM \(fixture.curated).items WHERE name LIKE '% v2'").trimmed == "10")

        // Nothing changed: the same curated table again, built anew.
        let again = try run(fixture, config)
        #expect(again.status == 0)
        try expectCuratedEqualsSource(fixture, where: "deleted_at IS NULL")
        #expect(try curatedTables(fixture) == ["items"])

        // A full reload swaps the clean table and rebuilds curated from it.
        try env.psql(fixture.database, "DELETE FROM items WHERE id > 400")
        let reload = try run(fixture, config, ["--mode", "full_reload"])
        #expect(reload.status == 0, "\(reload.output.suffix(2000))")
        try expectCuratedEqualsSource(fixture, where: "deleted_at IS NULL")
    }

    @Test func aSelectModelsTheCuratedTableWithItsOwnKeyAndPartitions() throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env, rows: 3_000)  // born = 2000-01-01 + id days: 2000 ... 2008
        defer { fixture.tearDown() }
        try env.psql(fixture.database, "UPDATE items SET born = NULL WHERE id % 7 = 0")
        let config = try fixture.pipeline(table: """
                curated:
                  table: items_by_year
                  select: |
                    SELECT ifNull(toYear(born), 0) AS year, count() AS items, max(id) AS last_id
                    FROM {{ live }} GROUP BY year
                  order_by: [year]
                  partition_by: intDiv(year, 4)
            """)
        let outcome = try run(fixture, config)
        #expect(outcome.status == 0, "\(outcome.output.suffix(2000))")
        let expected = try env.psql(fixture.database, """
            COPY (SELECT coalesce(extract(year FROM born)::int, 0), count(*), max(id) FROM items GROUP BY 1 ORDER BY 1) TO STDOUT
            """)
        let actual = try env.clickhouse("SELECT year, items, last_id FROM \(fixture.curated).items_by_year ORDER BY year FORMAT TabSeparated")
        #expect(actual == expected)
        #expect(try curatedTables(fixture) == ["items_by_year"])
        let create = try env.clickhouse("SHOW CREATE TABLE \(fixture.curated).items_by_year FORMAT TabSeparatedRaw")
        #expect(create.contains("PARTITION BY intDiv(year, 4)") && create.contains("ORDER BY year"), "\(create)")
        let partitions = try env.clickhouse(
            "SELECT uniqExact(partition) FROM system.parts WHERE database = '\(fixture.curated)' AND table = 'items_by_year' AND active")
        #expect(partitions.trimmed == "4", "years 0, 2000...2003, 2004...2007, 2008")

        // {{ clean }} reads every version.
        let versions = try fixture.pipeline(table: """
                curated: {table: versions, select: "SELECT count() AS n FROM {{ clean }}", order_by: []}
            """)
        #expect(try run(fixture, versions).status == 0)
        #expect(try env.clickhouse("SELECT n FROM \(fixture.curated).versions").trimmed == "3000")
    }

    @Test func aFailedBuildFailsTheTableKeepsItsBookmarkAndTheOldCuratedTable() throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env, rows: 200)
        defer { fixture.tearDown() }
        let config = try fixture.pipeline()
        #expect(try run(fixture, config).status == 0)
        let bookmark = try fixture.bookmark()
        try env.psql(fixture.database, "UPDATE items SET name = 'changed', updated_at = '2025-01-01' WHERE id <= 5")

        let broken = try fixture.pipeline(table: "    curated: {select: \"SELECT id, nme FROM {{ live }}\", order_by: [id]}")
        let failed = try run(fixture, broken)
        #expect(failed.status == 1)
        #expect(failed.output.contains("building the curated table \(fixture.curated).items failed"), "\(failed.output.suffix(2000))")
        #expect(failed.output.contains("nme"), "the server's message names the unknown column")
        #expect(failed.table["status"] as? String == "failed")
        #expect(try fixture.bookmark() == bookmark, "a table whose curated build failed keeps its bookmark")
        // Readers still see the previous build, whole.
        #expect(try env.clickhouse("SELECT count() FROM \(fixture.curated).items WHERE name = 'changed'").trimmed == "0")
        #expect(try curatedTables(fixture) == ["items"], "the failed build left no table behind")

        // A driver killed mid-build leaves its build table; the next run drops it and builds again.
        try env.clickhouse("CREATE TABLE \(fixture.curated).items__sluice_build_20261205T000000Z_dead (id Int64) ENGINE = MergeTree ORDER BY id")
        let fixed = try run(fixture, config)
        #expect(fixed.status == 0, "\(fixed.output.suffix(2000))")
        #expect(fixed.table["rows_extracted"] as? Int == 5)
        try expectCuratedEqualsSource(fixture)
        #expect(try curatedTables(fixture) == ["items"])
    }

    @Test func theLayerCanBeTurnedOffPerTableOrForTheSink() throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env, rows: 20)
        defer { fixture.tearDown() }
        #expect(try run(fixture, try fixture.pipeline(table: "    curated: false")).status == 0)
        #expect(try curatedTables(fixture).isEmpty)
        let text = try String(contentsOfFile: try fixture.pipeline(), encoding: .utf8)
            .replacingOccurrences(of: "curated_database: \(fixture.curated)", with: "curated_database: \(fixture.curated), curated_layer: false")
        let off = fixture.directory + "/off.yaml"
        try text.write(toFile: off, atomically: true, encoding: .utf8)
        #expect(try run(fixture, off).status == 0)
        #expect(try curatedTables(fixture).isEmpty)
        // The same database for both layers and the same name: refused before anything runs.
        let clash = fixture.directory + "/clash.yaml"
        try String(contentsOfFile: try fixture.pipeline(), encoding: .utf8)
            .replacingOccurrences(of: "curated_database: \(fixture.curated)", with: "curated_database: \(fixture.clean)")
            .write(toFile: clash, atomically: true, encoding: .utf8)
        let refused = try run(fixture, clash)
        #expect(refused.status != 0)
        #expect(refused.output.contains("the curated table of items would be its clean table"), "\(refused.output.suffix(2000))")
    }
}
