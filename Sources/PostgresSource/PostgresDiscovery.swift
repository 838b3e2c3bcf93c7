import Foundation
import SluiceCore
import SluicePipeline

/// What `sluice init` learns about PostgreSQL tables from the catalogue and the data: exact target types, the
/// primary key, a cursor and a partition column, and advice from the data (tighter types, values the sink cannot
/// hold) that the table file shows as comments and never applies by itself. Blocking.
struct PostgresDiscovery {
    let catalog: PostgresCatalog

    /// Tables (and partitioned tables) whose `schema.name` matches `pattern`: `*` any run of characters, `?` one;
    /// a pattern without a schema means `public`.
    func tables(matching pattern: String) throws(SluiceError) -> [PostgresTableName] {
        let parts = pattern.split(separator: ".", maxSplits: 1).map(String.init)
        let (schema, name) = parts.count == 2 ? (parts[0], parts[1]) : ("public", parts.first ?? "*")
        let sql = """
            SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname LIKE $1 ESCAPE '\\' AND c.relname LIKE $2 ESCAPE '\\'
              AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'
            ORDER BY 1, 2
            """
        let rows = try catalog.connection.query(sql, parameters: [Self.like(schema), Self.like(name)])
        return rows.compactMap { row in
            guard let schema = row[0], let name = row[1] else { return nil }
            return PostgresTableName(schema: schema, name: name)
        }
    }

    /// A glob as a LIKE pattern: `*` is `%`, `?` is `_`, and LIKE's own wildcards are escaped.
    static func like(_ glob: String) -> String {
        var pattern = ""
        for character in glob {
            switch character {
            case "*": pattern += "%"
            case "?": pattern += "_"
            case "%", "_", "\\": pattern += "\\" + String(character)
            default: pattern.append(character)
            }
        }
        return pattern
    }

    func discover(_ table: PostgresTableName) throws(SluiceError) -> DiscoveredTable {
        let columns = try catalog.describe(table)
        let indexed = try catalog.indexedColumns(table)
        let primary = try primaryKey(table)
        let notNull = Set(columns.filter(\.notNull).map(\.name))
        let unique = try catalog.uniqueKeys(table).first { !$0.isEmpty && $0.allSatisfy(notNull.contains) }
        let key = primary ?? unique ?? []
        let estimate = try catalog.estimateRows(table)
        let facts = try dataFacts(table, columns: columns, estimate: estimate)

        var discovered: [DiscoveredColumn] = []
        for column in columns {
            var advice: [String] = []
            let type = column.suggestedTarget
            if type == nil { advice.append("\(column.typeName): no Sluice type holds it; it is left out (ignore_columns)") }
            if let (low, high) = facts.integerRange[column.name], type == .int64, low >= Int64(Int32.min), high <= Int64(Int32.max) {
                advice.append("values fit int32 (\(low) ... \(high)\(facts.sampled ? ", in a sample" : "")): int32 would do, if the source keeps them small")
            }
            if let outside = facts.outsideSink[column.name], outside > 0 {
                advice.append("\(outside) value\(outside == 1 ? "" : "s")\(facts.sampled ? " in a sample" : "") outside 1970-01-01 ... 2105-12-31, which ClickHouse 18.16 cannot hold: the run stops on them unless you set out_of_range: set_null or drop_row")
            }
            if let distinct = facts.distinct[column.name], type == .string, distinct > 0, distinct <= 256 {
                advice.append("about \(distinct) distinct values: a LowCardinality(String) candidate on newer ClickHouse")
            }
            discovered.append(DiscoveredColumn(name: column.name, sourceType: column.typeName, type: type,
                                               nullable: !column.notNull, advice: advice))
        }
        var notes: [String] = []
        let cursor = chooseCursor(columns, indexed: indexed)
        if cursor == nil {
            notes.append("no cursor: no timestamp column that looks like a change time; every run reloads the table whole")
        }
        if key.isEmpty {
            notes.append("no primary key or unique key of NOT NULL columns: loaded as an append table (every row kept, whole days of the cursor replaced by each run); declare a primary_key instead if some columns identify a row")
        } else if primary == nil {
            notes.append("primary key from the unique index on (\(key.joined(separator: ", ")))")
        }
        let name = table.schema == nil || table.schema == "public" ? table.name : "\(table.schema!)_\(table.name)"
        return DiscoveredTable(name: name, source: table.description, columns: discovered, primaryKey: key, cursor: cursor,
                               partitionColumn: partitionColumn(columns, key: key, indexed: indexed), estimatedRows: estimate,
                               notes: notes)
    }

