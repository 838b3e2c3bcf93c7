public import SluiceCore

/// DDL text for ClickHouse 18.16, generated from typed definitions. Pure; every identifier is quoted by
/// ``ClickHouseSQL/identifier(_:)``.
public enum ClickHouseDDL {
    /// `CREATE DATABASE IF NOT EXISTS `name``.
    public static func createDatabase(_ name: String) -> String {
        "CREATE DATABASE IF NOT EXISTS \(ClickHouseSQL.identifier(name))"
    }

    /// `DROP DATABASE IF EXISTS `name``.
    public static func dropDatabase(_ name: String) -> String {
        "DROP DATABASE IF EXISTS \(ClickHouseSQL.identifier(name))"
    }

    /// `DROP TABLE IF EXISTS `database`.`table``.
    public static func dropTable(database: String, table: String) -> String {
        "DROP TABLE IF EXISTS \(ClickHouseSQL.qualifiedName(database: database, table: table))"
    }

    /// `RENAME TABLE a TO b, c TO d` in `database`: all renames happen together.
    public static func rename(database: String, _ pairs: [(from: String, to: String)]) -> String {
        "RENAME TABLE " + pairs.map {
            ClickHouseSQL.qualifiedName(database: database, table: $0.from) + " TO " + ClickHouseSQL.qualifiedName(database: database, table: $0.to)
        }.joined(separator: ", ")
    }

    /// `ALTER TABLE target ATTACH PARTITION tuple() FROM source`: the parts of an unpartitioned `source` become
    /// parts of `target` at once (hard links; `source` keeps its own). Both tables must have the same structure.
    public static func attachAll(database: String, into target: String, from source: String) -> String {
        "ALTER TABLE \(ClickHouseSQL.qualifiedName(database: database, table: target)) ATTACH PARTITION tuple() FROM "
            + ClickHouseSQL.qualifiedName(database: database, table: source)
    }

    /// What ``partition(_:database:table:id:from:)`` does with one partition.
    public enum PartitionAction: String, Sendable {
        /// `ATTACH PARTITION ID 'p' FROM source`: the source's parts of `p` join the table (hard links).
        case attach = "ATTACH"
        /// `REPLACE PARTITION ID 'p' FROM source`: the table's partition `p` becomes a copy of the source's, at once.
        case replace = "REPLACE"
        /// `DROP PARTITION ID 'p'`.
        case drop = "DROP"
    }

    /// `ALTER TABLE t {ATTACH|REPLACE|DROP} PARTITION ID 'id' [FROM source]`, by partition id (`20240131` for a
    /// `toYYYYMMDD` key), which ClickHouse 18.16 accepts for all three.
    public static func partition(_ action: PartitionAction, database: String, table: String, id: String,
                                 from source: String? = nil) -> String {
        var sql = "ALTER TABLE \(ClickHouseSQL.qualifiedName(database: database, table: table)) \(action.rawValue) PARTITION ID "
            + ClickHouseSQL.stringLiteral(id)
        if let source { sql += " FROM " + ClickHouseSQL.qualifiedName(database: database, table: source) }
        return sql
    }

    /// `CREATE TABLE IF NOT EXISTS `db`.`t` (`c` Type, ...) ENGINE = ... [PARTITION BY ...] ORDER BY ...`.
    ///
    /// - Throws: ``SluiceError/Code/clickHouseInvalidDefinition`` for what ClickHouse would reject or
    ///   misread: no columns, duplicate or empty names, a sorting-key, partition or version column that
    ///   does not exist, a nullable sorting-key column ("Sorting key cannot contain nullable columns"), a
    ///   version column that is not an unsigned integer, Date or DateTime, a month/day partition of a
    ///   column that is not a date or timestamp.
    public static func createTable(_ definition: ClickHouseTableDefinition,
                                   mapping: ClickHouseTypeMapping = ClickHouseTypeMapping()) throws(SluiceError) -> String {
        try validate(definition)
        let columns = definition.columns.map { "\(ClickHouseSQL.identifier($0.name)) \(mapping.type(for: $0))" }
        var sql = "CREATE TABLE IF NOT EXISTS \(ClickHouseSQL.qualifiedName(database: definition.database, table: definition.name))"
        sql += " (" + columns.joined(separator: ", ") + ")"
        switch definition.engine {
        case .mergeTree:
            sql += " ENGINE = MergeTree()"
        case .replacingMergeTree(let version?):
            sql += " ENGINE = ReplacingMergeTree(\(ClickHouseSQL.identifier(version)))"
        case .replacingMergeTree(nil):
            sql += " ENGINE = ReplacingMergeTree()"
        }
        if let partition = definition.partitionBy {
            sql += " PARTITION BY " + partitionExpression(partition)
        }
        sql += " ORDER BY " + (definition.orderBy.isEmpty ? "tuple()"
            : "(" + definition.orderBy.map(ClickHouseSQL.identifier).joined(separator: ", ") + ")")
        return sql
    }

    static func partitionExpression(_ key: ClickHouseTableDefinition.PartitionKey) -> String {
        switch key {
        case .column(let name): ClickHouseSQL.identifier(name)
        case .month(let name): "toYYYYMM(\(ClickHouseSQL.identifier(name)))"
        case .day(let name): "toYYYYMMDD(\(ClickHouseSQL.identifier(name)))"
        case .expression(let text): text
        }
    }

    private static func validate(_ definition: ClickHouseTableDefinition) throws(SluiceError) {
        let context = ErrorContext(table: definition.qualifiedName)
        func fail(_ message: String, column: String? = nil) -> SluiceError {
            SluiceError(.clickHouseInvalidDefinition, message, context: ErrorContext(column: column).merged(into: context))
        }
        guard !definition.database.isEmpty, !definition.name.isEmpty else { throw fail("database and table names must not be empty") }
        guard !definition.columns.isEmpty else { throw fail("a table needs at least one column") }
        var seen = Set<String>()
        for field in definition.columns {
            guard !field.name.isEmpty else { throw fail("a column name is empty") }
            guard seen.insert(field.name).inserted else { throw fail("column appears twice", column: field.name) }
        }
        func field(_ name: String, role: String) throws(SluiceError) -> Field {
            guard let found = definition.columns.first(where: { $0.name == name }) else {
                throw fail("\(role) column does not exist", column: name)
            }
            return found
        }
        for name in definition.orderBy {
            let key = try field(name, role: "sorting key")
            guard !key.nullable else {
                throw fail("sorting key column is nullable; ClickHouse 18.16 does not allow nullable sorting keys", column: name)
            }
        }
        if case .replacingMergeTree(let version?) = definition.engine {
            let column = try field(version, role: "version")
            let allowed: Set<DataType> = [.uint8, .uint16, .uint32, .uint64, .date, .timestamp, .timestampTZ]
            guard allowed.contains(column.type), !column.nullable else {
                throw fail("version column must be a non-nullable unsigned integer, date or timestamp, not \(column.type)", column: version)
            }
        }
        switch definition.partitionBy {
        case .column(let name)?:
            _ = try field(name, role: "partition")
        case .month(let name)?, .day(let name)?:
            let column = try field(name, role: "partition")
            guard [.date, .timestamp, .timestampTZ].contains(column.type) else {
                throw fail("a month or day partition needs a date or timestamp column, not \(column.type)", column: name)
            }
        case .expression(let text)?:
            guard !text.allSatisfy(\.isWhitespace) else { throw fail("the partition expression is empty") }
        case nil:
            break
        }
    }
}

