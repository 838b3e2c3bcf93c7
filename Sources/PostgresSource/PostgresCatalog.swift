public import SluiceCore

/// Catalogue queries for planning and checking an extraction. Every value travels as a bind parameter.
/// Errors name the table (and column) and carry the right code: missing table, missing column, missing
/// privilege.
public struct PostgresCatalog {
    public let connection: PostgresConnection

    public init(_ connection: PostgresConnection) {
        self.connection = connection
    }

    /// The table's OID; throws ``SluiceError/Code/postgresMissingTable`` when it does not exist and
    /// ``SluiceError/Code/postgresPrivilege`` when the role may read none of its columns.
    public func tableOID(_ table: PostgresTableName) throws(SluiceError) -> UInt32 {
        let context = ErrorContext(table: table.description)
        let rows = try wrap(context) { () throws(SluiceError) in
            try connection.query("SELECT c.oid::int8, has_table_privilege(c.oid, 'SELECT') OR has_any_column_privilege(c.oid, 'SELECT') "
                                 + "FROM pg_class c WHERE c.oid = to_regclass($1)", parameters: [table.quoted])
        }
        guard let row = rows.first, let oidText = row[0], let oid = UInt32(oidText) else {
            throw SluiceError(.postgresMissingTable, "table \(table) does not exist (or is not visible to user \(connection.config.user))",
                              context: context)
        }
        guard row[1] == "t" else {
            throw SluiceError(.postgresPrivilege, "user \(connection.config.user) may not SELECT from table \(table)", context: context)
        }
        return oid
    }

    /// The table's columns in order, resolving enums (read as text), domains (read as their base type) and
    /// arrays of enums (cast to `text[]`).
    public func describe(_ table: PostgresTableName) throws(SluiceError) -> [PostgresColumn] {
        let oid = try tableOID(table)
        let sql = """
            SELECT a.attname, a.atttypid::int8, format_type(a.atttypid, a.atttypmod), a.atttypmod, a.attnotnull,
                   t.typtype::text, t.typcategory::text,
                   coalesce(b.oid, 0)::int8, coalesce(b.typtype::text, ''), coalesce(format_type(b.oid, t.typtypmod), ''), t.typtypmod,
                   coalesce(e.typtype::text, ''), coalesce(eb.typtype::text, '')
            FROM pg_attribute a
            JOIN pg_type t ON t.oid = a.atttypid
            LEFT JOIN pg_type b ON b.oid = t.typbasetype AND t.typtype = 'd'
            LEFT JOIN pg_type e ON e.oid = t.typelem AND t.typcategory = 'A'
            LEFT JOIN pg_type eb ON eb.oid = e.typbasetype AND e.typtype = 'd'
            WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum
            """
        let rows = try wrap(ErrorContext(table: table.description)) { () throws(SluiceError) in try connection.query(sql, parameters: [String(oid)]) }
        return rows.map { row in
            let name = row[0] ?? ""
            let typeOID = UInt32(row[1] ?? "") ?? 0
            let typeName = row[2] ?? ""
            let modifier = Int32(row[3] ?? "") ?? -1
            let notNull = row[4] == "t"
            let typtype = row[5] ?? "", category = row[6] ?? ""
            let baseOID = UInt32(row[7] ?? "") ?? 0, baseType = row[8] ?? "", baseName = row[9] ?? ""
            let baseModifier = Int32(row[10] ?? "") ?? -1
            let elementType = row[11] ?? "", elementBaseType = row[12] ?? ""
            var column = PostgresColumn(name: name, typeOID: typeOID, typeName: typeName, typeModifier: modifier, notNull: notNull)
            switch (typtype, category) {
            case ("e", _):
                column.kind = .enumeration
                column.sourceColumn = SourceColumn(name: name, typeOID: PostgresTypeOID.text, typeName: typeName)
            case ("d", _):
                column.kind = .domain
                if baseType == "e" {
                    column.sourceColumn = SourceColumn(name: name, typeOID: PostgresTypeOID.text, typeName: typeName)
                } else {
                    column.sourceColumn = SourceColumn(name: name, typeOID: baseOID, typeName: baseName, typeModifier: baseModifier)
                }
            case (_, "A"):
                column.kind = .array
                // Arrays of enums and of domains have element OIDs the decoder does not know: read them as
                // text[] (each element's text form). Arrays of composites and ranges keep their OID and are
                // rejected before the run.
                let decodable = PostgresTypeOID.arrayElements[typeOID] != nil
                if !decodable && (elementType == "e" || elementType == "d" || elementBaseType == "e") {
                    column.selectCast = "text[]"
                    column.sourceColumn = SourceColumn(name: name, typeOID: 1009, typeName: "text[]")
                }
            case ("c", _): column.kind = .composite
            case ("r", _), ("m", _): column.kind = .range
            case ("b", _): column.kind = .base
            default: column.kind = .other
            }
            return column
        }
    }

