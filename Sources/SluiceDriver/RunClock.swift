public import Foundation
public import SluiceReport

/// The clock a run's report is written with: seconds since the run started on a monotonic clock (immune to the
/// wall clock being set), paired with the wall-clock time they correspond to.
public struct RunClock: Sendable {
    public let start: ContinuousClock.Instant
    /// The wall-clock time of ``start``.
    public let startDate: Date

    public init() {
        start = .now
        startDate = Date()
    }

    /// Seconds since the run started.
    public var seconds: Double { Driver.seconds(.now - start) }

    /// Now, as the report records it.
    public func now() -> RunInstant { RunInstant(seconds: seconds, after: startDate) }
}
