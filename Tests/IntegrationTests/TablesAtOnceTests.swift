import Foundation
import Testing

/// `run.max_parallel_tables` and `run.fail_fast` with real processes: three tables, one of which fails on its
/// executors with an error retrying cannot fix (a date before 1970, which ClickHouse's Date cannot hold, under
/// `out_of_range: fail`: `value_out_of_range`, found only when the executor reads the row).
@Suite(.serialized) struct TablesAtOnceTests {
    /// The fixture's `items` plus `extra` (a copy) and `locked` (a copy with one row ClickHouse cannot take).
    static func prepare(_ fixture: PipelineFixture) throws {
        try fixture.env.psql(fixture.database, """
            CREATE TABLE extra AS SELECT * FROM items;
            ALTER TABLE extra ADD PRIMARY KEY (id);
            CREATE TABLE locked AS SELECT * FROM items;
            ALTER TABLE locked ADD PRIMARY KEY (id);
            UPDATE locked SET born = date '1800-01-01' WHERE id = 2500;
            """)
    }

    static func pipeline(_ fixture: PipelineFixture, order: [String], run: String) throws -> String {
        let tables = order.map { name in
            """
              - name: \(name)
                primary_key: [id]
                cursor: updated_at
                lag: 0
                out_of_range: fail
                partition: {column: id, count: 4}
                columns:
                  - {name: id, type: int64, nullable: false}
                  - {name: name, type: string}
                  - {name: born, type: date}
                  - {name: updated_at, type: timestamptz, nullable: false}
            """
        }.joined(separator: "\n")
        let text = """
        pipeline: tables-at-once
        source:
          postgres: {host: "${PGHOST}", port: "${PGPORT}", database: \(fixture.database), user: "${PGUSER}", password: "${PGPASSWORD}"}
        sink:
          clickhouse: {url: "${SLUICE_CLICKHOUSE_URL}", user: "${SLUICE_CLICKHOUSE_USER}", password: "${SLUICE_CH_PASSWORD}",
                       database: \(fixture.clean), metadata_database: \(fixture.metadata), curated_database: \(fixture.curated)}
        staging: {directory: \(fixture.directory)/staging}
        run: \(run)
        tables:
        \(tables)
        """
        let path = fixture.directory + "/pipeline-\(UUID().uuidString).yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func tables(_ run: PipelineFixture.RunOutcome) -> [String: [String: Any]] {
        let list = run.report["tables"] as? [[String: Any]] ?? []
        return Dictionary(list.map { ($0["table"] as? String ?? "?", $0) }) { first, _ in first }
    }

    /// Every attempt of a table's tasks, from its report entry.
    static func attempts(_ table: [String: Any]?) -> [[String: Any]] {
        (table?["tasks"] as? [[String: Any]] ?? []).flatMap { $0["attempts"] as? [[String: Any]] ?? [] }
    }

    /// Rows in `table` of the clean layer as loaded (no FINAL; merges do not run in the tests' ClickHouse).
    static func rawCount(_ fixture: PipelineFixture, _ table: String) throws -> Int {
        let exists = try fixture.env.clickhouse("EXISTS TABLE \(fixture.clean).\(table)").trimmed
        guard exists == "1" else { return 0 }
        return Int(try fixture.env.clickhouse("SELECT count() FROM \(fixture.clean).\(table)").trimmed) ?? -1
    }

    static func bookmarks(_ fixture: PipelineFixture) throws -> [String] {
        try fixture.env.clickhouse("""
            SELECT DISTINCT table_name FROM \(fixture.metadata).cdc_state ORDER BY table_name FORMAT TabSeparated
            """).split(separator: "\n").map(String.init)
    }

