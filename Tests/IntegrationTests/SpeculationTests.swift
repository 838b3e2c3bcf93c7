import Foundation
import Testing

/// Speculative execution with real processes: one task's first attempt is held back on its executor (the test-only
/// knob SLUICE_TEST_SLOW_FIRST_ATTEMPT), its speculative copy runs on the other executor and wins, the slow attempt
/// is cancelled, and the clean layer holds every source row exactly once.
@Suite(.serialized) struct SpeculationTests {
    @Test func aSpeculativeCopyOvertakesASlowAttemptAndRowsLoadOnce() throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env, rows: 2_000)
        defer { fixture.tearDown() }
        let config = try fixture.pipeline(partitions: 4, run: """
            {heartbeat_interval: 500ms, executor_timeout: 3s, speculation: {enabled: true, multiplier: 1.5, min_runtime: 2s, quantile: 0.5}}
            """)
        let started = ContinuousClock.now
        // The first attempt of partition 0 would wait 120 s before it starts: only a copy can finish the run sooner.
        let run = try fixture.run(config, environment: ["SLUICE_TEST_SLOW_FIRST_ATTEMPT": "items#0:120"])
        #expect(run.status == 0, "\(run.output.suffix(3000))")
        #expect(ContinuousClock.now - started < .seconds(90), "the run waited for the slow attempt")

        #expect(try fixture.rawCount() == 2_000, "every row once: the cancelled attempt loaded nothing")
        #expect(try fixture.differences().isEmpty)
        #expect(try env.clickhouse("SELECT count() FROM system.tables WHERE database = '\(fixture.clean)'").trimmed == "1",
                "no staging table of either attempt is left")

        let tasks = run.table["tasks"] as? [[String: Any]] ?? []
        let slow = try #require(tasks.first { $0["partition"] as? Int == 0 })
        let attempts = slow["attempts"] as? [[String: Any]] ?? []
        #expect(attempts.count == 2, "\(attempts)")
        let first = attempts.first { $0["attempt"] as? Int == 1 }
        let copy = attempts.first { $0["attempt"] as? Int == 2 }
        #expect(first?["outcome"] as? String == "cancelled" && first?["speculative"] == nil, "\(attempts)")
        #expect(copy?["outcome"] as? String == "committed" && copy?["speculative"] as? Bool == true, "\(attempts)")
        #expect(copy?["executor"] as? String != first?["executor"] as? String, "the copy ran on the other executor")
        #expect(run.output.contains("task.speculate"))
    }
}
