import Foundation
import Testing

/// Bookmarks across whole runs (`sluice run --local`): backfill windows, the lag for late commits, the run's
/// snapshot, failures after some rows were loaded, range reloads and soft deletes. The destination is always
/// compared with the source, so a lost or doubled row fails the test.
@Suite(.serialized) struct IncrementalRunTests {
    typealias Outcome = PipelineFixture.RunOutcome

    func run(_ fixture: PipelineFixture, _ config: String, _ extra: [String] = []) throws -> Outcome {
        try fixture.run(config, extra)
    }

    /// ClickHouse's live rows and PostgreSQL's rows are the same, value by value, in the clean layer (read with
    /// `FINAL`) and in the curated layer (read as it is, one row per key).
    func expectSameRows(_ fixture: PipelineFixture, where condition: String = "true",
                        sourceLocation: SourceLocation = #_sourceLocation) throws {
        for layer in [PipelineFixture.Layer.clean, .curated] {
            let differences = try fixture.differences(where: condition, in: layer)
            #expect(differences.isEmpty, "ClickHouse's \(layer) layer differs from PostgreSQL:\n\(differences.joined(separator: "\n"))",
                    sourceLocation: sourceLocation)
        }
    }

    /// Rows the run's report says reached ClickHouse.
    func loaded(_ outcome: Outcome) -> Int { outcome.table["rows_loaded"] as? Int ?? -1 }

    @Test func backfillInWindowsThenSwitchToIncremental() throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env, rows: 1_000)  // updated_at = 2024-01-01 00:00:00 + id seconds
        defer { fixture.tearDown() }
        let config = try fixture.pipeline(table: "    backfill_window: 400s")
        let backfill = "SELECT argMax(backfill, version) FROM \(fixture.metadata).cdc_state WHERE table_name = 'items'"

        let first = try run(fixture, config)
        #expect(first.status == 0, "\(first.output.suffix(2000))")
        #expect(first.table["mode"] as? String == "backfill")
        #expect(first.table["rows_extracted"] as? Int == 401)      // ids 1...401: min + 400 s
        #expect(try fixture.bookmark() == "2024-01-01 00:06:41.000000Z")
        #expect(try env.clickhouse(backfill).trimmed == "1")

        let second = try run(fixture, config)
        #expect(second.table["mode"] as? String == "backfill")
        #expect(second.table["rows_extracted"] as? Int == 400)     // ids 402...801
        #expect(try env.clickhouse(backfill).trimmed == "1")

        // The last slice reaches the newest row: the table leaves backfill by itself.
        let third = try run(fixture, config)
        #expect(third.table["mode"] as? String == "backfill")
        #expect(third.table["rows_extracted"] as? Int == 199)
        #expect(try env.clickhouse(backfill).trimmed == "0")
        try expectSameRows(fixture)

        try env.psql(fixture.database, "INSERT INTO items VALUES (5000, 'new', '2001-01-01', '2025-06-01 00:00:00+00')")
        let fourth = try run(fixture, config)
        #expect(fourth.table["mode"] as? String == "incremental")
        #expect(fourth.table["rows_extracted"] as? Int == 1)
        try expectSameRows(fixture)
    }

    @Test func theLagCatchesRowsThatCommitLateWithOlderCursors() throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env, rows: 100)
        defer { fixture.tearDown() }
        let strict = try fixture.pipeline(lag: "0")
        let lagged = try fixture.pipeline(lag: "5m")
        #expect(try run(fixture, strict).status == 0)
        #expect(try fixture.bookmark() == "2024-01-01 00:01:40.000000Z")

        // A transaction that took its cursor value before the bookmark but committed after the run.
        try env.psql(fixture.database, "INSERT INTO items VALUES (101, 'late', '2001-01-01', '2024-01-01 00:01:30+00')")
        let noLag = try run(fixture, strict)
        #expect(noLag.table["rows_extracted"] as? Int == 0, "without a lag the late row is behind the bookmark")
        let withLag = try run(fixture, lagged)
        // The 5-minute overlap re-reads rows 1...100 too; the sink keeps one row per key.
        #expect(withLag.table["rows_extracted"] as? Int == 101)
        #expect(try fixture.bookmark() == "2024-01-01 00:01:40.000000Z", "the bookmark never moves backwards")
        try expectSameRows(fixture)
    }

    @Test func rowsChangedDuringARunWaitForTheNextRun() async throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env, rows: 400)
        defer { fixture.tearDown() }
        // Each task sleeps 2 s inside PostgreSQL, after the run's snapshot was taken.
        let config = try fixture.pipeline(table: "    filters: [\"(SELECT pg_sleep(2)) IS NOT NULL\"]", partitions: 2)
        let run = try Child(Paths.sluice, ["run", "--config", config, "--local", "1"])
        #expect(await run.waitFor("executor.run_config", seconds: 60))
        try env.psql(fixture.database, """
            UPDATE items SET name = 'changed mid-run', updated_at = '2024-06-01 00:00:00+00' WHERE id <= 10;
            INSERT INTO items VALUES (1000, 'inserted mid-run', '2001-01-01', '2024-06-01 00:00:01+00');
            """)
        #expect(await run.wait(seconds: 120) == 0, "\(run.text.suffix(2000))")
        // The run saw the table as of its snapshot: old names, no row 1000, bookmark before the changes.
        #expect(try env.clickhouse("SELECT count() FROM \(fixture.clean).items FINAL WHERE name = 'changed mid-run' OR id = 1000").trimmed == "0")
        #expect(try fixture.bookmark() == "2024-01-01 00:06:40.000000Z")
        let next = try self.run(fixture, config)
        #expect(next.table["rows_extracted"] as? Int == 11)
        try expectSameRows(fixture)
    }

    @Test func aRunThatFailsHalfWayLoadsNothingKeepsItsBookmarkAndTheRerunIsExact() throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env, rows: 300)
        defer { fixture.tearDown() }
        let first = try run(fixture, try fixture.pipeline())
        #expect(first.status == 0)
        let bookmark = try fixture.bookmark()
        // No merge folds rows from here on: the raw row count is what the runs loaded.
        try env.clickhouse("SYSTEM STOP MERGES \(fixture.clean).items")
        try env.psql(fixture.database, "UPDATE items SET name = name || ' v2', updated_at = updated_at + interval '1 day'")
        // Two partitions: the first stages its rows, the second fails in PostgreSQL halfway through its COPY.
        let failing = try fixture.pipeline(
            partition: #"{strategy: predicates, predicates: ["id <= 150", "id > 150 AND 1 / (id - 250) IS NOT NULL"]}"#)
        let broken = try run(fixture, failing)
        #expect(broken.status == 1)
        #expect(broken.output.contains("division by zero"), "\(broken.output.suffix(2000))")
        #expect(try fixture.bookmark() == bookmark, "a failed table keeps its bookmark")
        // Nothing of the failed table reached ClickHouse: the first task's staged rows were never committed.
        #expect(try env.clickhouse("SELECT count() FROM \(fixture.clean).items FINAL WHERE name LIKE '% v2'").trimmed == "0")
        #expect(loaded(broken) == 0)
        #expect(try fixture.rawCount() == loaded(first))
        // The rerun extracts the same window again and loads it once.
        let rerun = try run(fixture, try fixture.pipeline())
        #expect(rerun.status == 0)
        #expect(rerun.table["rows_extracted"] as? Int == 300)
        #expect(try fixture.rawCount() == loaded(first) + loaded(broken) + loaded(rerun))
        try expectSameRows(fixture)
    }

    @Test func reloadingAPastRangeLeavesTheBookmarkAlone() throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env, rows: 200)
        defer { fixture.tearDown() }
        let config = try fixture.pipeline()
        #expect(try run(fixture, config).status == 0)
        let bookmark = try fixture.bookmark()
        // A fix in the source that did not touch the cursor: an incremental run cannot see it.
        try env.psql(fixture.database, "UPDATE items SET name = 'fixed' WHERE id BETWEEN 50 AND 59")
        let reload = try run(fixture, config, ["--from", "2024-01-01 00:00:50", "--to", "2024-01-01 00:01:00"])
        #expect(reload.status == 0, "\(reload.output.suffix(2000))")
        #expect(reload.table["mode"] as? String == "range_reload")
        #expect(reload.table["rows_extracted"] as? Int == 10)
        #expect(try fixture.bookmark() == bookmark)
        try expectSameRows(fixture)
        let bad = try Shell.execute(Paths.sluice, ["run", "--config", config, "--local", "1", "--from", "2024-01-01"])
        #expect(bad.status != 0 && bad.stderr.contains("--from and --to together"))
    }

    @Test func softDeletedRowsAreLeftOutOfTheFirstBackfillAndFlaggedAfterwards() throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env, rows: 100)
        defer { fixture.tearDown() }
        try env.psql(fixture.database, "ALTER TABLE items ADD COLUMN deleted_at timestamptz; UPDATE items SET deleted_at = now() WHERE id % 10 = 0")
        let config = try fixture.pipeline(table: "    deleted_when: \"deleted_at IS NOT NULL\"")
        let outcome = try run(fixture, config)
        #expect(outcome.status == 0)
        #expect(outcome.table["rows_extracted"] as? Int == 90)
        try expectSameRows(fixture, where: "deleted_at IS NULL")
        // Deleted after their load (the deletion moves the cursor): loaded again as deleted versions. Row 100, deleted
        // before the backfill and past the bookmark (which follows the rows loaded), arrives flagged too.
        try env.psql(fixture.database, "UPDATE items SET deleted_at = now(), updated_at = '2025-01-01' WHERE id IN (1, 2, 3)")
        let second = try run(fixture, config)
        #expect(second.table["rows_deleted"] as? Int == 4)
        try expectSameRows(fixture, where: "deleted_at IS NULL")
        #expect(try env.clickhouse("SELECT groupArray(id) FROM (SELECT id FROM \(fixture.clean).items FINAL WHERE _sluice_deleted = 1 ORDER BY id)").trimmed
                == "[1,2,3,100]")
    }

    @Test func aFullReloadRemovesRowsDeletedAtTheSource() throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env, rows: 200)
        defer { fixture.tearDown() }
        let config = try fixture.pipeline()
        #expect(try run(fixture, config).status == 0)
        let bookmark = try fixture.bookmark()
        // Hard deletes leave no cursor behind: an incremental run cannot see them.
        try env.psql(fixture.database, "DELETE FROM items WHERE id % 4 = 0")
        #expect(try run(fixture, config).status == 0)
        #expect(try env.clickhouse("SELECT count() FROM \(fixture.clean).items FINAL").trimmed == "200")
        let reload = try run(fixture, config, ["--mode", "full_reload"])
        #expect(reload.status == 0, "\(reload.output.suffix(2000))")
        #expect(reload.table["mode"] as? String == "full_reload")
        #expect(reload.table["rows_extracted"] as? Int == 150 && loaded(reload) == 150)
        // Raw rows, no FINAL: the fresh copy holds exactly the source's rows.
        #expect(try env.clickhouse("SELECT count() FROM \(fixture.clean).items").trimmed == "150")
        try expectSameRows(fixture)
        // Row 200 is gone, but the bookmark never moves back; the next run is incremental again.
        #expect(try fixture.bookmark() == bookmark)
        let next = try run(fixture, config)
        #expect(next.status == 0 && next.table["mode"] as? String == "incremental")
        try expectSameRows(fixture)

        // etl_metadata.runs kept one record per run, and `sluice status` shows them, newest first.
        let status = try Shell.execute(Paths.sluice, ["status", "--config", config, "--json", "--runs", "10"])
        #expect(status.status == 0, "\(status.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        let table = try #require((json?["tables"] as? [[String: Any]])?.first)
        let runs = try #require(table["runs"] as? [[String: Any]])
        #expect(runs.compactMap { $0["mode"] as? String } == ["incremental", "full_reload", "incremental", "backfill"])
        #expect(runs.compactMap { $0["rows_loaded"] as? Int } == [loaded(next), 150, runs[2]["rows_loaded"] as? Int ?? -1, 200])
        #expect(runs.allSatisfy { $0["status"] as? String == "succeeded" })
        #expect(table["next_mode"] as? String == "incremental" && table["bookmark"] as? String == bookmark)
        let text = try Shell.execute(Paths.sluice, ["status", "--config", config])
        #expect(text.stdout.contains("items: incremental; the next run reads updated_at >"), "\(text.stdout)")

        // An operator turns the table back to backfill: not without --yes off a terminal, then with it.
        let refused = try Shell.execute(Paths.sluice, ["bookmark", "reset", "--config", config, "--table", "items"])
        #expect(refused.status == 2 && refused.stderr.contains("pass --yes"), "\(refused.stderr)")
        #expect(try fixture.bookmark() == bookmark)
        let reset = try Shell.execute(Paths.sluice, ["bookmark", "reset", "--config", config, "--table", "items", "--yes"])
        #expect(reset.status == 0 && reset.stdout.contains("items: bookmark \(bookmark) -> none"), "\(reset.stdout)\(reset.stderr)")
        let again = try run(fixture, config)
        #expect(again.status == 0 && again.table["mode"] as? String == "backfill" && again.table["rows_extracted"] as? Int == 150)
        try expectSameRows(fixture)
        let wrong = try Shell.execute(Paths.sluice, ["bookmark", "set", "--config", config, "--table", "items", "--value", "soon", "--yes"])
        #expect(wrong.status != 0 && wrong.stderr.contains("'soon' is not a timestamptz value"), "\(wrong.stderr)")
    }

    @Test func incrementalNeedsABookmark() throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env, rows: 10)
        defer { fixture.tearDown() }
        let outcome = try run(fixture, try fixture.pipeline(), ["--mode", "incremental", "--tables", "items"])
        #expect(outcome.status == 1)
        #expect(outcome.output.contains("no bookmark yet"))
        let unknown = try Shell.execute(Paths.sluice, ["run", "--config", try fixture.pipeline(), "--local", "1", "--tables", "nope"])
        #expect(unknown.status != 0 && unknown.stderr.contains("no table named 'nope'"))
    }
}
