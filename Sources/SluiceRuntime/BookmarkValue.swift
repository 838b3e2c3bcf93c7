public import SluiceCore

/// A bookmark: a cursor value at full source precision, convertible to and from its exact text.
public struct BookmarkValue: Sendable, Equatable, Comparable {
    public var type: DataType
    /// Integer value, days (date) or microseconds (timestamps).
    public var storage: Int64

    public init(type: DataType, storage: Int64) {
        self.type = type
        self.storage = storage
    }

    /// Parses the text ``text`` produces for a cursor of `type`.
    public init?(type: DataType, text: String) {
        switch type {
        case .int8, .int16, .int32, .int64:
            guard let value = Int64(text) else { return nil }
            storage = value
        case .date:
            guard let days = CivilTime.parseDate(text) else { return nil }
            storage = days
        case .timestamp, .timestampTZ:
            guard let parsed = CivilTime.parseTimestamp(text) else { return nil }
            storage = parsed.microseconds
        default:
            return nil
        }
        self.type = type
    }

    /// Exact text: timestamps always carry six fractional digits; timestamptz values are UTC.
    public var text: String {
        switch type {
        case .date: CivilTime.formatDate(days: storage)
        case .timestamp: CivilTime.formatTimestamp(microseconds: storage)
        case .timestampTZ: CivilTime.formatTimestamp(microseconds: storage) + "Z"
        default: String(storage)
        }
    }

    /// The bookmark moved back by `lag` microseconds (timestamps) — the start of an incremental window.
    public func minus(lagMicroseconds lag: Int64) -> BookmarkValue {
        switch type {
        case .timestamp, .timestampTZ: BookmarkValue(type: type, storage: storage - lag)
        case .date: BookmarkValue(type: type, storage: storage - (lag + CivilTime.microsecondsPerDay - 1) / CivilTime.microsecondsPerDay)
        default: self
        }
    }

    /// Seconds since the epoch, for the human-readable `last_extracted_time` (0 for integer cursors).
    public var epochSeconds: Int64 {
        switch type {
        case .date: storage * 86_400
        case .timestamp, .timestampTZ: CivilTime.floorDivide(storage, CivilTime.microsecondsPerSecond).quotient
        default: 0
        }
    }

    public static func < (lhs: BookmarkValue, rhs: BookmarkValue) -> Bool { lhs.storage < rhs.storage }
}
