import Foundation
import SluiceConfig
import SluiceCore
import SluiceDriver
import SluiceReport
import SluiceScheduler
import Testing

@Suite struct RetrySettingsTests {
    /// The defaults of `run:` as the scheduler gets them, and the arithmetic the documentation promises: the waits
    /// before the 2nd, 3rd and 4th attempts are 5, 10 and 20 s (plus up to a quarter each), so a task outlasts an
    /// outage of 35 s at least.
    @Test func theDefaultsOutlastAThirtySecondOutage() {
        let policy = RunSettings().retryPolicy
        #expect(policy == RetryPolicy(retries: 3, backoff: .seconds(5), backoffMax: .seconds(30), jitter: 0.25, excludeExecutorAfter: 3))
        #expect(policy.shortestTotalWait == .seconds(35) && policy.shortestTotalWait > .seconds(30))
    }

    /// The liveness defaults (a 10 min stall timeout, no speculation, every table at once, no fail-fast) and the
    /// keys that change them, as the scheduler gets them; `task_stall_timeout: 0` turns the timeout off.
    @Test func livenessSettingsReachTheScheduler() throws {
        #expect(RunSettings().schedulingPolicy == SchedulingPolicy(stallTimeout: .seconds(600)))
        func load(_ speculation: String) throws -> RunSettings {
            let path = NSTemporaryDirectory() + "sluice-run-\(UUID().uuidString).yaml"
            defer { try? FileManager.default.removeItem(atPath: path) }
            try """
                pipeline: p
                source: {postgres: {host: h, database: d, user: u}}
                sink: {clickhouse: {url: "http://h:8123"}}
                staging: {directory: /tmp/s}
                run: {task_stall_timeout: 0, max_parallel_tables: 2, fail_fast: true, speculation: \(speculation)}
                tables:
                  - {name: t, primary_key: [id], columns: [{name: id, type: int64, nullable: false}]}
                """.write(toFile: path, atomically: true, encoding: .utf8)
            return try PipelineLoader(environment: [:]).load(path: path).run
        }
        let run = try load("{enabled: true, multiplier: 2, min_runtime: 1m, quantile: 0.5}")
        #expect(run.schedulingPolicy == SchedulingPolicy(
            stallTimeout: nil, speculation: SpeculationPolicy(multiplier: 2, minimumRuntime: .seconds(60), quantile: 0.5),
            maxParallelTables: 2, failFast: true))
        let error = #expect(throws: SluiceError.self) { try load("{enabled: true, quantile: 2}") }
        #expect(error?.context.key == "run.speculation.quantile" && error?.message.contains("0...1") == true, "\(String(describing: error))")
    }

    @Test func theReportNamesExcludedExecutors() throws {
        let excluded = ExcludedExecutorReport(executor: "pod-2", failures: 3, error: "cannot connect to 10.0.0.7:8123 [http_unreachable]")
        let report = RunReport(runID: "r1", pipeline: "p", startedAt: "2025-01-01T00:00:00Z", seconds: 1, tables: [],
                               excludedExecutors: [excluded])
        #expect(report.text.contains("executor pod-2 was excluded after 3 failed attempts in a row while other executors completed theirs"))
        let json = try JSONSerialization.jsonObject(with: report.json()) as? [String: Any]
        let listed = json?["excluded_executors"] as? [[String: Any]]
        #expect(listed?.first?["executor"] as? String == "pod-2" && listed?.first?["failures"] as? Int == 3)
    }
}
