import SluiceCore

/// A UTC instant at one-second precision, in the two spellings SigV4 uses: `20130524T000000Z` (x-amz-date) and
/// `20130524` (the credential scope). Also parses the ISO 8601 times S3 and STS return.
public struct AmzDate: Sendable, Hashable, Comparable {
    /// Seconds since 1970-01-01T00:00:00Z.
    public var secondsSinceEpoch: Int64

    public init(secondsSinceEpoch: Int64) {
        self.secondsSinceEpoch = secondsSinceEpoch
    }

    /// `YYYYMMDD'T'HHMMSS'Z'`.
    public var timestamp: String {
        let (days, seconds) = CivilTime.floorDivide(secondsSinceEpoch, 86_400)
        let hour = seconds / 3600, minute = seconds / 60 % 60, second = seconds % 60
        return dateStamp(days: days) + "T" + Self.pad(hour) + Self.pad(minute) + Self.pad(second) + "Z"
    }

    /// `YYYYMMDD`.
    public var dateStamp: String {
        dateStamp(days: CivilTime.floorDivide(secondsSinceEpoch, 86_400).quotient)
    }

    private func dateStamp(days: Int64) -> String {
        let civil = CivilTime.civil(days: days)
        let year = String(civil.year)
        return String(repeating: "0", count: max(0, 4 - year.count)) + year + Self.pad(Int64(civil.month)) + Self.pad(Int64(civil.day))
    }

    private static func pad(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// Parses `2013-05-24T00:00:00Z`, `2013-05-24T00:00:00.000Z` or with a `+hh:mm` offset; fractions are dropped.
    public static func parseISO8601(_ text: String) -> AmzDate? {
        guard let parsed = CivilTime.parseTimestamp(text), parsed.hasZone else {
            return nil
        }
        return AmzDate(secondsSinceEpoch: CivilTime.floorDivide(parsed.microseconds, 1_000_000).quotient)
    }

    public static func < (lhs: AmzDate, rhs: AmzDate) -> Bool { lhs.secondsSinceEpoch < rhs.secondsSinceEpoch }
}
