import Foundation
import Testing

/// The ways a warehouse can silently differ from its source, each tried for real with `sluice run --local 2`
/// against PostgreSQL and ClickHouse: timestamp keys that differ below the second, soft deletes after a load,
/// late commits behind the bookmark, and a run that fails half-way while the report says what reached
/// ClickHouse.
@Suite(.serialized) struct ExactnessTests {
    @Test func rowsWhoseKeysDifferBelowTheSecondStayDistinct() throws {
        let fixture = try ScratchPipeline(setup: """
            CREATE TABLE history (tid int NOT NULL, mtime timestamp NOT NULL, delta int, PRIMARY KEY (tid, mtime));
            INSERT INTO history VALUES (1, '2024-01-01 00:00:00.1', 10), (1, '2024-01-01 00:00:00.2', 20),
              (1, '2024-01-01 00:00:00.300001', 30), (2, '2024-01-01 00:00:00.1', 40);
            """)
        defer { fixture.tearDown() }
        let config = try fixture.pipeline(table: """
              - name: history
                primary_key: [tid, mtime]
                columns:
                  - {name: tid, type: int32, nullable: false}
                  - {name: mtime, type: timestamp, nullable: false}
                  - {name: delta, type: int32}
            """)
        let run = try fixture.run(config)
        #expect(run.status == 0, "\(run.output.suffix(3000))")
        // A merge collapses rows with equal sorting keys; force one and count what is left.
        try fixture.clickhouse("OPTIMIZE TABLE \(fixture.clean).history FINAL")
        #expect(try fixture.clickhouse("SELECT count() FROM \(fixture.clean).history").trimmed == "4")
        #expect(try fixture.clickhouse("SELECT sum(delta) FROM \(fixture.clean).history").trimmed == "100")
    }

    @Test func decimalsAt38DigitsAndTimestampsFromTwoZonesSurviveIntoTheCuratedLayer() throws {
        let fixture = try ScratchPipeline(setup: """
            CREATE TABLE money (id int PRIMARY KEY, amount numeric(38,10), whole numeric(38,0), at timestamptz NOT NULL,
                                wall timestamp, updated_at timestamptz NOT NULL);
            SET timezone = 'America/Los_Angeles';
            INSERT INTO money VALUES
              (1, 9999999999999999999999999999.9999999999, 99999999999999999999999999999999999999,
                  '2024-03-10 01:59:59.999999', '2024-03-10 01:59:59.999999', now()),
              (2, -9999999999999999999999999999.9999999999, -99999999999999999999999999999999999999,
                  '2024-11-03 01:30:00.000001', '1999-12-31 23:59:59.5', now());
            SET timezone = 'Asia/Tokyo';
            INSERT INTO money VALUES
              (3, 0.0000000001, 0, '2024-03-10 18:59:59.999999', '2024-03-10 18:59:59.999999', now()),
              (4, -0.0000000001, 1, '1970-01-01 09:00:00.000001', NULL, now()),
              (5, NULL, NULL, '2105-12-31 23:59:59.999999+00', '2105-12-31 23:59:59.999999', now());
            """)
        defer { fixture.tearDown() }
        let config = try fixture.pipeline(table: """
              - name: money
                primary_key: [id]
                cursor: updated_at
                columns:
                  - {name: id, type: int32, nullable: false}
                  - {name: amount, type: "decimal(38,10)"}
                  - {name: whole, type: "decimal(38,0)"}
                  - {name: at, type: timestamptz, nullable: false, subseconds: column}
                  - {name: wall, type: timestamp, subseconds: column}
                  - {name: updated_at, type: timestamptz, nullable: false}
            """)
        let run = try fixture.run(config)
        #expect(run.status == 0, "\(run.output.suffix(3000))")
        #expect(try fixture.rawCount("money") == 5, "one run, each row loaded once (read without FINAL)")
        let expected = try fixture.psql("""
            SET timezone = 'UTC';
            COPY (SELECT id, amount, whole, extract(epoch FROM date_trunc('second', at))::bigint, extract(microseconds FROM at)::int % 1000000,
                         extract(epoch FROM date_trunc('second', wall))::bigint, extract(microseconds FROM wall)::int % 1000000
                  FROM money ORDER BY id) TO STDOUT
            """)
        // Decimals as the server prints the column (its toString() garbles large Decimal128 on 18.16), times as epoch
        // seconds and microseconds (DateTime 0 prints as 0000-00-00); NULL is \\N on both sides.
        for (layer, from) in [("clean", "\(fixture.clean).money FINAL"), ("curated", "\(fixture.curated).money")] {
            let actual = try fixture.clickhouse("""
                SELECT id, amount, whole, toUInt32(at), at_us, toUInt32(wall), wall_us
                FROM \(from) ORDER BY id FORMAT TabSeparated
                """)
            #expect(actual == expected, "\(layer):\n\(actual)\nPostgreSQL:\n\(expected)")
        }
    }

