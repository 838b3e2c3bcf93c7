public import SluiceCore
public import SluicePipeline

/// File ledgers in ClickHouse (``SluicePipeline/FileLedger``): the table `etl_metadata.file_ledger`, beside
/// `cdc_state`,
///
///     table_name String, generation String, file_key String, file_tag String, run_id String,
///     recorded_at DateTime('UTC'), version UInt64
///     ENGINE = MergeTree() ORDER BY (table_name, generation, file_key)
///
/// One row per loaded file and generation. A generation is current once its marker row (an empty `file_key`, which
/// no file has) is the table's newest by `version`; the marker is written after the generation's files, so a
/// generation whose writing broke off never counts. Adding to the current generation writes file rows only.
/// A marker of the empty generation forgets the table's files (``forget(table:runID:)``). Once a new generation is
/// current, the earlier ones' rows are deleted (an `ALTER TABLE ... DELETE` mutation; reads never looked at them).
/// Rows are written with the Native encoder; reads filter by names rendered by ``ClickHouseSQL/stringLiteral(_:)``.
public struct FileLedgerTable: Sendable {
    public let client: ClickHouseClient
    public let database: String
    public let table: String
    private let now: @Sendable () -> Int64

    public init(client: ClickHouseClient, database: String = "etl_metadata", table: String = "file_ledger",
                now: @escaping @Sendable () -> Int64 = CDCStateTable.wallClockMicroseconds) {
        self.client = client
        self.database = database
        self.table = table
        self.now = now
    }

    public static let schema = Schema([
        Field(name: "table_name", type: .string, nullable: false),
        Field(name: "generation", type: .string, nullable: false),
        Field(name: "file_key", type: .string, nullable: false),
        Field(name: "file_tag", type: .string, nullable: false),
        Field(name: "run_id", type: .string, nullable: false),
        Field(name: "recorded_at", type: .timestampTZ, nullable: false),
        Field(name: "version", type: .uint64, nullable: false),
    ])

    public var definition: ClickHouseTableDefinition {
        ClickHouseTableDefinition(database: database, name: table, columns: Self.schema.fields, engine: .mergeTree,
                                  orderBy: ["table_name", "generation", "file_key"])
    }

    public func ensureSchema() async throws(SluiceError) {
        try await client.createDatabase(database)
        try await client.createTable(definition)
    }

    private var qualifiedName: String { ClickHouseSQL.qualifiedName(database: database, table: table) }

    /// The current generation of `name`'s ledger, nil when it was never started (or was forgotten).
    public func generation(of name: String) async throws(SluiceError) -> String? {
        let rows = try await client.rows("SELECT generation FROM \(qualifiedName) WHERE table_name = \(ClickHouseSQL.stringLiteral(name)) "
                                         + "AND file_key = '' ORDER BY version DESC LIMIT 1")
        guard let generation = rows.first?.first ?? nil, !generation.isEmpty else { return nil }
        return generation
    }

    /// Forgets `name`'s files: the empty generation's marker becomes its newest.
    public func forget(table name: String, runID: String) async throws(SluiceError) {
        guard try await generation(of: name) != nil else { return }
        try await write([], table: name, generation: "", marker: true, runID: runID)
    }

    /// `name`'s ledger: the files of its current generation.
    public func load(table name: String) async throws(SluiceError) -> FileLedger {
        guard let generation = try await generation(of: name) else { return .none }
        let rows = try await client.rows(
            "SELECT DISTINCT file_key, file_tag FROM \(qualifiedName) WHERE table_name = \(ClickHouseSQL.stringLiteral(name)) "
                + "AND generation = \(ClickHouseSQL.stringLiteral(generation)) AND file_key != ''")
        var files = Set<FileVersion>()
        for row in rows {
            guard row.count == 2, let key = row[0], let tag = row[1] else {
                throw SluiceError(.clickHouseServer, "unreadable file ledger row: \(row.count) fields", context: ErrorContext(table: "\(database).\(table)"))
            }
            files.insert(FileVersion(key: key, tag: tag))
        }
        return FileLedger(generation: generation, files: files)
    }

    /// Adds `files` to `name`'s current generation, or writes them as a new generation `runID` (a table without a
    /// ledger starts one either way).
    public func record(_ files: [FileVersion], table name: String, startingOver: Bool, runID: String) async throws(SluiceError) {
        let current = startingOver ? nil : try await generation(of: name)
        try await write(files.filter { !$0.key.isEmpty }, table: name, generation: current ?? runID, marker: current == nil, runID: runID)
        if current == nil { await dropEarlierGenerations(of: name, keeping: runID) }
    }

    /// Appends `files` to `generation`, then (`marker`) that generation's marker, in a block of its own: a new
    /// generation counts only once every file row is in.
    private func write(_ files: [FileVersion], table name: String, generation: String, marker: Bool, runID: String) async throws(SluiceError) {
        let parts = [files.map { ($0.key, $0.tag) }, marker ? [("", "")] : []].filter { !$0.isEmpty }
        guard !parts.isEmpty else { return }
        let clock = now()
        let version = try await CDCStateTable.nextVersion(client: client, table: qualifiedName, of: name, clock: clock)
        var batches: [RecordBatch] = []
        for part in parts {
            batches.append(try batch(part, table: name, generation: generation, runID: runID, recordedAt: clock, version: version))
        }
        _ = try await client.insert(database: database, table: table, schema: Self.schema, batches: batches)
    }

    /// Deletes the rows of `name`'s generations before `generation`, which no read looks at any more (a mutation, done by
    /// the server in the background). Best effort: a failure leaves rows that cost space, not correctness.
    func dropEarlierGenerations(of name: String, keeping generation: String) async {
        try? await client.execute("ALTER TABLE \(qualifiedName) DELETE WHERE table_name = \(ClickHouseSQL.stringLiteral(name)) "
                                  + "AND generation != \(ClickHouseSQL.stringLiteral(generation))")
    }

    private func batch(_ rows: [(String, String)], table name: String, generation: String, runID: String, recordedAt: Int64,
                       version: UInt64) throws(SluiceError) -> RecordBatch {
        var builders = Self.schema.fields.map { ColumnBuilder(type: $0.type, capacity: rows.count) }
        let second = CDCStateTable.floorToSecond(recordedAt)
        for (key, tag) in rows {
            builders[0].append(string: name)
            builders[1].append(string: generation)
            builders[2].append(string: key)
            builders[3].append(string: tag)
            builders[4].append(string: runID)
            builders[5].append(second)
            builders[6].append(Int64(bitPattern: version))
        }
        return try RecordBatch(schema: Self.schema, columns: builders.indices.map { builders[$0].finish() })
    }
}
