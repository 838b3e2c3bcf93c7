import Foundation
import SluiceCore
import Synchronization
import Testing
@testable import PostgresSource

/// Collects batches handed over on the extraction thread.
final class BatchSink: Sendable {
    let batches = Mutex<[RecordBatch]>([])
    func append(_ batch: RecordBatch) { batches.withLock { $0.append(batch) } }
    var all: [RecordBatch] { batches.withLock { $0 } }
}

@Suite("Extraction against PostgreSQL 15", .serialized)
struct ExtractorTests {
    let connection: PostgresConnection

    init() throws {
        connection = try TestDatabase.connect()
    }

    func orders(_ table: String, rows: Int) throws {
        try connection.execute("""
            DROP TABLE IF EXISTS \(table);
            CREATE TABLE \(table) (id bigint PRIMARY KEY, amount numeric(12,2), note text, updated_at timestamp NOT NULL);
            INSERT INTO \(table) SELECT g, (g % 1000) / 7.0, CASE WHEN g % 10 = 0 THEN NULL ELSE 'note ' || g END,
                                       '2024-01-01'::timestamp + g * interval '1 second' + (g % 7) * interval '1 microsecond'
            FROM generate_series(1, \(rows)) g;
            """)
    }

    func source(_ table: String, predicates: [PostgresPredicate] = [], snapshot: String? = nil)
        throws -> (PostgresReadSpec, Schema) {
        let name = PostgresTableName(name: table)
        let columns = try PostgresCatalog(connection).describe(name)
        let query = PostgresQuery(table: name, columns: columns, predicates: predicates)
        let schema = Schema(columns.map { $0.suggestedField! })
        return (try query.readSpec(snapshot: snapshot), schema)
    }

    @Test func extractsAWholeTableInBoundedBatches() async throws {
        try orders("extract_orders", rows: 50_000)
        let (task, schema) = try source("extract_orders")
        let sink = BatchSink()
        let stats = try await PostgresExtractor.extract(
            config: try TestDatabase.config(), source: task, schema: schema,
            options: CopyDecodeOptions(batchRowCount: 4096, cursorColumn: "updated_at", table: "extract_orders")) { sink.append($0) }
        let batches = sink.all
        #expect(stats.rows == 50_000)
        #expect(stats.batches == batches.count)
        #expect(batches.allSatisfy { $0.rowCount <= 4096 })
        #expect(batches.map(\.rowCount).reduce(0, +) == 50_000)
        #expect(stats.bytes > 50_000 * 20)
        // Column checksums against PostgreSQL's own.
        var idSum: Int64 = 0, amountSum: Int128 = 0, nullNotes = 0, noteBytes = 0
        for batch in batches {
            guard case .int64(let ids) = batch.columns[0].values, case .int128(let amounts) = batch.columns[1].values,
                  case .bytes(let notes) = batch.columns[2].values else { Issue.record("unexpected storage"); return }
            idSum += ids.reduce(0, +)
            amountSum += amounts.reduce(0, +)
            nullNotes += batch.columns[2].nullCount
            noteBytes += notes.bytes.count
        }
        let expected = try connection.query("""
            SELECT sum(id)::text, (sum(amount) * 100)::bigint::text, count(*) FILTER (WHERE note IS NULL)::text,
                   sum(octet_length(note))::text, (extract(epoch FROM max(updated_at)) * 1000000)::int8::text FROM extract_orders
            """)[0]
        #expect(String(idSum) == expected[0])
        #expect(String(amountSum) == expected[1])
        #expect(String(nullNotes) == expected[2])
        #expect(String(noteBytes) == expected[3])
        #expect(stats.maxCursor.map(String.init) == expected[4])
    }

    @Test func rangePartitionsCoverEveryRowOnce() async throws {
        try orders("extract_ranges", rows: 10_000)
        try connection.execute("INSERT INTO extract_ranges VALUES (-5, NULL, NULL, '2020-01-01')")
        var total = 0
        let bounds: [Int64?] = [nil, 2500, 5000, 7500, nil]
        for i in 0..<4 {
            let (task, schema) = try source("extract_ranges", predicates: [
                .range(column: "id", lower: bounds[i].map { .integer($0) }, upper: bounds[i + 1].map { .integer($0) }, includeNulls: i == 0),
            ])
            let stats = try PostgresExtractor.extractBlocking(config: try TestDatabase.config(), source: task, schema: schema) { _ in }
            total += stats.rows
        }
        #expect(total == 10_001)
    }

