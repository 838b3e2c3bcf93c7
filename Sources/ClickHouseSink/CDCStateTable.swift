#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import SluiceCore

/// Bookmarks in ClickHouse: the table `etl_metadata.cdc_state`, one row per save,
///
///     table_name String, last_extracted_time Nullable(DateTime('UTC')), last_extracted_value Nullable(String),
///     backfill UInt8, backfill_changed_at DateTime('UTC'), run_id String, updated_at DateTime('UTC'), version UInt64
///     ENGINE = ReplacingMergeTree(version) ORDER BY table_name
///
/// Saves append a row with a larger version; reads take the row with the largest version per table
/// (`ORDER BY version DESC LIMIT 1 [BY table_name]`), which is right before and after merges.
/// Rows are written with the Native encoder, so no value is ever spliced into SQL; the table name in
/// reads is a literal from ``ClickHouseSQL/stringLiteral(_:)``.
public struct CDCStateTable: Sendable {
    public let client: ClickHouseClient
    public let database: String
    public let table: String
    private let now: @Sendable () -> Int64

    /// - Parameter now: the wall clock in microseconds since the epoch (injectable for tests).
    public init(client: ClickHouseClient, database: String = "etl_metadata", table: String = "cdc_state",
                now: @escaping @Sendable () -> Int64 = CDCStateTable.wallClockMicroseconds) {
        self.client = client
        self.database = database
        self.table = table
        self.now = now
    }

    /// The columns of the bookmarks table, in order.
    public static let schema = Schema([
        Field(name: "table_name", type: .string, nullable: false),
        Field(name: "last_extracted_time", type: .timestampTZ, nullable: true),
        Field(name: "last_extracted_value", type: .string, nullable: true),
        Field(name: "backfill", type: .boolean, nullable: false),
        Field(name: "backfill_changed_at", type: .timestampTZ, nullable: false),
        Field(name: "run_id", type: .string, nullable: false),
        Field(name: "updated_at", type: .timestampTZ, nullable: false),
        Field(name: "version", type: .uint64, nullable: false),
    ])

    public var definition: ClickHouseTableDefinition {
        ClickHouseTableDefinition(database: database, name: table, columns: Self.schema.fields,
                                  engine: .replacingMergeTree(versionColumn: "version"), orderBy: ["table_name"])
    }

    /// Creates the database and the table if they do not exist.
    public func ensureSchema() async throws(SluiceError) {
        try await client.createDatabase(database)
        try await client.createTable(definition)
    }

    /// The latest bookmark of `table`, or nil if it has none.
    public func load(table name: String) async throws(SluiceError) -> CDCStateRow? {
        let rows = try await client.rows(selectColumns + " WHERE table_name = \(ClickHouseSQL.stringLiteral(name)) ORDER BY version DESC LIMIT 1")
        return try rows.first.map(parse)
    }

    /// The latest bookmark of every table, ordered by table name.
    public func loadAll() async throws(SluiceError) -> [CDCStateRow] {
        let rows = try await client.rows(selectColumns + " ORDER BY table_name, version DESC LIMIT 1 BY table_name")
        var bookmarks: [CDCStateRow] = []
        for row in rows { bookmarks.append(try parse(row)) }
        return bookmarks
    }

    /// Appends `bookmark` as the table's newest row and returns it as stored: `updatedAt` set to now,
    /// `version` larger than any earlier version of the table (the clock in microseconds, or the last
    /// version + 1 if the clock went back), times floored to seconds, and a `lastExtractedTime` outside
    /// what a `DateTime` holds stored as NULL (the exact position stays in `lastExtractedValue`).
    @discardableResult
    public func save(_ bookmark: CDCStateRow) async throws(SluiceError) -> CDCStateRow {
        let clock = now()
        var stored = bookmark
        stored.updatedAt = Self.floorToSecond(clock)
        stored.version = try await Self.nextVersion(client: client, table: qualifiedName, of: bookmark.table, clock: clock)
        stored.backfillChangedAt = Self.floorToSecond(bookmark.backfillChangedAt)
        stored.lastExtractedTime = bookmark.lastExtractedTime.flatMap { micros in
            ClickHouseTypeMapping.timestampMicrosecondsRange.contains(micros) ? Self.floorToSecond(micros) : nil
        }
        let batch = try Self.batch(for: stored)
        try await client.insert(database: database, table: table, schema: Self.schema, batches: CollectionOfOne(batch))
        return stored
    }

