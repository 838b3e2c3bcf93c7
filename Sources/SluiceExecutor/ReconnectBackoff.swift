/// How long an executor waits between attempts to reach a driver that is not there yet: a Deployment's pods start
/// before the run's driver and wait for it, then for the next one.
///
/// The wait doubles from `initial` up to `cap`; each wait is shortened by up to half at random ("equal jitter"), so
/// that the replicas of a Deployment, started together, do not knock on the driver in lockstep. Pure: the caller
/// supplies the random numbers (tests fix them) and does the sleeping.
public struct ReconnectBackoff: Sendable, Equatable {
    public var initial: Duration
    public var cap: Duration
    /// Failed attempts since the last success.
    public private(set) var failures = 0

    /// The defaults keep a waiting executor within two seconds of a new driver while costing it one connection
    /// attempt per second or two.
    public init(initial: Duration = .milliseconds(100), cap: Duration = .seconds(2)) {
        self.initial = initial
        self.cap = max(initial, cap)
    }

    /// Records a failed attempt and returns how long to wait before the next: `min(cap, initial × 2^(n−1))` times a
    /// factor in `[0.5, 1]` drawn from `random` (a number in `0..<1`).
    public mutating func failed(random: Double) -> Duration {
        failures += 1
        var delay = initial
        for _ in 1..<failures where delay < cap { delay *= 2 }
        let capped = min(delay, cap)
        return capped * (1 - 0.5 * min(max(random, 0), 1))
    }

    /// A driver was reached: the next wait starts from `initial` again.
    public mutating func succeeded() {
        failures = 0
    }

    /// Whether the failure just recorded deserves a log line: the 1st, 2nd, 4th, 8th, ... so that an executor left
    /// waiting for hours writes a few dozen lines, not one per attempt.
    public var shouldLog: Bool { failures > 0 && failures & (failures - 1) == 0 }
}
