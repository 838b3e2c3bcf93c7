import ClickHouseSink
import SluiceCore
import Synchronization
import Testing

@Suite struct BookmarkStoreTests {
    /// A clock the test moves by hand.
    final class TestClock: Sendable {
        let micros = Mutex<Int64>(1_700_000_000_000_000)
        func set(_ value: Int64) { micros.withLock { $0 = value } }
        func read() -> Int64 { micros.withLock { $0 } }
    }

    @Test func schemaIsTheDocumentedTable() throws {
        let store = CDCStateTable(client: ClickHouseClient(config: .init(url: "http://unused")), database: "etl_metadata")
        #expect(try ClickHouseDDL.createTable(store.definition) ==
            "CREATE TABLE IF NOT EXISTS `etl_metadata`.`cdc_state` (`table_name` String, "
            + "`last_extracted_time` Nullable(DateTime('UTC')), `last_extracted_value` Nullable(String), `backfill` UInt8, "
            + "`backfill_changed_at` DateTime('UTC'), `run_id` String, `updated_at` DateTime('UTC'), `version` UInt64) "
            + "ENGINE = ReplacingMergeTree(`version`) ORDER BY (`table_name`)")
    }

    @Test func saveLoadAndLatestWins() async throws {
        try await TestClickHouse.withDatabase { client, database in
            let clock = TestClock()
            let store = CDCStateTable(client: client, database: database, now: { clock.read() })
            try await store.ensureSchema()
            try await store.ensureSchema()  // idempotent
            #expect(try await store.load(table: "orders") == nil)

            let first = CDCStateRow(table: "orders", lastExtractedValue: "2024-01-02 03:04:05.123456",
                                 lastExtractedTime: 1_704_164_645_123_456, backfill: true,
                                 backfillChangedAt: 1_699_999_999_500_000, runID: "run-1")
            let saved = try await store.save(first)
            #expect(saved.version == 1_700_000_000_000_000)
            #expect(saved.updatedAt == 1_700_000_000_000_000)
            #expect(saved.lastExtractedTime == 1_704_164_645_000_000)  // whole seconds
            #expect(saved.backfillChangedAt == 1_699_999_999_000_000)
            #expect(try await store.load(table: "orders") == saved)

            // A later save wins before any merge, even when the clock went back.
            clock.set(1_600_000_000_000_000)
            var second = first
            second.lastExtractedValue = "2024-02-01 00:00:00.000001"
            second.lastExtractedTime = 1_706_745_600_000_001
            second.backfill = false
            second.backfillChangedAt = 1_600_000_000_000_000
            second.runID = "run-2"
            let savedSecond = try await store.save(second)
            #expect(savedSecond.version == saved.version + 1)
            #expect(try await store.load(table: "orders") == savedSecond)

            // Other tables, odd names, a cursor before 1970 (kept exactly as text, NULL as a DateTime).
            clock.set(1_800_000_000_000_000)
            let odd = CDCStateRow(table: "it's `odd` 日本", lastExtractedValue: "-42", lastExtractedTime: -5_000_000,
                               backfill: true, backfillChangedAt: 0, runID: "run-3")
            let savedOdd = try await store.save(odd)
            #expect(savedOdd.lastExtractedTime == nil)
            #expect(try await store.load(table: odd.table) == savedOdd)
            let empty = CDCStateRow(table: "empty", lastExtractedValue: nil, lastExtractedTime: nil, backfill: true,
                                 backfillChangedAt: 1_800_000_000_000_000, runID: "run-3")
            let savedEmpty = try await store.save(empty)
            #expect(try await store.loadAll() == [savedEmpty, savedOdd, savedSecond])

            // After merges the newest version is what remains.
            try await client.execute("OPTIMIZE TABLE \(ClickHouseSQL.qualifiedName(database: database, table: "cdc_state")) FINAL")
            #expect(try await store.load(table: "orders") == savedSecond)
            let count = try await client.value("SELECT count() FROM \(ClickHouseSQL.qualifiedName(database: database, table: "cdc_state"))")
            #expect(count == "3")
        }
    }
}
