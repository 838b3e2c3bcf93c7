import Foundation
public import SluiceCore

/// One condition of an extraction query's WHERE clause. Typed cases render their values through
/// ``PostgresLiteral``; ``sql(_:)`` carries a trusted fragment from the configuration as written.
public enum PostgresPredicate: Sendable, Hashable {
    /// `lower <= column < upper`; a nil bound is open. `includeNulls` adds `OR column IS NULL` (give it to
    /// exactly one partition so rows with a NULL key are extracted once).
    case range(column: String, lower: PostgresLiteral?, upper: PostgresLiteral?, includeNulls: Bool)
    /// The incremental window `after < column <= upTo`; a nil bound is open.
    case cursorWindow(column: String, after: PostgresLiteral?, upTo: PostgresLiteral?)
    /// Heap blocks `[fromBlock, toBlock)` by TID range (`ctid >= '(b,0)' AND ctid < '(b2,0)'`; PostgreSQL 14+
    /// runs it as a TID Range Scan). A nil `toBlock` is open.
    case blocks(fromBlock: UInt32, toBlock: UInt32?)
    /// A fragment written by the operator (a filter, a soft-delete predicate, an explicit partition): trusted.
    case sql(String)

    /// The SQL texts of `predicates`, leaving out those that hold for every row.
    public static func renderAll(_ predicates: [PostgresPredicate]) throws(SluiceError) -> [String] {
        var result: [String] = []
        for predicate in predicates {
            if let sql = try predicate.render() { result.append(sql) }
        }
        return result
    }

    /// The SQL text; nil when the predicate holds for every row (a range open at both ends).
    public func render() throws(SluiceError) -> String? {
        switch self {
        case .range(let column, let lower, let upper, let includeNulls):
            let name = SQL.quoteIdentifier(column)
            var parts: [String] = []
            if let lower { parts.append("\(name) >= \(try lower.sql())") }
            if let upper { parts.append("\(name) < \(try upper.sql())") }
            if parts.isEmpty { return includeNulls ? nil : "\(name) IS NOT NULL" }
            let bounded = parts.joined(separator: " AND ")
            return includeNulls ? "(\(bounded)) OR \(name) IS NULL" : bounded
        case .cursorWindow(let column, let after, let upTo):
            let name = SQL.quoteIdentifier(column)
            var parts: [String] = []
            if let after { parts.append("\(name) > \(try after.sql())") }
            if let upTo { parts.append("\(name) <= \(try upTo.sql())") }
            return parts.isEmpty ? nil : parts.joined(separator: " AND ")
        case .blocks(let from, let to):
            var parts: [String] = []
            if from > 0 { parts.append("ctid >= \(try PostgresLiteral.tid(block: from, offset: 0).sql())") }
            if let to { parts.append("ctid < \(try PostgresLiteral.tid(block: to, offset: 0).sql())") }
            return parts.isEmpty ? nil : parts.joined(separator: " AND ")
        case .sql(let fragment):
            let trimmed = fragment.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed.isEmpty ? nil : trimmed
        }
    }
}
