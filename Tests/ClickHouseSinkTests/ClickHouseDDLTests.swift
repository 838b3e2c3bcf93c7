import ClickHouseSink
import SluiceCore
import Testing

@Suite struct ClickHouseDDLTests {
    let columns = [
        Field(name: "id", type: .int64, nullable: false),
        Field(name: "amount", type: .decimal(precision: 12, scale: 2), nullable: true),
        Field(name: "created_at", type: .timestamp, nullable: false),
        Field(name: "ver", type: .uint64, nullable: false),
        Field(name: "na`me", type: .string, nullable: true),
    ]

    @Test func createDatabaseAndDrop() {
        #expect(ClickHouseDDL.createDatabase("etl") == "CREATE DATABASE IF NOT EXISTS `etl`")
        #expect(ClickHouseDDL.dropDatabase("e`tl") == "DROP DATABASE IF EXISTS `e\\`tl`")
        #expect(ClickHouseDDL.dropTable(database: "a", table: "b") == "DROP TABLE IF EXISTS `a`.`b`")
    }

    @Test func mergeTreeWithPartition() throws {
        let definition = ClickHouseTableDefinition(database: "clean", name: "orders", columns: columns,
                                                   orderBy: ["id", "created_at"], partitionBy: .month(of: "created_at"))
        #expect(try ClickHouseDDL.createTable(definition) ==
            "CREATE TABLE IF NOT EXISTS `clean`.`orders` (`id` Int64, `amount` Nullable(Decimal(12, 2)), "
            + "`created_at` DateTime('UTC'), `ver` UInt64, `na\\`me` Nullable(String)) ENGINE = MergeTree() "
            + "PARTITION BY toYYYYMM(`created_at`) ORDER BY (`id`, `created_at`)")
    }

    @Test func replacingMergeTreeAndOtherKeys() throws {
        var definition = ClickHouseTableDefinition(database: "d", name: "t", columns: columns,
                                                   engine: .replacingMergeTree(versionColumn: "ver"), orderBy: ["id"])
        #expect(try ClickHouseDDL.createTable(definition).hasSuffix("ENGINE = ReplacingMergeTree(`ver`) ORDER BY (`id`)"))
        definition.engine = .replacingMergeTree(versionColumn: nil)
        definition.orderBy = []
        definition.partitionBy = .expression("intDiv(id, 1000)")
        #expect(try ClickHouseDDL.createTable(definition).hasSuffix("ENGINE = ReplacingMergeTree() PARTITION BY intDiv(id, 1000) ORDER BY tuple()"))
        definition.partitionBy = .day(of: "created_at")
        #expect(try ClickHouseDDL.createTable(definition).contains("PARTITION BY toYYYYMMDD(`created_at`)"))
        definition.partitionBy = .column("na`me")
        #expect(try ClickHouseDDL.createTable(definition).contains("PARTITION BY `na\\`me`"))
    }

    @Test func plainDateTimeMapping() throws {
        let definition = ClickHouseTableDefinition(database: "d", name: "t", columns: [columns[2]])
        #expect(try ClickHouseDDL.createTable(definition, mapping: .init(dateTimeTimeZone: nil))
            == "CREATE TABLE IF NOT EXISTS `d`.`t` (`created_at` DateTime) ENGINE = MergeTree() ORDER BY tuple()")
    }

    @Test(arguments: [
        (ClickHouseTableDefinition(database: "d", name: "t", columns: []), "at least one column", nil as String?),
        (ClickHouseTableDefinition(database: "", name: "t", columns: [Field(name: "a", type: .int32)]), "must not be empty", nil),
        (ClickHouseTableDefinition(database: "d", name: "t", columns: [Field(name: "a", type: .int32), Field(name: "a", type: .int64)]),
         "appears twice", "a"),
        (ClickHouseTableDefinition(database: "d", name: "t", columns: [Field(name: "a", type: .int32)], orderBy: ["b"]),
         "does not exist", "b"),
        (ClickHouseTableDefinition(database: "d", name: "t", columns: [Field(name: "a", type: .int32, nullable: true)], orderBy: ["a"]),
         "nullable", "a"),
        (ClickHouseTableDefinition(database: "d", name: "t", columns: [Field(name: "a", type: .int32, nullable: false)],
                                   engine: .replacingMergeTree(versionColumn: "a"), orderBy: ["a"]), "version column", "a"),
        (ClickHouseTableDefinition(database: "d", name: "t", columns: [Field(name: "a", type: .string)], partitionBy: .month(of: "a")),
         "date or timestamp", "a"),
        (ClickHouseTableDefinition(database: "d", name: "t", columns: [Field(name: "a", type: .string)], partitionBy: .expression("  ")),
         "empty", nil),
    ])
    func invalidDefinitions(definition: ClickHouseTableDefinition, message: String, column: String?) {
        let error = #expect(throws: SluiceError.self) { try ClickHouseDDL.createTable(definition) }
        #expect(error?.code == .clickHouseInvalidDefinition)
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
        #expect(error?.context.column == column)
        #expect(error?.context.table == "\(definition.database).\(definition.name)")
    }
}
