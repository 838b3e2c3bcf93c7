public import Foundation
import Synchronization

/// A moment of a run as its report records it: seconds since the run started, on a monotonic clock (what the
/// timeline draws), and the wall-clock time it corresponds to (what an operator compares with other logs).
public struct RunInstant: Sendable, Hashable {
    public var seconds: Double
    /// ISO 8601, UTC, milliseconds (`2024-05-01T10:15:30.123Z`).
    public var timestamp: String

    public init(seconds: Double, timestamp: String) {
        self.seconds = seconds
        self.timestamp = timestamp
    }

    /// The instant `seconds` after a run that started at `start`.
    public init(seconds: Double, after start: Date) {
        self.init(seconds: seconds, timestamp: Self.timestamp(start.addingTimeInterval(seconds)))
    }

    /// `2024-05-01T10:15:30.123Z`.
    public static func timestamp(_ date: Date) -> String {
        formatter.withLock { $0.string(from: date) }
    }

    /// One formatter for every instant: building one per call cost a run of 10,000 tasks more than its scheduling.
    private static let formatter: Mutex<ISO8601DateFormatter> = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return Mutex(formatter)
    }()
}
