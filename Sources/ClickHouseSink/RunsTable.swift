public import SluiceCore
public import SluicePipeline

/// Run history in ClickHouse: the table `etl_metadata.runs`, one row per table per run,
///
///     run_id String, pipeline String, table_name String, mode String, status String, rows_extracted UInt64,
///     rows_quarantined UInt64, rows_deleted UInt64, rows_loaded UInt64, bytes UInt64,
///     started_at DateTime('UTC'), finished_at DateTime('UTC'), bookmark String, error String,
///     started_at_us UInt64 (the start to the microsecond: runs seconds apart still sort), note String
///     ENGINE = MergeTree ORDER BY (table_name, started_at)
///
/// Rows are written with the Native encoder (no value is spliced into SQL); reads filter by a table name rendered
/// by ``ClickHouseSQL/stringLiteral(_:)``.
public struct RunsTable: Sendable {
    public let client: ClickHouseClient
    public let database: String
    public let table: String

    public init(client: ClickHouseClient, database: String = "etl_metadata", table: String = "runs") {
        self.client = client
        self.database = database
        self.table = table
    }

    public static let schema = Schema([
        Field(name: "run_id", type: .string, nullable: false),
        Field(name: "pipeline", type: .string, nullable: false),
        Field(name: "table_name", type: .string, nullable: false),
        Field(name: "mode", type: .string, nullable: false),
        Field(name: "status", type: .string, nullable: false),
        Field(name: "rows_extracted", type: .uint64, nullable: false),
        Field(name: "rows_quarantined", type: .uint64, nullable: false),
        Field(name: "rows_deleted", type: .uint64, nullable: false),
        Field(name: "rows_loaded", type: .uint64, nullable: false),
        Field(name: "bytes", type: .uint64, nullable: false),
        Field(name: "started_at", type: .timestampTZ, nullable: false),
        Field(name: "finished_at", type: .timestampTZ, nullable: false),
        Field(name: "bookmark", type: .string, nullable: false),
        Field(name: "error", type: .string, nullable: false),
        Field(name: "started_at_us", type: .uint64, nullable: false),
        Field(name: "note", type: .string, nullable: false),
    ])

    public var definition: ClickHouseTableDefinition {
        ClickHouseTableDefinition(database: database, name: table, columns: Self.schema.fields, engine: .mergeTree,
                                  orderBy: ["table_name", "started_at"])
    }

    public func ensureSchema() async throws(SluiceError) {
        try await client.createDatabase(database)
        try await client.createTable(definition)
    }

    /// Appends `records`.
    public func append(_ records: [RunRecord]) async throws(SluiceError) {
        guard !records.isEmpty else { return }
        var builders = Self.schema.fields.map { ColumnBuilder(type: $0.type, capacity: records.count) }
        for record in records {
            for (index, text) in [record.runID, record.pipeline, record.table, record.mode, record.status].enumerated() {
                builders[index].append(string: text)
            }
            for (offset, count) in [record.rowsExtracted, record.rowsQuarantined, record.rowsDeleted, record.rowsLoaded,
                                    record.bytes].enumerated() {
                builders[5 + offset].append(Int64(bitPattern: count))
            }
            builders[10].append(Self.clampedSeconds(record.startedAt))
            builders[11].append(Self.clampedSeconds(record.finishedAt))
            builders[12].append(string: record.bookmark)
            builders[13].append(string: record.error)
            builders[14].append(max(record.startedAt, 0))
            builders[15].append(string: record.note)
        }
        let batch = try RecordBatch(schema: Self.schema, columns: builders.indices.map { builders[$0].finish() })
        try await client.insert(database: database, table: table, schema: Self.schema, batches: CollectionOfOne(batch))
    }

    /// The newest `limit` records of `name` (every table's when nil), newest first.
    public func newest(table name: String?, limit: Int) async throws(SluiceError) -> [RunRecord] {
        let filter = name.map { " WHERE table_name = \(ClickHouseSQL.stringLiteral($0))" } ?? ""
        let rows = try await client.rows(
            "SELECT run_id, pipeline, table_name, mode, status, rows_extracted, rows_quarantined, rows_deleted, rows_loaded, bytes, "
                + "started_at_us, toUInt32(finished_at), bookmark, error, note FROM \(ClickHouseSQL.qualifiedName(database: database, table: table))"
                + filter + " ORDER BY started_at_us DESC, run_id DESC LIMIT \(max(limit, 0))")
        var records: [RunRecord] = []
        for row in rows { records.append(try parse(row)) }
        return records
    }

    private func parse(_ row: [String?]) throws(SluiceError) -> RunRecord {
        let fields = row.map { $0 ?? "" }
        let counts = fields.count == 15 ? fields[5...9].compactMap { UInt64($0) } : []
        guard counts.count == 5, let started = Int64(fields[10]), let finished = Int64(fields[11]) else {
            throw SluiceError(.clickHouseServer, "unreadable run history row: \(fields.prefix(3).joined(separator: " "))",
                              context: ErrorContext(table: "\(database).\(table)"))
        }
        return RunRecord(runID: fields[0], pipeline: fields[1], table: fields[2], mode: fields[3], status: fields[4],
                         rowsExtracted: counts[0], rowsQuarantined: counts[1], rowsDeleted: counts[2], rowsLoaded: counts[3],
                         bytes: counts[4], startedAt: started, finishedAt: finished * 1_000_000, bookmark: fields[12],
                         error: fields[13], note: fields[14])
    }

    /// A `DateTime` holds whole seconds from 1970 to 2105.
    static func clampedSeconds(_ micros: Int64) -> Int64 {
        min(max(micros, 0), ClickHouseTypeMapping.timestampMicrosecondsRange.upperBound) / 1_000_000 * 1_000_000
    }
}
