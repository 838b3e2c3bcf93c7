import ClickHouseSink
import SluiceConfig
import SluiceCore
import Testing

/// The SQL that builds a curated table, without a server (the integration tests run it against one).
@Suite struct CuratedLayerSQLTests {
    func layer(_ curated: CuratedConfig) throws -> CuratedLayer {
        let table = try tableConfig("""
              - {name: id, type: int64, nullable: false}
              - {name: note, type: string}
              - {name: updated_at, type: timestamp, nullable: false}
        """, key: "[id, updated_at]")
        let layout = CleanLayout(table: table, stagedSchema: table.schema)
        return CuratedLayer(config: curated, database: "cur", cleanDatabase: "clean", cleanTable: "orders", layout: layout, run: "R1")
    }

    @Test func theDefaultIsTheLiveRowsOrderedByTheKey() throws {
        let curated = try layer(CuratedConfig())
        #expect(curated.query == "SELECT `id`, `note`, `updated_at`, `updated_at_us` FROM (SELECT `id`, `note`, `updated_at`, "
            + "`updated_at_us`, `_sluice_deleted` FROM `clean`.`orders` FINAL) WHERE `_sluice_deleted` = 0")
        #expect(curated.buildStatements == [
            "DROP TABLE IF EXISTS `cur`.`orders__sluice_build_R1`",
            "CREATE TABLE `cur`.`orders__sluice_build_R1` ENGINE = MergeTree() ORDER BY (`id`, `updated_at`, `updated_at_us`) AS "
                + curated.query,
        ])
        #expect(curated.retiredTable == "orders__sluice_old_R1")
        #expect(curated.leftoverPrefixes == ["orders__sluice_build_", "orders__sluice_old_"])
    }

    @Test func aSelectGetsItsPlaceholdersKeyAndPartition() throws {
        let curated = try layer(CuratedConfig(table: "daily", select: "SELECT count() AS n FROM {{ clean }} JOIN {{live}} USING id",
                                              orderBy: [], partitionBy: "n % 2"))
        #expect(curated.qualifiedName == "cur.daily")
        #expect(curated.buildStatements[1].hasPrefix(
            "CREATE TABLE `cur`.`daily__sluice_build_R1` ENGINE = MergeTree() PARTITION BY n % 2 ORDER BY tuple() AS "
                + "SELECT count() AS n FROM `clean`.`orders` JOIN (SELECT `id`, "))
    }
}

/// The day partitions an append run replaces, named as ClickHouse names `toYYYYMMDD` partitions.
@Suite struct DayPartitionsTests {
    @Test func windowsBecomePartitionIDs() {
        let window = CursorWindow(after: CursorValue(text: "2024-01-04 23:59:59.999999", kind: .timestamp),
                                  upTo: CursorValue(text: "2024-01-06 23:59:59.999999", kind: .timestamp))
        let days = DayPartitions(window: window)
        #expect(days == DayPartitions(first: 20240105, last: 20240106))
        #expect(days.contains("20240105") && days.contains("20240106"))
        #expect(!days.contains("20240104") && !days.contains("20240107") && !days.contains("all"))
        #expect(days.description == "2024-01-05 ... 2024-01-06")
        let open = DayPartitions(window: CursorWindow(after: CursorValue(text: "2023-12-31", kind: .date)))
        #expect(open == DayPartitions(first: 20240101, last: nil) && open.contains("29991231"))
        #expect(open.description == "2024-01-01 onwards")
    }
}