    @Test func rowsSoftDeletedAfterTheirLoadAreFlaggedDeleted() throws {
        let fixture = try ScratchPipeline(setup: """
            CREATE TABLE accounts (id bigint PRIMARY KEY, name text, deleted_at timestamptz, updated_at timestamptz NOT NULL);
            INSERT INTO accounts SELECT g, 'account ' || g, NULL, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second'
            FROM generate_series(1, 100) g;
            """)
        defer { fixture.tearDown() }
        let config = try fixture.pipeline(table: """
              - name: accounts
                primary_key: [id]
                cursor: updated_at
                deleted_when: "deleted_at IS NOT NULL"
                columns:
                  - {name: id, type: int64, nullable: false}
                  - {name: name, type: string}
                  - {name: updated_at, type: timestamptz, nullable: false}
            """)
        #expect(try fixture.run(config).status == 0)
        // 25 rows are soft-deleted after they were loaded; the deletion moves the cursor, as any change does.
        try fixture.psql("UPDATE accounts SET deleted_at = '2024-02-01', updated_at = '2024-02-01 00:00:00+00' WHERE id % 4 = 0")
        let second = try fixture.run(config)
        #expect(second.status == 0, "\(second.output.suffix(3000))")
        let live = try fixture.clickhouse("""
            SELECT count(), sum(id) FROM \(fixture.clean).accounts FINAL WHERE _sluice_deleted = 0 FORMAT TabSeparated
            """).trimmed
        let expected = try fixture.psql("SELECT count(*) || E'\\t' || sum(id) FROM accounts WHERE deleted_at IS NULL").trimmed
        #expect(live == expected, "live rows in ClickHouse differ from PostgreSQL")
        #expect(try fixture.clickhouse("SELECT count() FROM \(fixture.clean).accounts FINAL WHERE _sluice_deleted = 1").trimmed == "25")
    }

    @Test func aLateCommitBehindTheBookmarkIsLoadedByDefault() throws {
        let fixture = try ScratchPipeline(setup: """
            CREATE TABLE items (id bigint PRIMARY KEY, name text, updated_at timestamptz NOT NULL);
            INSERT INTO items SELECT g, 'item ' || g, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second'
            FROM generate_series(1, 100) g;
            """)
        defer { fixture.tearDown() }
        // No `lag` key: the default must be safe.
        let config = try fixture.pipeline(table: """
              - name: items
                primary_key: [id]
                cursor: updated_at
                columns:
                  - {name: id, type: int64, nullable: false}
                  - {name: name, type: string}
                  - {name: updated_at, type: timestamptz, nullable: false}
            """)
        #expect(try fixture.run(config).status == 0)
        // A transaction took its cursor value 10 s before the bookmark but committed after the run.
        try fixture.psql("INSERT INTO items VALUES (101, 'late', '2024-01-01 00:01:30+00')")
        #expect(try fixture.run(config).status == 0)
        #expect(try fixture.clickhouse("SELECT count() FROM \(fixture.clean).items FINAL WHERE id = 101").trimmed == "1",
                "the late row was skipped for good")
    }

    @Test func aTableThatFailsHalfWayLoadsNothingAndSaysSo() throws {
        let fixture = try ScratchPipeline(setup: """
            CREATE TABLE items (id bigint PRIMARY KEY, name text, updated_at timestamptz NOT NULL);
            INSERT INTO items SELECT g, 'item ' || g, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second'
            FROM generate_series(1, 300) g;
            """)
        defer { fixture.tearDown() }
        // Two tasks: the first stages its 150 rows, the second fails in PostgreSQL half-way through its COPY, a second
        // after it starts (so the first has surely staged). Staged rows wait for the whole table: none are committed.
        let config = try fixture.pipeline(table: """
              - name: items
                primary_key: [id]
                cursor: updated_at
                partition: {strategy: predicates, predicates: ["id <= 150", "id > 150 AND (SELECT pg_sleep(1)) IS NOT NULL AND 1 / (id - 250) IS NOT NULL"]}
                columns:
                  - {name: id, type: int64, nullable: false}
                  - {name: name, type: string}
                  - {name: updated_at, type: timestamptz, nullable: false}
            """)
        let run = try fixture.run(config)
        #expect(run.status == 1)
        let inClickHouse = Int(try fixture.clickhouse("SELECT count() FROM \(fixture.clean).items").trimmed) ?? -1
        #expect(inClickHouse == 0)
        #expect(run.table["rows_loaded"] as? Int == 0, "the report must say what reached ClickHouse")
        // Per task: the first staged and was never committed, the second failed and says why.
        let tasks = run.table["tasks"] as? [[String: Any]] ?? []
        #expect(tasks.map { $0["status"] as? String } == ["cancelled", "failed"])
        #expect((tasks.first?["attempts"] as? [[String: Any]])?.first?["outcome"] as? String == "staged")
        #expect((tasks.last?["attempts"] as? [[String: Any]])?.first?["error"] as? String ?? "" != "")
        #expect(run.output.contains("items: nothing of this run was loaded"), "the summary says so too:\n\(run.output.suffix(2000))")
        // What the first task staged is gone too.
        let leftovers = try fixture.clickhouse("SELECT count() FROM system.tables WHERE database = '\(fixture.clean)' AND name LIKE '%sluice_stage%'")
        #expect(leftovers.trimmed == "0")
    }

    @Test func aRowLoadedTwiceIsCaughtByTheRawCount() throws {
        let fixture = try ScratchPipeline(setup: """
            CREATE TABLE items (id bigint PRIMARY KEY, name text, updated_at timestamptz NOT NULL);
            INSERT INTO items SELECT g, 'item ' || g, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second'
            FROM generate_series(1, 200) g;
            """)
        defer { fixture.tearDown() }
        let config = try fixture.pipeline(table: """
              - name: items
                primary_key: [id]
                cursor: updated_at
                partition: {column: id, count: 4}
                columns:
                  - {name: id, type: int64, nullable: false}
                  - {name: name, type: string}
                  - {name: updated_at, type: timestamptz, nullable: false}
            """)
        let first = try fixture.run(config)
        #expect(first.status == 0)
        try fixture.clickhouse("SYSTEM STOP MERGES \(fixture.clean).items")
        let second = try fixture.run(config)  // the default lag reads the last five minutes again: all 200 rows
        let loaded = (first.table["rows_loaded"] as? Int ?? -1) + (second.table["rows_loaded"] as? Int ?? -1)
        #expect(second.table["rows_extracted"] as? Int == 200)
        #expect(try fixture.rawCount("items") == loaded, "every row in ClickHouse was loaded by a run, once")
        // Plant a doubled row, as a retry that committed twice would: FINAL cannot see it, the raw count does.
        try fixture.clickhouse("INSERT INTO \(fixture.clean).items SELECT * FROM \(fixture.clean).items WHERE id = 7 LIMIT 1")
        #expect(try fixture.clickhouse("SELECT count() FROM \(fixture.clean).items FINAL").trimmed == "200")
        #expect(try fixture.rawCount("items") == loaded + 1, "the planted row is caught")
    }
}