    @Test func oneTableAtATimeAndAFailedTableDoesNotStopTheOthers() throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env, rows: 3_000)
        defer { fixture.tearDown() }
        try Self.prepare(fixture)
        let config = try Self.pipeline(fixture, order: ["items", "locked", "extra"], run: """
            {heartbeat_interval: 500ms, executor_timeout: 3s, retries: 3, retry_backoff: 200ms, max_parallel_tables: 1}
            """)
        let run = try fixture.run(config)
        #expect(run.status != 0, "a table failed, so the run fails")
        let tables = Self.tables(run)
        #expect(tables["items"]?["status"] as? String == "succeeded", "\(run.output.suffix(2000))")
        #expect(tables["extra"]?["status"] as? String == "succeeded", "the failed table did not stop the next")
        #expect(tables["locked"]?["status"] as? String == "failed")
        #expect((tables["locked"]?["error"] as? String ?? "").contains("value_out_of_range"), "\(tables["locked"] ?? [:])")
        // Not retried: a value error fails the table at its first attempt.
        #expect(Self.attempts(tables["locked"]).allSatisfy { $0["attempt"] as? Int == 1 }, "\(Self.attempts(tables["locked"]))")

        #expect(try Self.rawCount(fixture, "items") == 3_000)
        #expect(try Self.rawCount(fixture, "extra") == 3_000)
        #expect(try Self.rawCount(fixture, "locked") == 0)
        #expect(try Self.bookmarks(fixture) == ["extra", "items"], "the failed table keeps no bookmark")

        // One table at a time: each table's attempts start once the table before it ended: when its last attempt
        // ended, or, for the failed one, when its failing attempt did (its other attempts may run on, their results
        // discarded, while the next table already runs).
        var previousEnd = -1.0
        for name in ["items", "locked", "extra"] {
            let attempts = Self.attempts(tables[name])
            let starts = attempts.compactMap { $0["start_seconds"] as? Double }
            #expect(!starts.isEmpty, "\(name): \(attempts)")
            #expect((starts.min() ?? -1) >= previousEnd, "\(name) started at \(starts.min() ?? -1) before the table before it ended at \(previousEnd)")
            let deciding = name == "locked" ? attempts.filter { $0["outcome"] as? String == "failed" } : attempts
            previousEnd = deciding.compactMap { $0["end_seconds"] as? Double }.max() ?? previousEnd
        }
    }

    @Test func failFastStopsTheOtherTablesAndCommitsNothingOfThem() throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env, rows: 3_000)
        defer { fixture.tearDown() }
        try Self.prepare(fixture)
        let config = try Self.pipeline(fixture, order: ["items", "locked", "extra"], run: """
            {heartbeat_interval: 500ms, executor_timeout: 3s, retries: 3, retry_backoff: 200ms, max_parallel_tables: 2, fail_fast: true}
            """)
        let started = ContinuousClock.now
        // items' first partition waits 120 s before it starts, so items cannot finish before locked (admitted with it,
        // its tasks run as items' other tasks free their slots) fails; extra is not admitted until one of the two ends.
        let run = try fixture.run(config, environment: ["SLUICE_TEST_SLOW_FIRST_ATTEMPT": "items#0:120"])
        #expect(ContinuousClock.now - started < .seconds(90), "the run waited for the held-back attempt instead of cancelling it")
        #expect(run.status != 0)
        let tables = Self.tables(run)
        #expect(tables["locked"]?["status"] as? String == "failed")
        #expect((tables["locked"]?["error"] as? String ?? "").contains("value_out_of_range"))
        for name in ["items", "extra"] {
            #expect(tables[name]?["status"] as? String == "failed", "\(name): \(tables[name] ?? [:])")
            #expect((tables[name]?["error"] as? String ?? "").contains("run_fail_fast"), "\(name): \(tables[name]?["error"] ?? "")")
            #expect(try Self.rawCount(fixture, name) == 0, "nothing of \(name) is committed")
        }
        let items = Self.attempts(tables["items"])
        #expect(items.contains { $0["outcome"] as? String == "cancelled" }, "the held-back attempt was cancelled: \(items)")
        #expect(Self.attempts(tables["extra"]).isEmpty, "extra never started")
        #expect(try Self.bookmarks(fixture).isEmpty)
    }
}
