import SluiceScheduler
import Testing

@Suite struct RetryPolicyTests {
    /// (backoff, max, jitter, failed attempt, random draw) → wait.
    static let delays: [(Duration, Duration, Double, UInt32, Double, Duration)] = [
        (.seconds(5), .seconds(30), 0, 1, 0, .seconds(5)),
        (.seconds(5), .seconds(30), 0, 2, 0, .seconds(10)),
        (.seconds(5), .seconds(30), 0, 3, 0, .seconds(20)),
        (.seconds(5), .seconds(30), 0, 4, 0, .seconds(30)),   // capped
        (.seconds(5), .seconds(30), 0, 60, 0, .seconds(30)),  // no overflow however many attempts
        (.seconds(5), .seconds(30), 0.25, 1, 0.5, .milliseconds(5_625)),
        (.seconds(5), .seconds(30), 0.25, 4, 0.999, .seconds(30) + .seconds(30) * (0.25 * 0.999)),
        (.seconds(1), .seconds(1), 0, 3, 0, .seconds(1)),     // max below the doubling: constant
        (.zero, .zero, 0.25, 2, 0.9, .zero),                  // no backoff: immediate retries
        (.milliseconds(200), .seconds(2), 0, 5, 0, .seconds(2)),
    ]

    @Test(arguments: delays.indices) func waitsDoubleUpToTheMaximumThenGainJitter(_ index: Int) {
        let (backoff, max, jitter, attempt, random, expected) = Self.delays[index]
        let policy = RetryPolicy(retries: 10, backoff: backoff, backoffMax: max, jitter: jitter)
        #expect(policy.delay(afterFailedAttempt: attempt, random: random) == expected)
    }

    @Test func jitterOnlyLengthensAWaitByAtMostItsShare() {
        let policy = RetryPolicy(retries: 3, backoff: .seconds(5), backoffMax: .seconds(30), jitter: 0.25)
        for step in 0..<100 {
            let wait = policy.delay(afterFailedAttempt: 2, random: Double(step) / 100)
            #expect(wait >= .seconds(10) && wait < .milliseconds(12_500))
        }
    }

    /// The arithmetic docs/ARCHITECTURE.md states: 3 retries from 5 s wait 5 + 10 + 20 = 35 s at least (43.75 s at
    /// most), so a ClickHouse outage of 20-30 s is outlasted.
    @Test func theDocumentedDefaultsOutlastAThirtySecondOutage() {
        let policy = RetryPolicy(retries: 3, backoff: .seconds(5), backoffMax: .seconds(30), jitter: 0.25, excludeExecutorAfter: 3)
        #expect(policy.maxAttempts == 4)
        #expect(policy.shortestTotalWait == .seconds(35))
        let longest = (1...3).reduce(Duration.zero) { $0 + policy.delay(afterFailedAttempt: UInt32($1), random: 1) }
        #expect(longest == .milliseconds(43_750))
        #expect(RetryPolicy(retries: 0, backoff: .seconds(5), backoffMax: .seconds(30)).shortestTotalWait == .zero)
    }

    @Test func outOfRangeSettingsAreClamped() {
        let policy = RetryPolicy(retries: -1, backoff: .seconds(-1), backoffMax: .zero, jitter: 7, excludeExecutorAfter: -2)
        #expect(policy.retries == 0 && policy.maxAttempts == 1)
        #expect(policy.backoff == .zero && policy.backoffMax == .zero && policy.jitter == 1 && policy.excludeExecutorAfter == 0)
        #expect(RetryPolicy(retries: 1, backoff: .seconds(10), backoffMax: .seconds(1)).backoffMax == .seconds(10))
    }
}
