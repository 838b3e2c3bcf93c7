/// The built-in functions, with what the checker fixed at compile time.
enum ScalarFunction: Sendable {
    case lower, upper
    /// `trim`, `ltrim`, `rtrim`: spaces, or the characters of a literal second argument.
    case trim(leading: Bool, trailing: Bool, characters: Set<Unicode.Scalar>)
    /// `substring(s, start [, length])`: arguments string, int64, int64.
    case substring
    /// `concat(...)`: string arguments, NULLs skipped.
    case concat
    /// `length(s)`: characters of a string, bytes of a binary.
    case length
    /// `replace(s, from, to)`: three strings.
    case replace
    case regexpReplace(RegexReplacement)
    case dateTrunc(DateTruncation)
    case extract(DateField)
    /// `to_date(text [, format])`.
    case toDate(DateTimeFormat?)
    /// `to_timestamp(text [, format])`, UTC.
    case toTimestamp(DateTimeFormat?)
    /// `to_timestamp(seconds)`: a decimal or integer count of seconds since the epoch.
    case epochToTimestamp
}

/// `date_trunc` units.
enum DateTruncation: String, Sendable, CaseIterable {
    case year, quarter, month, week, day, hour, minute, second
}

/// `extract` fields.
enum DateField: String, Sendable, CaseIterable {
    case year, quarter, month, day, hour, minute, second, dow, doy, epoch
}