/// A private PostgreSQL database set up by `setup`, private ClickHouse databases and a staging directory, with
/// pipelines whose `tables:` entries the test writes. Removed by ``tearDown()``.
struct ScratchPipeline {
    let env: TestEnvironment
    let database: String
    let clean: String
    let metadata: String
    let curated: String
    let directory: String

    init(setup: String) throws {
        env = try TestEnvironment.load()
        database = try env.createDatabase(prefix: "exact")
        let suffix = UInt32.random(in: 0...UInt32.max)
        clean = "exact_clean_\(suffix)"
        metadata = "exact_meta_\(suffix)"
        curated = "exact_cur_\(suffix)"
        directory = NSTemporaryDirectory() + "sluice-exact-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try env.psql(database, setup)
    }

    func tearDown() {
        env.dropDatabase(database)
        _ = try? env.clickhouse("DROP DATABASE IF EXISTS \(clean)")
        _ = try? env.clickhouse("DROP DATABASE IF EXISTS \(metadata)")
        _ = try? env.clickhouse("DROP DATABASE IF EXISTS \(curated)")
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A pipeline over this fixture's databases whose `tables:` list is `table` (YAML indented by two spaces), reading
    /// from the fixture's PostgreSQL database unless `source` gives another connector's section (`parquet: {...}`).
    func pipeline(table: String, run: String = "{heartbeat_interval: 500ms, executor_timeout: 3s, retries: 1}",
                  source: String? = nil) throws -> String {
        let text = """
        pipeline: exactness
        source:
          \(source ?? "postgres: {host: \"${PGHOST}\", port: \"${PGPORT}\", database: \(database), user: \"${PGUSER}\", password: \"${PGPASSWORD}\"}")
        sink:
          clickhouse: {url: "${SLUICE_CLICKHOUSE_URL}", user: "${SLUICE_CLICKHOUSE_USER}", password: "${SLUICE_CH_PASSWORD}",
                       database: \(clean), metadata_database: \(metadata), curated_database: \(curated)}
        staging: {directory: \(directory)/staging}
        run: \(run)
        tables:
        \(table)
        """
        let path = directory + "/pipeline-\(UUID().uuidString).yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    struct Outcome {
        var status: Int32
        var output: String
        /// The first table of the JSON report.
        var table: [String: Any]
        var report: [String: Any]
    }

    func run(_ config: String, _ extra: [String] = [], executors: Int = 2, environment: [String: String] = [:]) throws -> Outcome {
        let reportPath = directory + "/report-\(UUID().uuidString).json"
        let result = try Shell.execute(Paths.sluice, ["run", "--config", config, "--local", "\(executors)", "--report", reportPath] + extra,
                                       environment: environment)
        let json = (try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: reportPath)))) as? [String: Any]
        let table = (json?["tables"] as? [[String: Any]])?.first ?? [:]
        return Outcome(status: result.status, output: result.stdout + result.stderr, table: table, report: json ?? [:])
    }

    @discardableResult
    func clickhouse(_ sql: String) throws -> String { try env.clickhouse(sql) }

    /// Every version in a clean table (no FINAL).
    func rawCount(_ table: String) throws -> Int {
        Int(try env.clickhouse("SELECT count() FROM \(clean).\(table)").trimmed) ?? -1
    }

    @discardableResult
    func psql(_ sql: String) throws -> String { try env.psql(database, sql) }
}
