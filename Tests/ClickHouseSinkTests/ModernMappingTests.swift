@testable import ClickHouseSink
import Foundation
import Logging
import SluiceConfig
import SluiceCore
import SluicePipeline
import Testing

/// The modern type mapping without a server: types, the clean layout, DDL text, limits, and what travels to executors.
@Suite struct ModernMappingTests {
    @Test func everySluiceTypeUnderTheModernMapping() {
        let mapping = ClickHouseTypeMapping.modern
        let expected: [(DataType, String)] = [
            (.boolean, "Bool"), (.int8, "Int8"), (.int16, "Int16"), (.int32, "Int32"), (.int64, "Int64"), (.uint8, "UInt8"),
            (.uint16, "UInt16"), (.uint32, "UInt32"), (.uint64, "UInt64"), (.float32, "Float32"), (.float64, "Float64"),
            (.decimal(precision: 9, scale: 2), "Decimal(9, 2)"), (.decimal(precision: 38, scale: 10), "Decimal(38, 10)"),
            (.string, "String"), (.json, "String"), (.binary, "String"), (.uuid, "UUID"), (.date, "Date32"), (.time, "String"),
            (.timestamp, "DateTime64(6, 'UTC')"), (.timestampTZ, "DateTime64(6, 'UTC')"),
        ]
        for (type, name) in expected {
            #expect(mapping.type(for: type).description == name, "\(type)")
        }
        #expect(mapping.type(for: Field(name: "d", type: .date, nullable: true)).description == "Nullable(Date32)")
        #expect(ClickHouseTypeMapping(dateTimeTimeZone: nil, capabilities: mapping.capabilities).type(for: .timestamp).description == "DateTime64(6)")
    }

