import Foundation
import Testing

/// Executors as a Kubernetes Deployment runs them: started before any driver, serving one run after another, and
/// stopped by SIGTERM in a rollout without losing or doubling work.
@Suite(.serialized) struct ExecutorLifecycleTests {
    let token = "lifecycle-test-token-0123456789"

    /// `sluice driver` for `config` at `address`, once it listens.
    func startDriver(_ config: String, at address: String, report: String? = nil) async throws -> Child {
        let driver = try Child(Paths.sluice, ["driver", "--config", config, "--listen", address] + (report.map { ["--report", $0] } ?? []),
                               environment: ["SLUICE_TOKEN": token])
        #expect(await driver.waitFor("driver.listening", seconds: 90), "driver did not start:\n\(driver.text)")
        return driver
    }

    /// `sluice executor` joining `address` as `id`.
    func startExecutor(_ id: String, at address: String, _ extra: [String] = []) throws -> Child {
        try Child(Paths.sluice, ["executor", "--connect", address, "--id", id] + extra, environment: ["SLUICE_TOKEN": token])
    }

    @Test func anExecutorWaitsForDriversAndServesOneRunAfterAnother() async throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env)
        defer { fixture.tearDown() }
        // Each task takes 2 s in PostgreSQL, so that a run outlasts the longest wait between two attempts to connect
        // (2 s) and both executors join it.
        let config = try fixture.pipeline(table: "    filters: [\"(SELECT pg_sleep(2)) IS NOT NULL\"]")
        let port = freePort()
        let address = "127.0.0.1:\(port)"
        // Both executors start before any driver exists: one stays for every run, one leaves after its first.
        let worker = try startExecutor("pod-stays", at: address, ["--slots", "2"])
        defer { if worker.process.isRunning { kill(worker.process.processIdentifier, SIGKILL) } }
        let once = try startExecutor("pod-once", at: address, ["--once"])
        #expect(await worker.waitFor("executor.waiting_for_driver", seconds: 30), "\(worker.text)")
        // Let the backoff reach its cap, so the test shows that a waiting executor logs rarely.
        #expect(await worker.waitFor("\"sluice.attempts\":\"8\"", seconds: 30), "\(worker.text)")

        let first = try await startDriver(config, at: address)
        #expect(await first.wait(seconds: 120) == 0, "first run failed:\n\(first.text.suffix(3000))")
        #expect(await once.wait(seconds: 30) == 0, "the --once executor leaves after its run:\n\(once.text.suffix(2000))")
        #expect(first.text.contains("pod-stays") && first.text.contains("pod-once"))
        #expect(try fixture.rawCount() == 2_000)

        // The next run (incremental: 500 new rows) is served by the same executor process.
        try env.psql(fixture.database, """
            INSERT INTO items SELECT g, 'item ' || g, date '2000-01-01' + g, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second'
            FROM generate_series(2001, 2500) g
            """)
        #expect(worker.process.isRunning, "the executor waits for the next driver:\n\(worker.text.suffix(2000))")
        let second = try await startDriver(config, at: address)
        #expect(await second.wait(seconds: 120) == 0, "second run failed:\n\(second.text.suffix(3000))")
        #expect(second.text.contains("pod-stays"))
        #expect(!second.text.contains("pod-once"))
        #expect(try fixture.clickhouseCount() == 2_500)
        #expect(try fixture.rawCount() == 2_500, "each row loaded once")
        #expect(try fixture.differences().isEmpty)
        #expect(worker.text.components(separatedBy: "\"executor.run_config\"").count - 1 == 2,
                "one process served both runs:\n\(worker.text.suffix(3000))")

        // It logged its waits rarely: the 1st, 2nd, 4th, 8th, ... failed attempt, not the 3rd or the 5th to 7th.
        #expect(!worker.text.contains("\"sluice.attempts\":\"3\"") && !worker.text.contains("\"sluice.attempts\":\"7\""),
                "\(worker.text.suffix(3000))")

        // SIGTERM while it waits for a driver: it leaves at once, with status 0.
        kill(worker.process.processIdentifier, SIGTERM)
        #expect(await worker.wait(seconds: 10) == 0, "\(worker.text.suffix(2000))")
    }

    @Test func sigtermMidTaskHandsTheTaskBackAndTheRunLosesAndDoublesNothing() async throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env)
        defer { fixture.tearDown() }
        // Every task sits 4 s in PostgreSQL, so the executor is surely mid-task when it is stopped.
        let config = try fixture.pipeline(table: "    filters: [\"(SELECT pg_sleep(4)) IS NOT NULL\"]", partitions: 4)
        let report = fixture.directory + "/report.json"
        let address = "127.0.0.1:\(freePort())"
        let driver = try await startDriver(config, at: address, report: report)
        // A long grace period: the second signal is what cuts it short.
        let leaving = try startExecutor("pod-leaving", at: address, ["--grace-period", "60"])
        defer { if leaving.process.isRunning { kill(leaving.process.processIdentifier, SIGKILL) } }
        #expect(await leaving.waitFor("executor.run_config", seconds: 60), "\(leaving.text)")
        let staying = try startExecutor("pod-staying", at: address, ["--once"])
        #expect(await driver.waitFor("pod-staying", seconds: 30))

        let stopped = Date()
        kill(leaving.process.processIdentifier, SIGTERM)
        #expect(await driver.waitFor("executor.draining", seconds: 10), "the driver heard it drain:\n\(driver.text.suffix(2000))")
        #expect(await leaving.waitFor("executor.draining", seconds: 10))
        kill(leaving.process.processIdentifier, SIGTERM)
        #expect(await leaving.wait(seconds: 20) == 0, "a drained executor exits 0:\n\(leaving.text.suffix(3000))")
        #expect(Date().timeIntervalSince(stopped) < 15, "the second signal cut the 60 s grace period short")
        #expect(leaving.text.contains("executor.tasks.handed_back"), "\(leaving.text.suffix(3000))")

        #expect(await driver.wait(seconds: 120) == 0, "run failed:\n\(driver.text.suffix(3000))")
        #expect(await staying.wait(seconds: 30) == 0)
        #expect(driver.text.contains("task.handed_back"))
        #expect(!driver.text.contains("executor.lost"), "a drained executor is not lost:\n\(driver.text.suffix(3000))")
        #expect(try fixture.clickhouseCount() == 2_000)
        #expect(try fixture.rawCount() == 2_000, "the handed-back attempt committed nothing; each row is in once")
        #expect(try fixture.differences().isEmpty)
        #expect(try fixture.differences(in: .curated).isEmpty)

        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any]
        #expect((json?["tables"] as? [[String: Any]])?.first?["rows_loaded"] as? Int == 2_000)
        let attempts = try fixture.attempts(inReport: report)
        let handedBack = attempts.filter { $0["outcome"] as? String == "handed_back" }
        #expect(handedBack.count >= 1, "the report shows the handed-back attempt: \(attempts)")
        #expect(handedBack.allSatisfy { ($0["executor"] as? String)?.hasPrefix("pod-leaving") == true })
        #expect(!attempts.contains { $0["outcome"] as? String == "failed" || $0["outcome"] as? String == "lost" })
        #expect(json?["excluded_executors"] == nil || (json?["excluded_executors"] as? [Any])?.isEmpty == true)
    }

    @Test func aTaskThatFinishesWithinTheGracePeriodIsReportedNotHandedBack() async throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env, rows: 200)
        defer { fixture.tearDown() }
        let config = try fixture.pipeline(table: "    filters: [\"(SELECT pg_sleep(3)) IS NOT NULL\"]", partitions: 2)
        let address = "127.0.0.1:\(freePort())"
        let report = fixture.directory + "/report.json"
        let driver = try await startDriver(config, at: address, report: report)
        let leaving = try startExecutor("pod-leaving", at: address, ["--grace-period", "30"])
        defer { if leaving.process.isRunning { kill(leaving.process.processIdentifier, SIGKILL) } }
        #expect(await leaving.waitFor("executor.run_config", seconds: 60), "\(leaving.text)")
        kill(leaving.process.processIdentifier, SIGTERM)
        // Its one running task ends within the grace period and is reported; the other task waits for a new executor.
        #expect(await leaving.wait(seconds: 25) == 0, "\(leaving.text.suffix(3000))")
        #expect(!leaving.text.contains("executor.tasks.handed_back"), "\(leaving.text.suffix(3000))")
        let staying = try startExecutor("pod-staying", at: address, ["--once"])
        #expect(await driver.wait(seconds: 120) == 0, "run failed:\n\(driver.text.suffix(3000))")
        #expect(await staying.wait(seconds: 30) == 0)
        #expect(try fixture.rawCount() == 200)
        #expect(try fixture.differences().isEmpty)
        let attempts = try fixture.attempts(inReport: report)
        #expect(attempts.contains { ($0["executor"] as? String)?.hasPrefix("pod-leaving") == true && $0["outcome"] as? String == "committed" },
                "the draining executor's task counts: \(attempts)")
        #expect(!attempts.contains { $0["outcome"] as? String == "handed_back" })
    }
}
