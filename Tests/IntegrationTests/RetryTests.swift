import Foundation
import Testing

/// Retries against the real servers and processes: an error no retry can fix fails the table at its first attempt,
/// and ClickHouse going away for a while is outlasted by the backoff, loading every row exactly once.
@Suite(.serialized) struct RetryTests {
    @Test func anErrorRetryingCannotFixFailsTheTableAfterOneAttemptPerTask() throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env, rows: 100)
        defer { fixture.tearDown() }
        // PostgreSQL rejects the filter once the tasks run it (division by zero, SQLSTATE 22012); planning explicit
        // partitions only EXPLAINs them, so the table gets its two tasks. A retry would wait 10 s.
        let config = try fixture.pipeline(
            table: "    filters: [\"1 / (id - id) = 0\"]",
            partition: "{strategy: predicates, predicates: [\"id <= 50\", \"id > 50\"]}",
            run: "{heartbeat_interval: 500ms, executor_timeout: 3s, retries: 3, retry_backoff: 10s}")
        let run = try fixture.run(config)
        #expect(run.status == 1, "\(run.output.suffix(2000))")
        let tasks = run.table["tasks"] as? [[String: Any]] ?? []
        let attempts = tasks.map { $0["attempts"] as? [[String: Any]] ?? [] }
        #expect(tasks.count == 2)
        #expect(attempts.allSatisfy { $0.count <= 1 }, "no task was tried twice: \(attempts)")
        let all = attempts.flatMap { $0 }
        #expect(!all.isEmpty && run.table["attempts"] as? Int == all.count)
        // The first failure ends the table and the run: the other task's attempt failed the same way, or was still
        // running when the executors were told to stop (then it is lost, and not retried either).
        let failed = all.filter { $0["outcome"] as? String == "failed" }
        #expect(!failed.isEmpty && all.allSatisfy { ["failed", "lost"].contains($0["outcome"] as? String ?? "") }, "\(all)")
        for attempt in failed {
            #expect(attempt["retryable"] as? Bool == false, "\(attempt)")
            #expect((attempt["error"] as? String)?.contains("division by zero") == true, "\(attempt)")
        }
        #expect(all.allSatisfy { $0["retry_after_seconds"] == nil }, "nothing was retried: \(all)")
        #expect((run.table["error"] as? String)?.contains("SQLSTATE 22012") == true, "\(run.table)")
        // The table's own time (the process may wait up to 10 s more for a local executor that had not joined yet).
        let tableSeconds = run.table["seconds"] as? Double ?? .infinity
        #expect(tableSeconds < 10, "nothing waited for a backoff (the table took \(tableSeconds) s)")
        #expect(!run.output.contains("task.retry"))
        #expect(try fixture.rawCount() == 0, "nothing was loaded")
    }

    @Test func clickHouseGoneForTenSecondsIsOutlastedWithTheDefaultBackoff() async throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env, rows: 2_000)
        defer { fixture.tearDown() }
        // ClickHouse behind a proxy that, at the first insert, cuts every connection and refuses new ones for 10 s.
        let upstream = try #require(URL(string: env.clickhouseURL))
        let proxy = try Child("/usr/bin/env", [
            "python3", Paths.repository.appendingPathComponent("Tests/IntegrationTests/Tools/outage_proxy.py").path,
            upstream.host ?? "127.0.0.1", "\(upstream.port ?? 8123)", "10",
        ])
        defer { kill(proxy.process.processIdentifier, SIGKILL) }
        #expect(await proxy.waitFor("LISTENING", seconds: 10))
        let port = try #require(proxy.text.split(separator: "\n").first { $0.hasPrefix("LISTENING") }.flatMap { Int($0.split(separator: " ")[1]) })
        // The default retries and backoff (no retry settings in `run:`): waits of 5, 10 and 20 s, so the third attempt
        // comes 15 s after the first failure at least, past the 10 s outage.
        let text = try String(contentsOfFile: try fixture.pipeline(partitions: 4, run: "{heartbeat_interval: 500ms, executor_timeout: 3s}"),
                              encoding: .utf8)
            .replacingOccurrences(of: "url: \"${SLUICE_CLICKHOUSE_URL}\"", with: "url: \"http://127.0.0.1:\(port)\"")
        let path = fixture.directory + "/behind-outage-proxy.yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let report = fixture.directory + "/report.json"
        let run = try Child(Paths.sluice, ["run", "--config", path, "--local", "2", "--report", report])
        #expect(await proxy.waitFor("OUTAGE", seconds: 90), "no insert reached the proxy:\n\(run.text.suffix(2000))")
        let status = await run.wait(seconds: 180)
        #expect(status == 0, "the run did not outlast the outage:\n\(run.text.suffix(4000))")
        #expect(proxy.text.contains("BACK"))

        #expect(try fixture.rawCount() == 2_000, "every row once: no failed attempt left rows, none was committed twice")
        #expect(try fixture.differences().isEmpty)
        #expect(try fixture.differences(in: .curated).isEmpty)
        #expect(try env.clickhouse("SELECT count() FROM system.tables WHERE database = '\(fixture.clean)'").trimmed == "1",
                "the failed attempts' staging tables were removed")

        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any]
        let table = try #require((json?["tables"] as? [[String: Any]])?.first)
        #expect(table["rows_loaded"] as? Int == 2_000 && table["rows_extracted"] as? Int == 2_000)
        #expect(json?["excluded_executors"] as? [Any] != nil && (json?["excluded_executors"] as? [Any])?.isEmpty == true,
                "an outage under every executor excludes none")
        let tasks = table["tasks"] as? [[String: Any]] ?? []
        #expect(tasks.count == 4 && tasks.allSatisfy { $0["status"] as? String == "committed" })
        let attempts = tasks.flatMap { $0["attempts"] as? [[String: Any]] ?? [] }
        let failed = attempts.filter { $0["outcome"] as? String == "failed" }
        #expect(!failed.isEmpty && (table["attempts"] as? Int ?? 0) > 4, "the outage cost attempts: \(attempts)")
        for attempt in failed {
            #expect(attempt["retryable"] as? Bool == true, "\(attempt)")
            #expect((attempt["retry_after_seconds"] as? Double ?? 0) >= 5, "each retry waited its backoff: \(attempt)")
        }
        #expect(failed.contains { ($0["error"] as? String)?.contains("connection refused") == true },
                "ClickHouse refused connections during the outage: \(failed)")
        #expect(attempts.allSatisfy { ($0["attempt"] as? Int ?? 0) <= 4 })
        #expect(run.text.contains("task.retry"))
    }
}