    /// The primary key's columns in key order; nil without one.
    func primaryKey(_ table: PostgresTableName) throws(SluiceError) -> [String]? {
        let oid = try catalog.tableOID(table)
        let rows = try catalog.connection.query("""
            SELECT a.attname FROM pg_index i
            CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ordinality)
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
            WHERE i.indrelid = $1::oid AND i.indisprimary ORDER BY k.ordinality
            """, parameters: [String(oid)])
        let names = rows.compactMap { $0.first ?? nil }
        return names.isEmpty ? nil : names
    }

    /// A timestamp column named like a change time (indexed ones first), else an indexed timestamp column.
    func chooseCursor(_ columns: [PostgresColumn], indexed: Set<String>) -> (column: String, reason: String)? {
        let temporal = columns.filter { [.timestamp, .timestampTZ].contains($0.suggestedTarget) }
        let changeNames = ["updated", "modified", "changed", "last_update", "mtime"]
        func namedLikeChange(_ column: PostgresColumn) -> Bool {
            let lowered = column.name.lowercased()
            return changeNames.contains { lowered.contains($0) }
        }
        if let best = temporal.first(where: { namedLikeChange($0) && indexed.contains($0.name) }) {
            return (best.name, "indexed, and named like a change time")
        }
        if let named = temporal.first(where: namedLikeChange) {
            return (named.name, "named like a change time, but not indexed: incremental runs scan the table; consider an index")
        }
        if let any = temporal.first(where: { indexed.contains($0.name) }) {
            return (any.name, "the indexed timestamp column; check that it changes whenever a row does")
        }
        return nil
    }

    /// The single integer key column, else an indexed integer or timestamp column.
    func partitionColumn(_ columns: [PostgresColumn], key: [String], indexed: Set<String>) -> String? {
        let ordered = columns.filter { PartitionKeyKind(typeOID: $0.sourceColumn.typeOID) != nil }
        if key.count == 1, let column = ordered.first(where: { $0.name == key[0] }) { return column.name }
        return ordered.first { indexed.contains($0.name) && $0.suggestedTarget.map { [.int16, .int32, .int64].contains($0) } == true }?.name
            ?? ordered.first { indexed.contains($0.name) }?.name
    }

    /// What one pass over the data (or a 1% sample of a big table) says: integer ranges, dates outside the sink,
    /// and pg_stats' distinct counts.
    struct Facts {
        var integerRange: [String: (Int64, Int64)] = [:]
        var outsideSink: [String: Int64] = [:]
        var distinct: [String: Int64] = [:]
        var sampled = false
    }

    func dataFacts(_ table: PostgresTableName, columns: [PostgresColumn], estimate: Int64) throws(SluiceError) -> Facts {
        var facts = Facts()
        var expressions: [String] = []
        var readers: [(String, (inout Facts, [String?]) -> Void)] = []
        for column in columns {
            let name = SQL.quoteIdentifier(column.name)
            switch column.suggestedTarget {
            case .int64?:
                let index = expressions.count
                expressions += ["min(\(name))::text", "max(\(name))::text"]
                readers.append((column.name, { facts, row in
                    if let low = row[index].flatMap({ Int64($0) }), let high = row[index + 1].flatMap({ Int64($0) }) {
                        facts.integerRange[column.name] = (low, high)
                    }
                }))
            case .date?, .timestamp?, .timestampTZ?:
                let index = expressions.count
                expressions.append("count(*) FILTER (WHERE \(name) < '1970-01-01' OR \(name) >= '2106-01-01')::text")
                readers.append((column.name, { facts, row in facts.outsideSink[column.name] = row[index].flatMap { Int64($0) } }))
            default:
                continue
            }
        }
        if !expressions.isEmpty {
            facts.sampled = estimate > 5_000_000
            let sql = "SELECT \(expressions.joined(separator: ", ")) FROM \(table.quoted)\(facts.sampled ? " TABLESAMPLE SYSTEM (1)" : "")"
            let row = try catalog.connection.query(sql).first ?? []
            for (_, read) in readers { read(&facts, row) }
        }
        let stats = try catalog.connection.query("""
            SELECT attname, n_distinct::float8 FROM pg_stats WHERE schemaname = $1 AND tablename = $2
            """, parameters: [table.schema ?? "public", table.name])
        for row in stats {
            guard let name = row[0], let value = row[1].flatMap({ Double($0) }) else { continue }
            facts.distinct[name] = value >= 0 ? Int64(value) : Int64(-value * Double(max(estimate, 0)))
        }
        return facts
    }
}
