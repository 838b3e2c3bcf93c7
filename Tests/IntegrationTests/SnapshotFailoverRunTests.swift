import Foundation
import Testing

/// The run's exported snapshot lost mid-run, with real processes: its session terminated with
/// `pg_terminate_backend` (on the shared server, in the test's own database), and the whole server restarted (a
/// private one). Both runs succeed with a replacement snapshot, load every row once, and say in the report which
/// partitions read which snapshot.
@Suite(.serialized) struct SnapshotFailoverRunTests {
    /// Every task sleeps 2 s inside PostgreSQL before it streams (one task per executor at a time, so 6 partitions
    /// run in three waves of two): the fault lands while the first wave runs, before the others start.
    static let slowRead = "    filters: [\"(SELECT pg_sleep(2)) IS NOT NULL\"]"

    /// `fixture`'s pipeline with the snapshot checked every 500 ms.
    func pipeline(_ fixture: PipelineFixture, run: String) throws -> String {
        let path = try fixture.pipeline(table: Self.slowRead, partitions: 6, run: run)
        let text = try String(contentsOfFile: path, encoding: .utf8)
            .replacingOccurrences(of: "password: \"${PGPASSWORD}\"}", with: "password: \"${PGPASSWORD}\", snapshot_check_interval: 500ms}")
        #expect(text.contains("snapshot_check_interval"))
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Waits until `count` COPY statements run in the fixture's database (the first wave of tasks has joined the
    /// snapshot and streams).
    func waitForCopies(_ count: Int, _ fixture: PipelineFixture, run: Child) async throws -> Bool {
        let deadline = Date().addingTimeInterval(90)
        while Date() < deadline, run.process.isRunning {
            let active = try fixture.env.psql(fixture.database, """
                SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND query LIKE 'COPY%'
                """).trimmed
            if Int(active) ?? 0 >= count { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    func report(_ path: String) throws -> [String: Any] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
        return try #require((json?["tables"] as? [[String: Any]])?.first)
    }

    @Test func aTerminatedSnapshotSessionIsReplacedAndTheBookmarkStaysWithTheFirstSnapshot() async throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env, rows: 6_000)
        defer { fixture.tearDown() }
        let config = try pipeline(fixture, run: "{heartbeat_interval: 500ms, executor_timeout: 5s, retries: 3, retry_backoff: 200ms}")
        let reportPath = fixture.directory + "/report.json"
        let run = try Child(Paths.sluice, ["run", "--config", config, "--local", "2", "--report", reportPath])
        #expect(try await waitForCopies(2, fixture, run: run), "the first wave never streamed:\n\(run.text.suffix(3000))")

        // Partition 0 (ids 1-1000) streams in the first snapshot now. Row 1 changes after that snapshot, and so does
        // row 6000 of the last partition, which the replacement will read: its new cursor is larger than row 1's.
        try env.psql(fixture.database, """
            UPDATE items SET updated_at = timestamptz '2024-01-02 00:00:00+00' WHERE id = 1;
            UPDATE items SET updated_at = timestamptz '2024-01-03 00:00:00+00' WHERE id = 6000;
            """)
        let terminated = try Shell.run("psql", ["-A", "-t", "-q", "-d", "postgres", "-U", "postgres", "-c", """
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(fixture.database)' AND application_name = 'sluice snapshot'
            """], environment: ["PGPASSWORD": env.pgSuperPassword]).trimmed
        #expect(terminated == "t", "one snapshot session was terminated: \(terminated)")

        #expect(await run.wait(seconds: 180) == 0, "the run failed:\n\(run.text.suffix(4000))")
        #expect(run.text.contains("postgres.snapshot.replaced"), "\(run.text.suffix(3000))")
        let table = try report(reportPath)
        let warnings = table["warnings"] as? [String] ?? []
        #expect(warnings.contains { $0.contains("the partitions read 2 views: partitions 0-1 read snapshot") && $0.contains("(the run's first); partitions 2-5 read snapshot") },
                "\(warnings)")

        // Every row once; row 1 as the first snapshot saw it, row 6000 as the replacement did.
        #expect(try fixture.rawCount() == 6_000, "no row was loaded twice")
        let differences = try fixture.differences()
        #expect(differences.count == 1 && differences.first?.hasPrefix("PostgreSQL 1\t") == true,
                "only row 1 differs, read before it changed: \(differences)")
        #expect(try env.clickhouse("SELECT toString(updated_at) FROM \(fixture.clean).items WHERE id = 1 FORMAT TabSeparated").trimmed
                    == "2024-01-01 00:00:01")
        // The bookmark stops where the first snapshot's partitions reached (row 2000), not at row 6000's new value,
        // which would skip row 1's change forever.
        #expect(try fixture.bookmark() == "2024-01-01 00:33:20.000000Z")

        let next = try fixture.run(try fixture.pipeline(partitions: 6))
        #expect(next.status == 0, "\(next.output.suffix(3000))")
        #expect(try fixture.differences().isEmpty, "the next run caught row 1's change")
        #expect(try fixture.differences(in: .curated).isEmpty)
        #expect(try fixture.rawCount() == 6_000 + 4_001, "the next run read rows 2001-6000 and row 1 again, nothing else")
        #expect(try fixture.bookmark() == "2024-01-03 00:00:00.000000Z")
    }

    @Test func aPostgreSQLRestartMidRunIsOutlastedWithANewSnapshot() async throws {
        let server = try PrivatePostgres.start()
        defer { server.stop() }
        let env = try TestEnvironment.load().withPostgres(port: server.port)
        let fixture = try PipelineFixture(env: env, rows: 6_000)
        defer { fixture.tearDown() }
        let config = try pipeline(fixture, run: "{heartbeat_interval: 500ms, executor_timeout: 5s, retries: 4, retry_backoff: 1s}")
        let reportPath = fixture.directory + "/report.json"
        let run = try Child(Paths.sluice, ["run", "--config", config, "--local", "2", "--report", reportPath], environment: env.overrides)
        #expect(try await waitForCopies(2, fixture, run: run), "the first wave never streamed:\n\(run.text.suffix(3000))")
        try server.restart()

        #expect(await run.wait(seconds: 180) == 0, "the run failed:\n\(run.text.suffix(4000))")
        #expect(run.text.contains("postgres.snapshot.replaced"), "\(run.text.suffix(3000))")
        let table = try report(reportPath)
        let tasks = table["tasks"] as? [[String: Any]] ?? []
        #expect(tasks.count == 6 && tasks.allSatisfy { $0["status"] as? String == "committed" })
        let failed = tasks.flatMap { $0["attempts"] as? [[String: Any]] ?? [] }.filter { $0["outcome"] as? String == "failed" }
        #expect(failed.count >= 2 && failed.allSatisfy { $0["retryable"] as? Bool == true },
                "the first wave's attempts broke with the restart and were retried: \(failed)")
        let warnings = table["warnings"] as? [String] ?? []
        #expect(warnings.contains { $0.contains("partitions 0-5 read snapshot") }, "every committed partition read the replacement: \(warnings)")

        #expect(try fixture.clickhouseCount() == 6_000)
        #expect(try fixture.rawCount() == 6_000, "no row was loaded twice")
        #expect(try fixture.differences().isEmpty)
        #expect(try fixture.differences(in: .curated).isEmpty)
        #expect(try fixture.bookmark() == "2024-01-01 01:40:00.000000Z", "one snapshot behind every committed partition: no cap")
    }
}
