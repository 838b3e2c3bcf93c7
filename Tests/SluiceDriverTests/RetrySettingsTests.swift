import Foundation
import SluiceConfig
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
