import ClickHouseSink
import SluiceCore
import SluicePipeline
import Testing

@Suite struct FileLedgerTableTests {
    @Test func schemaIsTheDocumentedTable() throws {
        let ledger = FileLedgerTable(client: ClickHouseClient(config: .init(url: "http://unused")), database: "etl_metadata")
        #expect(try ClickHouseDDL.createTable(ledger.definition) ==
            "CREATE TABLE IF NOT EXISTS `etl_metadata`.`file_ledger` (`table_name` String, `generation` String, `file_key` String, "
            + "`file_tag` String, `run_id` String, `recorded_at` DateTime('UTC'), `version` UInt64) "
            + "ENGINE = MergeTree() ORDER BY (`table_name`, `generation`, `file_key`)")
    }

    /// Keys and tags as S3 and disks give them: unicode, tabs, newlines, quotes and backslashes survive the round trip.
    static let nasty = [
        FileVersion(key: "events/date=2026-11-01/part-0.parquet", tag: "d41d8cd98f00b204e9800998ecf8427e"),
        FileVersion(key: "events/date=2026-11-01/part-0.parquet", tag: "9b2cf535f27731c974343645a3985328-3"),
        FileVersion(key: "ünï/日本/🚀 it's \"q\" \\ back.parquet", tag: "1234-5678-99"),
        FileVersion(key: "tab\there/line\nbreak.parquet", tag: "t\tag"),
    ]

    @Test func generationsAddAndStartOver() async throws {
        try await TestClickHouse.withDatabase { client, database in
            let ledger = FileLedgerTable(client: client, database: database)
            try await ledger.ensureSchema()
            #expect(try await ledger.load(table: "events") == .none)

            // The first run starts the ledger, even with no file; a second adds to it.
            try await ledger.record([], table: "events", startingOver: true, runID: "run-1")
            #expect(try await ledger.load(table: "events") == FileLedger(generation: "run-1"))
            try await ledger.record(Array(Self.nasty.prefix(2)), table: "events", startingOver: false, runID: "run-2")
            try await ledger.record(Array(Self.nasty.suffix(2)) + [Self.nasty[0]], table: "events", startingOver: false, runID: "run-3")
            #expect(try await ledger.load(table: "events") == FileLedger(generation: "run-1", files: Set(Self.nasty)))

            // Another table is its own ledger; adding to a table with none starts one.
            try await ledger.record([Self.nasty[2]], table: "it's `odd`", startingOver: false, runID: "run-4")
            #expect(try await ledger.load(table: "it's `odd`") == FileLedger(generation: "run-4", files: [Self.nasty[2]]))

            // A full reload: the files it saw are the ledger now, the earlier ones no longer count.
            try await ledger.record([Self.nasty[3]], table: "events", startingOver: true, runID: "run-5")
            #expect(try await ledger.load(table: "events") == FileLedger(generation: "run-5", files: [Self.nasty[3]]))
            try await ledger.record([Self.nasty[1]], table: "events", startingOver: false, runID: "run-6")
            #expect(try await ledger.load(table: "events") == FileLedger(generation: "run-5", files: [Self.nasty[3], Self.nasty[1]]))
            // The earlier generation's rows go (a mutation, in the background); the other table's stay.
            var left = "?"
            for _ in 0..<100 {
                left = try await client.query("SELECT countIf(generation != 'run-5' AND table_name = 'events'), countIf(table_name != 'events') "
                                              + "FROM `\(database)`.`file_ledger` FORMAT TabSeparated")
                if left.hasPrefix("0\t") { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(left == "0\t2\n", "\(left)")

            // `sluice bookmark set`: the ledger is forgotten; the next run's files start a new one.
            try await ledger.forget(table: "events", runID: "operator-1")
            #expect(try await ledger.load(table: "events") == .none)
            #expect(try await ledger.load(table: "it's `odd`") == FileLedger(generation: "run-4", files: [Self.nasty[2]]))
            try await ledger.record([Self.nasty[0]], table: "events", startingOver: false, runID: "run-7")
            #expect(try await ledger.load(table: "events") == FileLedger(generation: "run-7", files: [Self.nasty[0]]))
        }
    }

    /// A new generation whose marker never arrived (the insert broke off after the file rows) does not count.
    @Test func aGenerationWithoutItsMarkerDoesNotCount() async throws {
        try await TestClickHouse.withDatabase { client, database in
            let ledger = FileLedgerTable(client: client, database: database)
            try await ledger.ensureSchema()
            try await ledger.record([Self.nasty[0]], table: "events", startingOver: true, runID: "run-1")
            _ = try await client.query("INSERT INTO `\(database)`.`file_ledger` (table_name, generation, file_key, file_tag, run_id, version) "
                                       + "VALUES ('events', 'run-2', 'stray.parquet', 'x', 'run-2', 18446744073709551000)")
            #expect(try await ledger.load(table: "events") == FileLedger(generation: "run-1", files: [Self.nasty[0]]))
        }
    }

    @Test func theBookmarkStoreCreatesAndReadsTheLedger() async throws {
        try await TestClickHouse.withDatabase { client, database in
            let store = ClickHouseBookmarkStore(table: CDCStateTable(client: client, database: database))
            // Before the store's tables exist: no ledger, nothing to forget, no error.
            #expect(try await store.fileLedger(table: "events") == .none)
            try await store.forgetFiles(table: "events", runID: "operator-1")
            try await store.prepare()
            try await store.recordFiles(Self.nasty, table: "events", startingOver: true, runID: "run-1")
            #expect(try await store.fileLedger(table: "events") == FileLedger(generation: "run-1", files: Set(Self.nasty)))
        }
    }
}
