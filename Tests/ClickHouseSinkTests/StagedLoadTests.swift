import ClickHouseSink
import Foundation
import Logging
import SluiceConfig
import SluiceCore
import SluicePipeline
import Testing

/// Loading through staging tables against the real ClickHouse 18.16: an insert whose rows cannot all be produced
/// is rejected whole, a task's rows become visible only when the driver commits them, and commits, reloads and
/// clean-ups touch exactly what they should.
@Suite(.serialized) struct StagedLoadTests {
    let schema = Schema([Field(name: "id", type: .int64, nullable: false), Field(name: "note", type: .string)])

    func batch(_ ids: Range<Int>) throws -> RecordBatch {
        try makeBatch(schema, ids.map { [.int(Int64($0)), .string("note \($0)")] })
    }

    /// Two whole batches, then a failure: what a damaged third row group of a shard looks like to the insert.
    struct BreaksAfterTwo: BatchSource, Sendable {
        var batches: [RecordBatch]
        mutating func next() throws(SluiceError) -> RecordBatch? {
            guard !batches.isEmpty else { throw SluiceError(.invalidBatch, "row group 2 of the shard cannot be read") }
            return batches.removeFirst()
        }
    }

    /// With compression too: the poison travels in a whole compressed block, which the server decompresses.
    @Test(arguments: ClickHouseCompression.testCases)
    func anInsertWhoseSourceFailsLeavesNothingBehind(compression: ClickHouseCompression) async throws {
        try await TestClickHouse.withDatabase(compression: compression) { client, database in
            try await client.createTable(ClickHouseTableDefinition(database: database, name: "t", columns: schema.fields, orderBy: ["id"]))
            let error = await #expect(throws: SluiceError.self) {
                try await client.insert(database: database, table: "t", schema: schema,
                                        from: BreaksAfterTwo(batches: [try batch(0..<1000), try batch(1000..<2000)]))
            }
            #expect(error?.message == "row group 2 of the shard cannot be read", "the source's own error, not the server's reply")
            // The server received two whole blocks and then the poison block: it rejected the insert as a whole.
            #expect(try await client.value("SELECT count() FROM \(database).t") == "0")
        }
    }

    /// `gatherBelow`: the sink's `gather_tasks_below` (0, the tests' default here: every task is attached when committed).
    func target(_ client: ClickHouseClient, database: String, replaces: Bool = false,
                gatherBelow: Int = 0) throws -> (ClickHouseWarehouse, SinkTarget, TableConfig) {
        let env = ProcessInfo.processInfo.environment
        let settings = try ConnectorSection(kind: "clickhouse", file: "t.yaml", text: """
            sink:
              clickhouse: {url: "\(client.config.url)", user: "\(client.config.user)", password: "${SLUICE_CH_PASSWORD}", database: \(database),
                           curated_database: \(database)_curated, gather_tasks_below: \(gatherBelow)}
            """, path: ["sink"], line: 2).decode(ClickHouseSettings.self, environment: env)
        let warehouse = try ClickHouseWarehouse(settings: settings, logger: Logger(label: "test"))
        let table = try tableConfig("""
              - {name: id, type: int64, nullable: false}
              - {name: note, type: string}
        """, cursor: nil)
        let target = try warehouse.target(for: SinkTableRequest(table: table, runID: "20261204T000000Z-abc", replacesContents: replaces,
                                                                stagedSchema: table.schema, cursorKind: nil))
        return (warehouse, target, table)
    }

    func task(_ id: UInt64, attempt: UInt32 = 1) -> TaskSpec {
        TaskSpec(id: id, attempt: attempt, runID: "20261204T000000Z-abc", table: "orders", partitionIndex: 0, partitionCount: 1,
                 read: .none, shardPath: "/unused")
    }

    @Test func stagedRowsBecomeVisibleOnlyWhenCommitted() async throws {
        try await TestClickHouse.withDatabase { client, database in
            let (warehouse, target, table) = try target(client, database: database)
            try await warehouse.prepare(target)
            let writer = ClickHouseStageWriter(client: client, logger: Logger(label: "test"))
            let first = try await writer.stage(BatchList([try batch(0..<700), try batch(700..<1000)]), schema: table.schema,
                                               for: task(1), into: target.work)
            #expect(first.rows == 1000)
            #expect(try await client.value("SELECT count() FROM \(database).orders") == "0", "staged, not visible")
            #expect(try await warehouse.commit(first.payload, into: target) == 1000)
            #expect(try await client.value("SELECT count() FROM \(database).orders") == "1000")

            // An attempt that breaks stages nothing; a superseded one is discarded, never committed.
            let failed = await #expect(throws: SluiceError.self) {
                try await writer.stage(BreaksAfterTwo(batches: [try batch(1000..<1500), try batch(1500..<2000)]),
                                       schema: table.schema, for: task(2), into: target.work)
            }
            #expect(failed?.context.task == "orders#0")
            let superseded = try await writer.stage(BatchList([try batch(2000..<2100)]), schema: table.schema, for: task(3), into: target.work)
            await warehouse.discard(superseded.payload, of: target)
            let leftover = try await writer.stage(BatchList([try batch(3000..<3010)]), schema: table.schema, for: task(4), into: target.work)
            #expect(leftover.rows == 10)
            await warehouse.cleanUp(target, succeeded: true)
            #expect(try await client.value("SELECT count() FROM \(database).orders") == "1000")
            #expect(try await client.value("SELECT count() FROM system.tables WHERE database = '\(database)'") == "1",
                    "no staging table is left behind")
        }
    }

    @Test func smallTasksAreGatheredIntoOnePartWhenTheTableFinishes() async throws {
        try await TestClickHouse.withDatabase { client, database in
            let (warehouse, target, table) = try target(client, database: database, gatherBelow: 10_000)
            try await warehouse.prepare(target)
            try await client.execute("SYSTEM STOP MERGES \(database).orders")
            let writer = ClickHouseStageWriter(client: client, logger: Logger(label: "test"))
            func stage(_ id: UInt64, _ rows: Range<Int>, attempt: UInt32 = 1) async throws -> SinkReceipt {
                try await writer.stage(BatchList([try batch(rows)]), schema: table.schema, for: task(id, attempt: attempt), into: target.work)
            }
            let big = try await stage(1, 0..<20_000)
            #expect(try await warehouse.commit(big.payload, into: target) == 20_000)
            #expect(try await client.value("SELECT count() FROM \(database).orders") == "20000", "a big task is attached at once")
            for id in UInt64(2)...4 {
                let small = try await stage(id, Int(id) * 100_000 ..< Int(id) * 100_000 + 300)
                #expect(try await warehouse.commit(small.payload, into: target) == 300)
            }
            let superseded = try await stage(2, 900_000..<900_050, attempt: 2)
            await warehouse.discard(superseded.payload, of: target)
            #expect(try await client.value("SELECT count() FROM \(database).orders") == "20000", "small tasks wait for the table's end")
            try await warehouse.finish(target)
            await warehouse.cleanUp(target, succeeded: true)
            #expect(try await client.value("SELECT count() FROM \(database).orders") == "20900")
            #expect(try await client.value("SELECT count() FROM system.parts WHERE database = '\(database)' AND table = 'orders' AND active") == "2",
                    "one part for the big task, one for the three small ones")
            #expect(try await client.value("SELECT count() FROM system.tables WHERE database = '\(database)'") == "1")
        }
    }

    @Test func aFullReloadReplacesTheTableOnlyWhenFinished() async throws {
        try await TestClickHouse.withDatabase { client, database in
            let writer = ClickHouseStageWriter(client: client, logger: Logger(label: "test"))
            let (warehouse, first, table) = try target(client, database: database, replaces: true)
            try await warehouse.prepare(first)
            _ = try await warehouse.commit(try await writer.stage(BatchList([try batch(0..<10)]), schema: table.schema,
                                                                  for: task(1), into: first.work).payload, into: first)
            try await warehouse.finish(first)
            await warehouse.cleanUp(first, succeeded: true)
            #expect(try await client.value("SELECT count() FROM \(database).orders") == "10")
            // A second reload that fails leaves the table as it was, and its copy is dropped.
            let (_, second, _) = try target(client, database: database, replaces: true)
            try await warehouse.prepare(second)
            _ = try await warehouse.commit(try await writer.stage(BatchList([try batch(0..<3)]), schema: table.schema,
                                                                  for: task(1), into: second.work).payload, into: second)
            await warehouse.cleanUp(second, succeeded: false)
            #expect(try await client.value("SELECT count() FROM \(database).orders") == "10")
            #expect(try await client.value("SELECT count() FROM system.tables WHERE database = '\(database)'") == "1")
        }
    }

    @Test func whatAKilledRunLeftBehindIsDroppedByTheNextRun() async throws {
        try await TestClickHouse.withDatabase { client, database in
            for name in ["orders__sluice_stage_20261203T000000Z_dead_t1_a1", "orders__sluice_reload_20261203T000000Z_dead",
                         "orders__sluice_old_20261203T000000Z_dead", "orders_other"] {
                try await client.execute("CREATE TABLE \(database).\(name) (id Int64) ENGINE = MergeTree ORDER BY id")
            }
            let (warehouse, target, _) = try target(client, database: database)
            try await warehouse.prepare(target)
            #expect(try await client.rows("SELECT name FROM system.tables WHERE database = '\(database)' ORDER BY name")
                .compactMap { $0.first ?? nil } == ["orders", "orders_other"])
        }
    }

    @Test func anExistingTableOfAnotherShapeIsReportedNotPaperedOver() async throws {
        try await TestClickHouse.withDatabase { client, database in
            try await client.execute("CREATE TABLE \(database).orders (id Int64, note String) ENGINE = MergeTree ORDER BY id")
            let (warehouse, target, _) = try target(client, database: database)
            let error = await #expect(throws: SluiceError.self) { try await warehouse.prepare(target) }
            #expect(error?.code == .clickHouseSchemaMismatch)
            #expect(error?.message.contains("column note is String in the table but Sluice sends Nullable(String)") == true)
            #expect(error?.message.contains("column _sluice_deleted does not exist") == true)
            #expect(error?.message.contains("migrate or drop") == true)
        }
    }
}