    /// One row of ``schema`` holding `bookmark`.
    static func batch(for bookmark: CDCStateRow) throws(SluiceError) -> RecordBatch {
        var builders = schema.fields.map { ColumnBuilder(type: $0.type, capacity: 1) }
        builders[0].append(string: bookmark.table)
        if let time = bookmark.lastExtractedTime { builders[1].append(time) } else { builders[1].appendNull() }
        if let value = bookmark.lastExtractedValue { builders[2].append(string: value) } else { builders[2].appendNull() }
        builders[3].append(bookmark.backfill)
        builders[4].append(bookmark.backfillChangedAt)
        builders[5].append(string: bookmark.runID)
        builders[6].append(bookmark.updatedAt)
        builders[7].append(Int64(bitPattern: bookmark.version))
        return try RecordBatch(schema: schema, columns: builders.indices.map { builders[$0].finish() })
    }

    private var qualifiedName: String { ClickHouseSQL.qualifiedName(database: database, table: table) }

    /// Times as seconds since the epoch (`toUInt32`), so the server's time zone never matters.
    private var selectColumns: String {
        "SELECT table_name, toUInt32(last_extracted_time), last_extracted_value, backfill, toUInt32(backfill_changed_at), "
            + "run_id, toUInt32(updated_at), version FROM \(qualifiedName)"
    }

    private func parse(_ row: [String?]) throws(SluiceError) -> CDCStateRow {
        func bad(_ what: String) -> SluiceError {
            SluiceError(.clickHouseServer, "unreadable bookmark row: \(what)", context: ErrorContext(table: "\(database).\(table)"))
        }
        guard row.count == 8, let name = row[0], let backfill = row[3], let changed = row[4].flatMap({ Int64($0) }),
              let runID = row[5], let updated = row[6].flatMap({ Int64($0) }), let version = row[7].flatMap({ UInt64($0) })
        else { throw bad("\(row.count) fields") }
        var time: Int64?
        if let text = row[1] {
            guard let seconds = Int64(text) else { throw bad("last_extracted_time \(text)") }
            time = seconds * 1_000_000
        }
        return CDCStateRow(table: name, lastExtractedValue: row[2], lastExtractedTime: time, backfill: backfill == "1",
                        backfillChangedAt: changed * 1_000_000, runID: runID, updatedAt: updated * 1_000_000, version: version)
    }

    static func floorToSecond(_ micros: Int64) -> Int64 {
        CivilTime.floorDivide(micros, 1_000_000).quotient * 1_000_000
    }

    /// A version above every row of `name` in the metadata table `table` (`cdc_state`, `file_ledger`): the wall clock
    /// in microseconds, or the largest version + 1 when the clock went back, so the newest write always wins.
    static func nextVersion(client: ClickHouseClient, table: String, of name: String, clock: Int64) async throws(SluiceError) -> UInt64 {
        let previous = try await client.value("SELECT max(version) FROM \(table) WHERE table_name = \(ClickHouseSQL.stringLiteral(name))")
        return max(UInt64(clamping: clock), (previous.flatMap { UInt64($0) } ?? 0) + 1)
    }

    /// Microseconds since the epoch from `clock_gettime(CLOCK_REALTIME)`.
    public static let wallClockMicroseconds: @Sendable () -> Int64 = {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1000
    }
}
