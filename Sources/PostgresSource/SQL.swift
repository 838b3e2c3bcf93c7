import Foundation
public import SluiceCore

/// Quoting and literal rendering for the SQL Sluice builds.
///
/// Catalogue queries send every value as a bind parameter. `COPY (query) TO STDOUT` cannot take
/// parameters, so the partition and cursor bounds inside a COPY are the only values spliced into SQL, and
/// they are always rendered here from typed values (``PostgresLiteral``), never from user text. Predicates
/// written by hand in the configuration (filters, soft-delete, explicit partitions) are trusted SQL
/// fragments: they are wrapped in parentheses and ANDed, not checked.
public enum SQL {
    /// `"name"` with embedded quotes doubled; identifiers are always quoted, so case and keywords are kept.
    public static func quoteIdentifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `'text'` with embedded quotes doubled (the session runs with `standard_conforming_strings = on`, so
    /// backslashes are ordinary characters). Throws for NUL, which PostgreSQL text cannot hold.
    public static func quoteLiteral(_ text: String) throws(SluiceError) -> String {
        guard !text.utf8.contains(0) else {
            throw SluiceError(.invalidValue, "a SQL literal cannot contain a NUL character")
        }
        return "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// Joins predicates with AND, each in parentheses; nil when there are none.
    public static func and(_ predicates: [String]) -> String? {
        let parts = predicates.filter { !$0.isEmpty }
        guard !parts.isEmpty else { return nil }
        return parts.count == 1 ? parts[0] : parts.map { "(\($0))" }.joined(separator: " AND ")
    }
}

/// A typed value rendered as a SQL literal with an explicit cast, for the bounds spliced into COPY queries.
public enum PostgresLiteral: Sendable, Hashable, CustomStringConvertible {
    /// `42` or `(-42)`, an integer constant (it compares with smallint, integer and bigint columns through btree cross-type
    /// operators, so indexes serve it); outside the int4 range `'5000000000'::bigint`, since PostgreSQL reads a
    /// larger bare constant as bigint or numeric by size, and `-9223372036854775808` as numeric.
    case integer(Int64)
    /// An exact decimal as text (`-12.50`); validated when rendered.
    case numeric(String)
    /// Days since 1970-01-01: `'2024-01-02'::date`, `'0044-03-15 BC'::date`.
    case date(Int64)
    /// Microseconds since 1970-01-01, wall clock: `'2024-01-02 03:04:05.123456'::timestamp`.
    case timestamp(Int64)
    /// Microseconds since 1970-01-01 UTC: `'2024-01-02 03:04:05.123456+00'::timestamptz`.
    case timestampTZ(Int64)
    case text(String)
    case boolean(Bool)
    /// A tuple identifier `(block, offset)`: `'(10,0)'::tid`.
    case tid(block: UInt32, offset: UInt16)

    /// The SQL text. Throws only for malformed numeric text or text holding NUL.
    public func sql() throws(SluiceError) -> String {
        switch self {
        case .integer(let v):
            guard Int64(Int32.min)...Int64(Int32.max) ~= v else { return "'\(v)'::bigint" }
            return v < 0 ? "(\(v))" : String(v)  // `(-42)`: a bare `-42::text` would apply the minus to text
        case .numeric(let text):
            guard Self.isPlainDecimal(text) else {
                throw SluiceError(.invalidValue, "'\(text)' is not a decimal number")
            }
            return "'\(text)'::numeric"
        case .date(let days): return "'" + Self.dateText(days) + "'::date"
        case .timestamp(let micros): return "'" + Self.timestampText(micros, zoned: false) + "'::timestamp"
        case .timestampTZ(let micros): return "'" + Self.timestampText(micros, zoned: true) + "'::timestamptz"
        case .text(let text): return try SQL.quoteLiteral(text)
        case .boolean(let v): return v ? "true" : "false"
        case .tid(let block, let offset): return "'(\(block),\(offset))'::tid"
        }
    }

    /// The literal's text without quotes or cast, as PostgreSQL itself would print the value.
    public var description: String {
        switch self {
        case .integer(let v): String(v)
        case .numeric(let text): text
        case .date(let days): Self.dateText(days)
        case .timestamp(let micros): Self.timestampText(micros, zoned: false)
        case .timestampTZ(let micros): Self.timestampText(micros, zoned: true)
        case .text(let text): text
        case .boolean(let v): v ? "true" : "false"
        case .tid(let block, let offset): "(\(block),\(offset))"
        }
    }

    static func dateText(_ days: Int64) -> String {
        var out: [UInt8] = []
        let pgDays = days - PostgresText.epochDays
        PostgresText.appendDate(Int32(clamping: pgDays), into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func timestampText(_ micros: Int64, zoned: Bool) -> String {
        var out: [UInt8] = []
        let (pgMicros, overflow) = micros.subtractingReportingOverflow(PostgresText.epochMicroseconds)
        PostgresText.appendTimestamp(overflow ? Int64.min : pgMicros, zoned: zoned, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `[-]digits[.digits]` only: no exponent, no spaces, nothing else.
    static func isPlainDecimal(_ text: String) -> Bool {
        var utf8 = Substring(text).utf8[...]
        if utf8.first == UInt8(ascii: "-") { utf8 = utf8.dropFirst() }
        let parts = utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty else { return false }
        return parts.allSatisfy { part in part.allSatisfy { $0 >= 48 && $0 <= 57 } } && (parts.count == 1 || !parts[1].isEmpty)
    }
}
