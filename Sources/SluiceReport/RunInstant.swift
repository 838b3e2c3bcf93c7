public import Foundation

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
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
