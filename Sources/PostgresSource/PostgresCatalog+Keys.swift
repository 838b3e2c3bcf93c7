public import SluiceCore

extension PostgresCatalog {
    /// The column lists of the table's unique constraints and unique indexes (the primary key first), leaving
    /// out partial and expression indexes, which do not make a column list unique.
    public func uniqueKeys(_ table: PostgresTableName) throws(SluiceError) -> [[String]] {
        let oid = try tableOID(table)
        let sql = """
            SELECT string_agg(a.attname, ',' ORDER BY k.ordinality)
            FROM pg_index i
            CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ordinality)
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
            WHERE i.indrelid = $1::oid AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL
            GROUP BY i.indexrelid, i.indisprimary
            ORDER BY i.indisprimary DESC, i.indexrelid
            """
        let rows = try wrap(ErrorContext(table: table.description)) { () throws(SluiceError) in try connection.query(sql, parameters: [String(oid)]) }
        return rows.compactMap { $0.first ?? nil }.map { $0.split(separator: ",").map(String.init) }
    }

    /// Columns that lead some index of the table (candidates for cursors and partition keys).
    public func indexedColumns(_ table: PostgresTableName) throws(SluiceError) -> Set<String> {
        let oid = try tableOID(table)
        let sql = """
            SELECT DISTINCT a.attname FROM pg_index i
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
            WHERE i.indrelid = $1::oid AND i.indpred IS NULL
            """
        let rows = try wrap(ErrorContext(table: table.description)) { () throws(SluiceError) in try connection.query(sql, parameters: [String(oid)]) }
        return Set(rows.compactMap { $0.first ?? nil })
    }
}