    @Test func lowCardinalityOnlyForDeclaredStringsOnServersThatHaveIt() {
        let modern = ClickHouseTypeMapping.modern.withLowCardinality(["status", "label", "count"])
        #expect(modern.type(for: Field(name: "status", type: .string, nullable: false)).description == "LowCardinality(String)")
        #expect(modern.type(for: Field(name: "label", type: .string, nullable: true)).description == "LowCardinality(Nullable(String))")
        #expect(modern.type(for: Field(name: "note", type: .string, nullable: true)).description == "Nullable(String)")
        #expect(modern.type(for: Field(name: "count", type: .int64, nullable: false)).description == "Int64", "strings only")
        let legacy = ClickHouseTypeMapping.legacy.withLowCardinality(["status"])
        #expect(legacy.type(for: Field(name: "status", type: .string, nullable: false)).description == "String",
                "18.16 needs an experimental setting for LowCardinality: the legacy mapping ignores it")
        let type = modern.type(for: Field(name: "label", type: .string, nullable: true))
        #expect(type.isNullable && type.nonNullable == .lowCardinality(.string) && type.fixedWidth == nil)
    }

    @Test func theCleanLayoutNeedsNoCompanionsWhenTimestampsKeepMicroseconds() throws {
        let table = try ModernTargets.table()
        let staged = ModernTargets.stagedSchema(table)
        let modern = CleanLayout(table: table, stagedSchema: staged, mapping: .modern)
        #expect(modern.fields.map(\.name) == table.columns.map(\.name) + ["_sluice_deleted", "_sluice_version"])
        #expect(modern.orderBy == ["id", "mtime"])
        #expect(modern.companions.isEmpty)
        let legacy = CleanLayout(table: table, stagedSchema: staged)
        #expect(legacy.fields.map(\.name).filter { $0.hasSuffix("_us") } == ["mtime_us", "seen_at_us"])
        #expect(legacy.orderBy == ["id", "mtime", "mtime_us"])
        // A DateTime64 server before Date32 still needs no companions.
        let early = CleanLayout(table: table, stagedSchema: staged, mapping: ClickHouseTypeMapping(serverVersion: ClickHouseServerVersion(20, 1)))
        #expect(early.companions.isEmpty)
    }

    @Test func theCleanAndStagingTablesOfAModernTarget() throws {
        let (_, target) = try ModernTargets.target(try ModernTargets.warehouse(), table: try ModernTargets.table())
        let columns = "(`id` Int64, `mtime` DateTime64(6, 'UTC'), `status` LowCardinality(String), `label` LowCardinality(Nullable(String)), "
            + "`note` Nullable(String), `amount` Nullable(Decimal(38, 10)), `born` Nullable(Date32), `flag` Nullable(Bool), "
            + "`uid` Nullable(UUID), `seen_at` Nullable(DateTime64(6, 'UTC')), `updated_at` DateTime64(6, 'UTC'), "
            + "`_sluice_deleted` Bool, `_sluice_version` UInt64)"
        #expect(try target.createLoadTable() == "CREATE TABLE IF NOT EXISTS `clean`.`orders` \(columns) "
            + "ENGINE = ReplacingMergeTree(`_sluice_version`) ORDER BY (`id`, `mtime`)")
        #expect(try target.createStageTable(task: 7, attempt: 2) == "CREATE TABLE IF NOT EXISTS "
            + "`clean`.`orders__sluice_stage_20261204T000000Z_abc_t7_a2` \(columns) ENGINE = MergeTree() ORDER BY (`id`, `mtime`)")
        #expect(target.addColumn("note") == "ALTER TABLE `clean`.`orders` ADD COLUMN `note` Nullable(String) AFTER `label`")
        #expect(target.addColumn("label") == "ALTER TABLE `clean`.`orders` ADD COLUMN `label` LowCardinality(Nullable(String)) AFTER `status`")
        let curated = try #require(target.curated)
        #expect(curated.query == "SELECT `id`, `mtime`, `status`, `label`, `note`, `amount`, `born`, `flag`, `uid`, `seen_at`, `updated_at` "
            + "FROM (SELECT `id`, `mtime`, `status`, `label`, `note`, `amount`, `born`, `flag`, `uid`, `seen_at`, `updated_at`, "
            + "`_sluice_deleted` FROM `clean`.`orders` FINAL) WHERE `_sluice_deleted` = 0")
        #expect(curated.buildStatements[1].hasPrefix("CREATE TABLE `curated`.`orders__sluice_build_20261204T000000Z_abc` ENGINE = MergeTree() ORDER BY (`id`, `mtime`) AS SELECT"))
    }

    @Test func theLegacyPathIsUnchanged() throws {
        let table = try ModernTargets.table()
        for warehouse in [try ModernTargets.warehouse(version: "18.16.1"), try ModernTargets.warehouse(version: "25.3.2.1", typeMapping: "legacy")] {
            let (_, target) = try ModernTargets.target(warehouse, table: table)
            #expect(target.mapping.isLegacy)
            let layout = CleanLayout(table: table, stagedSchema: ModernTargets.stagedSchema(table))
            #expect(target.layout == layout)
            let definition = ClickHouseTableDefinition(database: "clean", name: "orders", columns: layout.fields,
                                                       engine: .replacingMergeTree(versionColumn: "_sluice_version"), orderBy: layout.orderBy)
            #expect(try target.createLoadTable() == ClickHouseDDL.createTable(definition))
            #expect(warehouse.limits == SinkLimits(dates: ClickHouseTypeMapping.dateRange, timestamps: ClickHouseTypeMapping.timestampMicrosecondsRange))
        }
    }

    @Test func theMappingTravelsToExecutorsInTheTarget() throws {
        let (sinkTarget, target) = try ModernTargets.target(try ModernTargets.warehouse(), table: try ModernTargets.table())
        #expect(target.mapping == ClickHouseTypeMapping.modern.withLowCardinality(["status", "label"]))
        let json = String(decoding: sinkTarget.work.bytes, as: UTF8.self)
        #expect(json.contains(#""capabilities":["low_cardinality","datetime64","decimal256","datetime64_from_1925","date32","bool","dates_from_1900"]"#), "\(json)")
        #expect(json.contains(#""lowCardinalityColumns":["label","status"]"#), "sorted, so the same mapping gives the same JSON")
        let encoded = try JSONEncoder().encode(ClickHouseTypeMapping(serverVersion: ClickHouseServerVersion(20, 1)))
        #expect(try JSONDecoder().decode(ClickHouseTypeMapping.self, from: encoded) == ClickHouseTypeMapping(serverVersion: ClickHouseServerVersion(20, 1)))
    }

    @Test func limitsFollowTheConnectedServer() throws {
        let modern = try ModernTargets.warehouse()
        #expect(modern.limits.dates == CivilTime.parseDate("1900-01-01")!...CivilTime.parseDate("2299-12-31")!)
        #expect(modern.limits.timestamps == CivilTime.parseTimestamp("1900-01-01 00:00:00")!.microseconds
            ... CivilTime.parseTimestamp("2299-12-31 23:59:59.999999")!.microseconds)
        #expect(modern.summary == "clickhouse default@127.0.0.1:1: ClickHouse 25.3.2.1, modern types")
        let unconnected = try ClickHouseWarehouse(settings: try ModernTargets.settings(), logger: .init(label: "test"))
        #expect(unconnected.mapping == .legacy, "auto before the version is known: the types every server reads")
        #expect(unconnected.summary == "clickhouse default@127.0.0.1:1")
        let pinned = try ClickHouseWarehouse(settings: try ModernTargets.settings(typeMapping: "modern"), logger: .init(label: "test"))
        #expect(pinned.mapping == .modern)
    }

    @Test func aPinOfModernAgainst18_16FailsWhenTheRunConnects() throws {
        let error = #expect(throws: SluiceError.self) { try ModernTargets.warehouse(version: "18.16.1", typeMapping: "modern") }
        #expect(error?.code == .clickHouseTypeMappingUnsupported)
        #expect(error?.message.contains("ClickHouse 127.0.0.1:1 is version 18.16.1") == true)
    }

    @Test func typeMappingIsOneOfThreeSpellings() throws {
        #expect(try ModernTargets.settings().typeMapping == .auto)
        let error = #expect(throws: SluiceError.self) { try ModernTargets.settings(typeMapping: "newest") }
        #expect(error?.message.contains("'newest' is not one of auto, legacy or modern") == true, "\(error?.message ?? "")")
    }

    @Test func aTableOfTheLegacyTypesIsRecognisedOnAModernServer() throws {
        let fields = [Field(name: "id", type: .int64, nullable: false), Field(name: "at", type: .timestamp, nullable: false)]
        let legacyTable: [(name: String, type: String)] = [("id", "Int64"), ("at", "DateTime('UTC')"), ("at_us", "UInt32")]
        #expect(ClickHouseWarehouse.hasLegacyTypes(legacyTable, fields: fields, mapping: .modern))
        #expect(!ClickHouseWarehouse.hasLegacyTypes([("id", "Int64"), ("at", "String")], fields: fields, mapping: .modern))
        #expect(!ClickHouseWarehouse.hasLegacyTypes(legacyTable, fields: fields, mapping: .legacy))
    }

    @Test func dateTime64ZonesAreDisplayOnly() {
        let sent = ClickHouseType.dateTime64(precision: 6, timeZone: "UTC")
        #expect(sent.isWireCompatible(withTableType: "DateTime64(6)"))
        #expect(sent.isWireCompatible(withTableType: "Nullable(DateTime64(6, 'Europe/Berlin'))") == false, "nullability differs")
        #expect(ClickHouseType.nullable(sent).isWireCompatible(withTableType: "Nullable(DateTime64(6, 'Europe/Berlin'))"))
        #expect(!sent.isWireCompatible(withTableType: "DateTime64(3, 'UTC')"), "the precision is the stored unit")
        #expect(!sent.isWireCompatible(withTableType: "DateTime('UTC')"))
    }
}