    /// Describes the named columns (in the given order) after checking that each exists and may be read.
    public func describe(_ table: PostgresTableName, columns names: [String]) throws(SluiceError) -> [PostgresColumn] {
        let all = try describe(table)
        var result: [PostgresColumn] = []
        for name in names {
            guard let column = all.first(where: { $0.name == name }) else {
                throw SluiceError(.postgresMissingColumn, "column \(name) does not exist in table \(table)",
                                  context: ErrorContext(table: table.description, column: name))
            }
            result.append(column)
        }
        try checkColumnPrivileges(table, columns: names)
        return result
    }

    /// Throws ``SluiceError/Code/postgresPrivilege`` naming the first column the role may not SELECT.
    public func checkColumnPrivileges(_ table: PostgresTableName, columns names: [String]) throws(SluiceError) {
        let context = ErrorContext(table: table.description)
        for name in names {
            let rows = try wrap(context) { () throws(SluiceError) in
                try connection.query("SELECT has_column_privilege(to_regclass($1), $2, 'SELECT')", parameters: [table.quoted, name])
            }
            guard rows.first?.first == "t" else {
                throw SluiceError(.postgresPrivilege, "user \(connection.config.user) may not SELECT column \(name) of table \(table)",
                                  context: ErrorContext(table: table.description, column: name))
            }
        }
    }

    /// The planner's size figures from pg_class (no table scan): `reltuples` (nil if never analysed) and the
    /// number of 8 KiB heap pages now on disk.
    public func sizeEstimate(_ table: PostgresTableName) throws(SluiceError) -> (rows: Int64?, pages: Int64) {
        let oid = try tableOID(table)
        let rows = try wrap(ErrorContext(table: table.description)) { () throws(SluiceError) in
            try connection.query("SELECT reltuples::int8, (pg_relation_size(oid) / current_setting('block_size')::int8)::int8 "
                                 + "FROM pg_class WHERE oid = $1::oid", parameters: [String(oid)])
        }
        let tuples = rows.first?[0].flatMap { Int64($0) }
        let pages = rows.first?[1].flatMap { Int64($0) } ?? 0
        return (tuples.flatMap { $0 >= 0 ? $0 : nil }, pages)
    }

    /// The table's row estimate: `reltuples` when the table was analysed, else pages times the average
    /// tuples per page of a small sample count (an exact `count(*)` for small tables).
    public func estimateRows(_ table: PostgresTableName) throws(SluiceError) -> Int64 {
        let (rows, pages) = try sizeEstimate(table)
        if let rows { return rows }
        if pages <= 1024 { return try exactCount(table) }
        // Never analysed and large: sample 1% of the pages.
        let sampled = try wrap(ErrorContext(table: table.description)) { () throws(SluiceError) in
            try connection.query("SELECT count(*)::int8 FROM \(table.quoted) TABLESAMPLE SYSTEM (1)")
        }
        return (sampled.first?[0].flatMap { Int64($0) } ?? 0) * 100
    }

    /// `count(*)` of the table, with an optional trusted predicate.
    public func exactCount(_ table: PostgresTableName, where predicate: String? = nil) throws(SluiceError) -> Int64 {
        let sql = "SELECT count(*)::int8 FROM \(table.quoted)" + (predicate.map { " WHERE \($0)" } ?? "")
        let rows = try wrap(ErrorContext(table: table.description)) { () throws(SluiceError) in try connection.query(sql) }
        return rows.first?[0].flatMap { Int64($0) } ?? 0
    }

    /// `min` and `max` of a column as PostgreSQL prints them (nil when the table has no non-NULL value).
    public func minMaxText(_ table: PostgresTableName, column: String) throws(SluiceError) -> (min: String, max: String)? {
        let name = SQL.quoteIdentifier(column)
        let rows = try wrap(ErrorContext(table: table.description, column: column)) { () throws(SluiceError) in
            try connection.query("SELECT min(\(name))::text, max(\(name))::text FROM \(table.quoted)")
        }
        guard let row = rows.first, let low = row[0], let high = row[1] else { return nil }
        return (low, high)
    }

    /// Runs `body` and adds `context` to any error it throws.
    func wrap<T>(_ context: ErrorContext, _ body: () throws(SluiceError) -> T) throws(SluiceError) -> T {
        do { return try body() } catch { throw error.adding(context) }
    }
}
