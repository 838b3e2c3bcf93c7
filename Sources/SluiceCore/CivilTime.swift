/// Calendar arithmetic on the proleptic Gregorian calendar, with no time zones and no Foundation,
/// so that dates far before 1970, BC dates (astronomical years: 1 BC is year 0) and far-future
/// timestamps are converted exactly.
///
/// Algorithms: Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms" (days_from_civil, civil_from_days).
public enum CivilTime {
    public static let microsecondsPerSecond: Int64 = 1_000_000
    public static let microsecondsPerDay: Int64 = 86_400 * 1_000_000

    /// Days since 1970-01-01 of the given date.
    public static func days(year: Int64, month: Int, day: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01.
    public static func civil(days: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = Int(doy - (153 * mp + 2) / 5 + 1)
        let m = Int(mp < 10 ? mp + 3 : mp - 9)
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    public static func isValid(year: Int64, month: Int, day: Int) -> Bool {
        guard (1...12).contains(month), day >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= lengths[month - 1]
    }

    /// `YYYY-MM-DD`; years outside 0...9999 get a sign and at least four digits (`-0044-03-15`, `+12345-01-01`).
    public static func formatDate(days: Int64) -> String {
        let (y, m, d) = civil(days: days)
        return formatYear(y) + "-" + pad(Int64(m), 2) + "-" + pad(Int64(d), 2)
    }

    /// `HH:MM:SS.ffffff`.
    public static func formatTimeOfDay(microseconds: Int64) -> String {
        let seconds = microseconds / microsecondsPerSecond
        let fraction = microseconds % microsecondsPerSecond
        return pad(seconds / 3600, 2) + ":" + pad(seconds / 60 % 60, 2) + ":" + pad(seconds % 60, 2) + "." + pad(fraction, 6)
    }

    /// `YYYY-MM-DD HH:MM:SS.ffffff` for microseconds since 1970-01-01 00:00:00.
    public static func formatTimestamp(microseconds: Int64) -> String {
        let (days, rest) = floorDivide(microseconds, microsecondsPerDay)
        return formatDate(days: days) + " " + formatTimeOfDay(microseconds: rest)
    }

    /// Parses `YYYY-MM-DD` (an optional leading sign on the year) into days since 1970-01-01.
    public static func parseDate(_ text: Substring) -> Int64? {
        var rest = text
        var sign: Int64 = 1
        if rest.first == "-" { sign = -1; rest = rest.dropFirst() } else if rest.first == "+" { rest = rest.dropFirst() }
        let parts = rest.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count >= 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int64(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              isValid(year: sign * y, month: m, day: d)
        else { return nil }
        return days(year: sign * y, month: m, day: d)
    }

    public static func parseDate(_ text: String) -> Int64? { parseDate(text[...]) }

    /// Parses `HH:MM[:SS[.ffffff]]` into microseconds since midnight (24:00:00 allowed, as PostgreSQL does).
    public static func parseTimeOfDay(_ text: Substring) -> Int64? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count), parts[0].count == 2, parts[1].count == 2,
              let h = Int64(parts[0]), let mi = Int64(parts[1]), h <= 24, mi < 60
        else { return nil }
        var micros: Int64 = 0
        if parts.count == 3 {
            let secParts = parts[2].split(separator: ".", omittingEmptySubsequences: false)
            guard (1...2).contains(secParts.count), secParts[0].count == 2, let s = Int64(secParts[0]), s < 60
            else { return nil }
            micros = s * microsecondsPerSecond
            if secParts.count == 2 {
                let digits = secParts[1]
                guard (1...6).contains(digits.count), digits.allSatisfy(\.isASCII), let f = Int64(digits) else { return nil }
                var scaled = f
                for _ in digits.count..<6 { scaled *= 10 }
                micros += scaled
            }
        }
        let total = (h * 3600 + mi * 60) * microsecondsPerSecond + micros
        return total <= microsecondsPerDay ? total : nil
    }

    /// Parses `YYYY-MM-DD[( |T)HH:MM[:SS[.ffffff]]][Z|(+|-)HH[:MM]]` into microseconds since the epoch.
    /// A zone suffix, when present, is applied (the result is UTC); `hasZone` tells whether there was one.
    public static func parseTimestamp(_ text: String) -> (microseconds: Int64, hasZone: Bool)? {
        let trimmed = text[...]
        let separatorIndex = trimmed.dropFirst().firstIndex { $0 == " " || $0 == "T" }
        let datePart = separatorIndex.map { trimmed[..<$0] } ?? trimmed
        guard let days = parseDate(datePart) else { return nil }
        var micros = days * microsecondsPerDay
        guard let separatorIndex else { return (micros, false) }
        var timePart = trimmed[trimmed.index(after: separatorIndex)...]
        var offsetMicros: Int64 = 0
        var hasZone = false
        if timePart.hasSuffix("Z") {
            hasZone = true
            timePart = timePart.dropLast()
        } else if let signIndex = timePart.lastIndex(where: { $0 == "+" || $0 == "-" }) {
            let zone = timePart[timePart.index(after: signIndex)...]
            let zoneParts = zone.split(separator: ":", omittingEmptySubsequences: false)
            guard (1...2).contains(zoneParts.count), zoneParts[0].count == 2, let zh = Int64(zoneParts[0]),
                  let zm = zoneParts.count == 2 ? Int64(zoneParts[1]) : 0, zh < 24, zm < 60
            else { return nil }
            let sign: Int64 = timePart[signIndex] == "-" ? -1 : 1
            offsetMicros = sign * (zh * 3600 + zm * 60) * microsecondsPerSecond
            hasZone = true
            timePart = timePart[..<signIndex]
        }
        guard let time = parseTimeOfDay(timePart) else { return nil }
        micros += time - offsetMicros
        return (micros, hasZone)
    }

    /// Floor division and the non-negative remainder.
    public static func floorDivide(_ a: Int64, _ b: Int64) -> (quotient: Int64, remainder: Int64) {
        var q = a / b
        var r = a % b
        if r < 0 { q -= 1; r += b }
        return (q, r)
    }

    private static func formatYear(_ year: Int64) -> String {
        if (0...9999).contains(year) { return pad(year, 4) }
        return (year < 0 ? "-" : "+") + pad(year.magnitude, 4)
    }

    private static func pad<T: BinaryInteger>(_ value: T, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
