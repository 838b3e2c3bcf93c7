import ClickHouseSink
import Foundation
import SluiceConfig
import SluiceCore
import SluicePipeline
import Testing

/// The modern mapping against an independent implementation: chdb (ClickHouse 26 in process) runs every statement Sluice
/// generates for it and reads its Native bodies back with the declared types. No modern server is installed here.
@Suite struct ChdbModernTests {
    func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("chsink-modern-\(UUID()).native").path
    }

    /// Three staged rows of ``ModernTargets/table()``, the second soft-deleted.
    func stagedRows(_ table: TableConfig) throws -> RecordBatch {
        let at = { (text: String) in Value.int(CivilTime.parseTimestamp(text)!.microseconds) }
        return try makeBatch(ModernTargets.stagedSchema(table), [
            [.int(1), at("1900-01-01 00:00:00.000001"), .string("paid"), .string("eu"), .string("n"), .decimal(DecimalText.powerOfTen(38) - 1, scale: 10),
             .int(CivilTime.parseDate("1900-01-01")!), .boolean(true), .bytes(Array(repeating: 7, count: 16)), at("2299-12-31 23:59:59.999999"),
             at("2024-03-10 12:00:00.5+02:00"), .boolean(false)],
            [.int(2), at("1969-12-31 23:59:59.999999"), .string("new"), .null, .null, .null, .null, .null, .null, .null,
             at("2024-03-10 10:00:00.5Z"), .boolean(true)],
            [.int(3), at("2299-12-31 23:59:59.999999"), .string("paid"), .string(""), .string("ü"), .decimal(-1, scale: 10),
             .int(CivilTime.parseDate("2299-12-31")!), .boolean(false), .null, .null, at("2024-03-10 10:00:01Z"), .boolean(false)],
        ])
    }

    @Test func everyStatementOfTheModernMappingRunsWithTheExpectedTypes() throws {
        let warehouse = try ModernTargets.warehouse()
        let table = try ModernTargets.table()
        let (_, target) = try ModernTargets.target(warehouse, table: table)
        let curated = try #require(target.curated)
        let stage = target.stageTable(task: 1, attempt: 1)

        // What a task stages: the clean layout's batch, encoded as the stage writer's insert body encodes it.
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let block = try ClickHouseNativeEncoder(schema: target.layout.schema, mapping: target.mapping)
            .encode(try target.layout.sinkBatch(from: try stagedRows(table)))
        try Data(block).write(to: URL(fileURLWithPath: path))

        // A table made before `note` was declared, which schema evolution extends.
        var evolved = target
        evolved.table = "orders_evolved"
        let metadata = ClickHouseClient(config: ClickHouseConfig(url: "http://127.0.0.1:1"))
        let cdcState = CDCStateTable(client: metadata, database: "etl_metadata"), runs = RunsTable(client: metadata, database: "etl_metadata")

        let results = try ChdbSession.run([
            .statement(ClickHouseDDL.createDatabase("clean")),
            .statement(ClickHouseDDL.createDatabase("curated")),
            .statement(ClickHouseDDL.createDatabase("etl_metadata")),
            .statement(try target.createLoadTable()),
            .statement(try target.createStageTable(task: 1, attempt: 1)),
            .statement("INSERT INTO \(ClickHouseSQL.qualifiedName(database: "clean", table: stage)) FROM INFILE \(ClickHouseSQL.stringLiteral(path)) FORMAT Native"),
            .statement(ClickHouseDDL.attachAll(database: "clean", into: target.loadTable, from: stage)),
            .statement(ClickHouseDDL.dropTable(database: "clean", table: stage)),
        ] + curated.buildStatements.map(ChdbSession.Step.statement) + [
            .statement(ClickHouseDDL.rename(database: curated.database, [(curated.buildTable, curated.table)])),
            .statement(try ClickHouseDDL.createTable(
                ClickHouseTableDefinition(database: "clean", name: "orders_evolved", columns: target.layout.fields.filter { $0.name != "note" },
                                          engine: .replacingMergeTree(versionColumn: CleanLayout.versionColumn), orderBy: target.layout.orderBy),
                mapping: target.mapping)),
            .statement(try #require(evolved.addColumn("note"))),
            .statement(try ClickHouseDDL.createTable(cdcState.definition)),
            .statement(try ClickHouseDDL.createTable(runs.definition)),
            ChdbSession.columnsQuery(database: "clean", table: "orders"),
            ChdbSession.columnsQuery(database: "curated", table: "orders"),
            ChdbSession.columnsQuery(database: "clean", table: "orders_evolved"),
            ChdbSession.columnsQuery(database: "etl_metadata", table: "cdc_state"),
            ChdbSession.columnsQuery(database: "etl_metadata", table: "runs"),
            .query("SELECT id, toString(mtime), status, label, toString(born), toString(flag), toString(_sluice_deleted), "
                + "toUnixTimestamp64Micro(updated_at) FROM clean.orders ORDER BY id"),
            .query("SELECT id FROM curated.orders ORDER BY id"),
        ])
        let (clean, curatedColumns, evolvedColumns, cdcColumns, runsColumns) = (results[0], results[1], results[2], results[3], results[4])

        let expected = target.layout.fields.map { [$0.name, target.mapping.type(for: $0).description] as [String?] }
        #expect(clean == expected)
        for (name, type) in [("mtime", "DateTime64(6, 'UTC')"), ("status", "LowCardinality(String)"), ("label", "LowCardinality(Nullable(String))"),
                             ("amount", "Nullable(Decimal(38, 10))"), ("born", "Nullable(Date32)"), ("flag", "Nullable(Bool)"),
                             ("seen_at", "Nullable(DateTime64(6, 'UTC'))"), ("_sluice_deleted", "Bool")] {
            #expect(clean.contains([name, type]), "\(name) \(type) in \(clean)")
        }
        #expect(!clean.contains { $0[0]?.hasSuffix("_us") == true }, "no companion columns")
        let check = ClickHouseColumnCheck(expected: target.layout.fields.map { .init(field: $0, type: target.mapping.type(for: $0)) },
                                          actual: clean.map { ($0[0]!, $0[1]!) }, exact: true)
        #expect(check.problems.isEmpty, "the pre-insert check accepts what the server prints: \(check.problems)")
        #expect(curatedColumns == Array(expected.dropLast(2)), "the curated table keeps the clean types")
        #expect(evolvedColumns == expected, "the added column lands in its place with its type")
        #expect(cdcColumns == cdcState.definition.columns.map { [$0.name, ClickHouseTypeMapping.legacy.type(for: $0).description] })
        #expect(runsColumns == runs.definition.columns.map { [$0.name, ClickHouseTypeMapping.legacy.type(for: $0).description] })

        #expect(results[5] == [
            ["1", "1900-01-01 00:00:00.000001", "paid", "eu", "1900-01-01", "true", "false", String(CivilTime.parseTimestamp("2024-03-10 10:00:00.5Z")!.microseconds)],
            ["2", "1969-12-31 23:59:59.999999", "new", nil, nil, nil, "true", String(CivilTime.parseTimestamp("2024-03-10 10:00:00.5Z")!.microseconds)],
            ["3", "2299-12-31 23:59:59.999999", "paid", "", "2299-12-31", "false", "false", String(CivilTime.parseTimestamp("2024-03-10 10:00:01Z")!.microseconds)],
        ])
        #expect(results[6] == [["1"], ["3"]], "the soft-deleted row is not live")
    }

    /// The blocks of one insert body, as ``NativeInsertBody`` hands them to libcurl, written to a file.
    func writeBody(_ rows: [[Value]], splits: [Int], to path: String) throws {
        var batches: [RecordBatch] = []
        var start = 0
        for size in splits + [rows.count] where start < rows.count {
            let end = min(rows.count, start + size)
            batches.append(try makeBatch(ModernAllTypesFixture.schema, Array(rows[start..<end])))
            start = end
        }
        let body = NativeInsertBody(encoder: ClickHouseNativeEncoder(schema: ModernAllTypesFixture.schema, mapping: ModernAllTypesFixture.mapping),
                                    batches: SequenceBatchSource(batches))
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 100_000)
        while true {
            let count = try buffer.withUnsafeMutableBytes { try body.fill($0) }
            if count == 0 { break }
            bytes += buffer[0..<count]
        }
        #expect(body.progress.batches == batches.count)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// Reads a Native file with the declared structure (no conversion allowed) and returns its header types and rows.
    func chdbRead(_ path: String) throws -> (header: [[String?]], rows: [[String?]]) {
        let file = "file(\(ClickHouseSQL.stringLiteral(path)), Native"
        let results = try ChdbSession.run([
            .query("DESCRIBE \(file))"),
            .query("SELECT \(ModernAllTypesFixture.selectList) FROM \(file), \(ClickHouseSQL.stringLiteral(ModernAllTypesFixture.structure))) "
                + "ORDER BY id SETTINGS input_format_native_allow_types_conversion = 0"),
        ])
        return (results[0].map { Array($0.prefix(2)) }, results[1])
    }

    @Test func chdbReadsModernBodiesOfManyBlocksWithTheDeclaredTypes() throws {
        let fixture = ModernAllTypesFixture(count: 1000)
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try writeBody(fixture.rows, splits: [1, 4, 255, 300], to: path)
        let (header, rows) = try chdbRead(path)
        #expect(header == ModernAllTypesFixture.schema.fields.map { [$0.name, ModernAllTypesFixture.mapping.type(for: $0).description] })
        #expect(header.contains(["lcn", "LowCardinality(Nullable(String))"]) && header.contains(["tz", "DateTime64(6, 'UTC')"]))
        try #require(rows.count == fixture.rows.count)
        var mismatches: [String] = []
        for (index, (printed, sent)) in zip(rows, fixture.rows).enumerated() {
            mismatches += ModernAllTypesFixture.mismatches(printed, sent, row: index)
        }
        let count = mismatches.count
        #expect(count == 0, "\(mismatches.prefix(10))")
        #expect(ModernAllTypesFixture.firstInstant == ModernAllTypesFixture.sameInstantElsewhere)
        let tz = ModernAllTypesFixture.schema.fields.firstIndex { $0.name == "tz" }!
        #expect(fixture.rows[3][tz] == fixture.rows[4][tz], "one instant written in two zones loads as one value")
    }

    /// The comparison is not blind: a Date32 encoder one day off would fail the test above on every non-NULL date.
    @Test func anOffByOneDayInDate32WouldBeCaught() throws {
        let fixture = ModernAllTypesFixture(count: 300)
        let date = ModernAllTypesFixture.schema.fields.firstIndex { $0.name == "d" }!
        let shifted = fixture.rows.map { row in
            var row = row
            if case .int(let days) = row[date], days < ClickHouseTypeMapping.modern.dateDays.upperBound { row[date] = .int(days + 1) }
            return row
        }
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try writeBody(shifted, splits: [100], to: path)
        let rows = try chdbRead(path).rows
        let mismatches = zip(rows, fixture.rows).enumerated().flatMap { ModernAllTypesFixture.mismatches($1.0, $1.1, row: $0) }
        let changed = zip(shifted, fixture.rows).filter { $0[date] != $1[date] }.count
        #expect(changed > 200)
        #expect(mismatches.count == changed && mismatches.allSatisfy { $0.contains(" d: ") }, "\(mismatches.prefix(3))")
    }
}
