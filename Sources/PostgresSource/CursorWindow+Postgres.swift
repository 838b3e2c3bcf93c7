public import SluiceCore

extension CursorValue {
    /// The value as a SQL literal of its kind.
    public var literal: PostgresLiteral { kind.literal(value) }
}

extension CursorWindow {
    /// The window as a condition on `column` (a source column name): `after < column <= upTo`, `OR column IS NULL`
    /// when the window takes NULLs; nil when it holds every row.
    ///
    /// A lag moves ``after`` below the bookmark, re-reading a margin so that a transaction which committed after
    /// the last run with an older cursor value (a late commit) is still picked up; loads are versioned, so the
    /// overlap never doubles rows.
    public func predicate(column: String) throws(SluiceError) -> PostgresPredicate? {
        if isEverything { return nil }
        let name = SQL.quoteIdentifier(column)
        guard after != nil || upTo != nil else {
            return includesNulls ? nil : .sql("\(name) IS NOT NULL")
        }
        let bounded = PostgresPredicate.cursorWindow(column: column, after: after?.literal, upTo: upTo?.literal)
        guard includesNulls, let sql = try bounded.render() else { return bounded }
        return .sql("(\(sql)) OR \(name) IS NULL")
    }
}
