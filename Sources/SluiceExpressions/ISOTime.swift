import SluiceCore

/// ISO 8601 dates and timestamps read through ``SluiceCore/CivilTime`` only when their values fit: a date's day
/// count in `Int32` (a `date` column's storage), a timestamp's microseconds in `Int64`, so that text such as
/// `'9999999999-01-01'` is an invalid value and never an arithmetic overflow.
enum ISOTime {
    /// Days since 1970-01-01 that a timestamp may have and still leave room for any time of day and zone offset.
    private static let timestampDays: ClosedRange<Int64> = -106_751_989...106_751_989

    /// `[+-]YYYY-MM-DD`, spaces around allowed, as days that fit a `date`.
    static func parseDate(_ text: Substring) -> Int64? {
        let trimmed = text.trimmingSpaces
        guard yearDigits(trimmed) <= 9, let days = CivilTime.parseDate(trimmed), Int32(exactly: days) != nil else { return nil }
        return days
    }

    /// `YYYY-MM-DD[( |T)HH:MM[:SS[.ffffff]]][Z|(+|-)HH[:MM]]`, spaces around allowed.
    static func parseTimestamp(_ text: Substring) -> (microseconds: Int64, hasZone: Bool)? {
        let trimmed = text.trimmingSpaces
        let separator = trimmed.dropFirst().firstIndex { $0 == " " || $0 == "T" }
        guard yearDigits(trimmed) <= 9, let days = CivilTime.parseDate(separator.map { trimmed[..<$0] } ?? trimmed),
              timestampDays.contains(days) else { return nil }
        return CivilTime.parseTimestamp(String(trimmed))
    }

    /// The digits of the year (before the first `-` after an optional sign).
    private static func yearDigits(_ text: Substring) -> Int {
        let unsigned = text.first == "-" || text.first == "+" ? text.dropFirst() : text
        return unsigned.prefix { $0 != "-" }.count
    }
}