    @Test func tasksInsideOneSnapshotDoNotSeeLaterCommits() async throws {
        try orders("extract_snapshot", rows: 1000)
        let config = try TestDatabase.config()
        let holder = try await BlockingIO.run { () throws(SluiceError) in try SnapshotHolder(config: config) }
        defer { holder.close() }
        // Another session changes the table and commits after the snapshot was exported.
        try connection.execute("UPDATE extract_snapshot SET note = 'changed' WHERE id <= 10; DELETE FROM extract_snapshot WHERE id > 990;"
                               + "INSERT INTO extract_snapshot VALUES (5000, 1, 'new', now())")
        func notes(_ snapshot: String?) async throws -> (rows: Int, changed: Int) {
            let (task, schema) = try source("extract_snapshot", snapshot: snapshot)
            let sink = BatchSink()
            let stats = try await PostgresExtractor.extract(config: config, source: task, schema: schema) { sink.append($0) }
            let changed = texts(sink.all, column: 2).filter { $0 == "changed" }.count
            return (stats.rows, changed)
        }
        let inSnapshot = try await notes(holder.snapshotID)
        #expect(inSnapshot.rows == 1000 && inSnapshot.changed == 0)
        let now = try await notes(nil)
        #expect(now.rows == 991 && now.changed == 10)
        holder.close()
        let error = await #expect(throws: SluiceError.self) { _ = try await notes(holder.snapshotID) }
        // The snapshot is gone once the holder closed: retryable, because the driver replaces a lost snapshot.
        #expect(error?.code == .postgresSnapshotLost, "\(String(describing: error))")
        #expect(error?.retryable == true, "\(String(describing: error))")
        #expect(error?.underlying?.contains("SQLSTATE 22023") == true, "\(String(describing: error))")
    }

    @Test func consumerErrorsStopTheCopyAndPropagate() async throws {
        try orders("extract_abort", rows: 20_000)
        let (task, schema) = try source("extract_abort")
        struct Stop: Error {}
        await #expect(throws: Stop.self) {
            _ = try await PostgresExtractor.extract(config: try TestDatabase.config(), source: task, schema: schema,
                                                    options: CopyDecodeOptions(batchRowCount: 100)) { _ in throw Stop() }
        }
    }

    @Test func serverErrorsNameTheTable() async throws {
        let column = SourceColumn(name: "id", typeOID: PostgresTypeOID.int8, typeName: "bigint")
        let task = PostgresReadSpec(query: "SELECT id FROM \"no_such_extract\"", snapshot: nil, columns: [column])
        let error = await #expect(throws: SluiceError.self) {
            _ = try await PostgresExtractor.extract(config: try TestDatabase.config(), source: task,
                                                    schema: Schema([Field(name: "id", type: .int64)]),
                                                    options: CopyDecodeOptions(table: "public.no_such_extract")) { _ in }
        }
        #expect(error?.code == .postgresMissingTable)
        #expect(error?.context.table == "public.no_such_extract")
    }

    @Test func renderedLiteralsReadBackExactly() throws {
        let micros: [Int64] = [0, -1, 1_704_067_200_123_456, -62_135_596_800_000_000, -210_866_803_200_000_000, 253_402_300_799_999_999]
        for value in micros {
            let ts = try PostgresLiteral.timestamp(value).sql(), tz = try PostgresLiteral.timestampTZ(value).sql()
            let rows = try connection.query("SELECT (extract(epoch FROM \(ts)) * 1000000)::int8::text, (extract(epoch FROM \(tz)) * 1000000)::int8::text")
            #expect(rows == [[String(value), String(value)]], "\(ts)")
        }
        for days: Int64 in [0, -1, 19_723, -719_163, -2_440_588, 2_932_896] {
            let rows = try connection.query("SELECT (\(try PostgresLiteral.date(days).sql()) - DATE '1970-01-01')::text")
            #expect(rows == [[String(days)]])
        }
        for integer in [Int64.min, Int64.max, 0, -42, Int64(Int32.min), Int64(Int32.max), Int64(Int32.max) + 1, Int64(Int32.min) - 1] {
            #expect(try connection.query("SELECT \(try PostgresLiteral.integer(integer).sql())::text") == [[String(integer)]])
        }
        let text = "it's a \"test\" \\ ünï"
        #expect(try connection.query("SELECT \(try PostgresLiteral.text(text).sql())") == [[text]])
    }
}
