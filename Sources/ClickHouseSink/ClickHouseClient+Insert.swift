import HTTPTransport
import Logging
public import SluiceCore

/// What an insert sent.
public struct ClickHouseInsertSummary: Sendable, Hashable {
    public var rows: Int
    public var batches: Int
    /// Bytes of the Native body (the statement included), before compression.
    public var bytes: Int
    /// Bytes sent over HTTP: the compressed blocks, or ``bytes`` when the body is not compressed.
    public var sentBytes: Int
    /// How the body travelled.
    public var compression: ClickHouseCompression
    /// The largest Native block held in memory at once.
    public var largestBlock: Int
    public var duration: Duration
}

extension ClickHouseClient {
    /// Streams `batches` into `database.table` as `INSERT INTO ... (columns) FORMAT Native`.
    ///
    /// The request body is the statement, a newline, then one Native block per non-empty batch. With
    /// ``ClickHouseConfig/compression`` set (LZ4 by default), that whole stream, statement included, travels as
    /// blocks of ClickHouse's compressed stream of 1 MiB each (``CompressedInsertBody``) and the URL says
    /// `decompress=1`: the server decompresses the body before it parses the statement, so the URL stays short
    /// however wide the table.
    ///
    /// The body is produced while the request runs: each batch is encoded into one Native block when
    /// libcurl asks for more bytes, so memory holds one batch and its encoding however many rows go in.
    /// The sequence is iterated on the request's own thread: its closures must not be isolated to an actor
    /// (a lazy `map` written in `@MainActor` code, say), or Swift's runtime isolation check stops the process.
    ///
    /// ClickHouse writes blocks as they arrive and treats the end of a body as the end of the data, so an insert
    /// cut off by a broken connection may leave the blocks before the cut in the table. A batch the source
    /// cannot produce, or the encoder cannot encode, makes the server reject the whole insert (see
    /// ``NativeInsertBody``). Load into a staging table and attach it when all-or-nothing matters
    /// (``ClickHouseStageWriter`` does).
    ///
    /// - Throws: errors naming the server, database and table: ``SluiceError/Code/clickHouseUnknownDatabase``,
    ///   ``SluiceError/Code/clickHouseUnknownTable``, ``SluiceError/Code/clickHouseSchemaMismatch``,
    ///   ``SluiceError/Code/clickHouseAuthentication``, ``SluiceError/Code/clickHouseAccessDenied``, ``SluiceError/Code/clickHouseServer``, the transport's
    ///   `http_*` codes, and the encoder's errors (naming column and row).
    @discardableResult
    public func insert<S: Sequence<RecordBatch>>(
        database: String, table: String, schema: Schema, batches: sending S,
        mapping: ClickHouseTypeMapping = ClickHouseTypeMapping(), settings: [String: String] = [:]
    ) async throws(SluiceError) -> ClickHouseInsertSummary {
        try await insert(database: database, table: table, schema: schema, from: SequenceBatchSource(batches),
                         mapping: mapping, settings: settings)
    }

    /// Streams the batches of `source` into `database.table`; see ``insert(database:table:schema:batches:mapping:settings:)``.
    /// A source that throws aborts the insert, which the server then rejects as a whole.
    @discardableResult
    public func insert(
        database: String, table: String, schema: Schema, from source: sending some BatchSource,
        mapping: ClickHouseTypeMapping = ClickHouseTypeMapping(), settings: [String: String] = [:],
        checkTable: Bool? = nil
    ) async throws(SluiceError) -> ClickHouseInsertSummary {
        let context = ErrorContext(table: "\(database).\(table)")
        let operation = "INSERT into \(database).\(table)"
        guard schema.count > 0 else {
            throw SluiceError(.invalidBatch, "an insert needs at least one column", context: context)
        }
        let encoder = ClickHouseNativeEncoder(schema: schema, mapping: mapping)
        if checkTable ?? config.verifyTableBeforeInsert {
            try await verifyTable(database: database, table: table, encoder: encoder)
        }
        // The statement goes first in the body, not in the URL: 18.16 refuses URLs over 16 KiB, which a
        // wide table's column list can pass. The data starts after the newline. With `decompress=1` the server
        // reads the statement from the decompressed body just the same (tried on 18.16).
        let columns = schema.fields.map { ClickHouseSQL.identifier($0.name) }.joined(separator: ", ")
        let sql = "INSERT INTO \(ClickHouseSQL.qualifiedName(database: database, table: table)) (\(columns)) FORMAT Native\n"
        let body = NativeInsertBody(encoder: encoder, prefix: Array(sql.utf8), batches: source)
        try config.validate()  // a zstd level out of range is a configuration error, before anything is sent
        let compression = config.compression
        let compressed: CompressedInsertBody?
        let queryID = Self.newQueryID()
        var parameters = [("query_id", queryID)]
        if let method = compression.method {
            var level = ClickHouseCompression.defaultZstdLevel
            if case .zstd(let chosen) = compression { level = chosen }
            do throws(SluiceError) {
                compressed = try CompressedInsertBody(native: body, method: method, level: level)
            } catch {
                throw error.adding(context)
            }
            parameters.append(("decompress", "1"))
        } else {
            compressed = nil
        }
        let stream: HTTPRequest.Body = if let compressed {
            .stream(length: nil) { (buffer) throws(SluiceError) -> Int in try compressed.fill(buffer) }
        } else {
            .stream(length: nil) { (buffer) throws(SluiceError) -> Int in try body.fill(buffer) }
        }
        var request = try makeRequest(settings: settings, contentType: "application/octet-stream", extraParameters: parameters, body: stream)
        request.timeouts = config.insertTimeouts
        let started = ContinuousClock.now
        logger.debug("clickhouse.insert.started", metadata: ["clickhouse.table": "\(database).\(table)",
                                                             "clickhouse.insert.compression": "\(compression)"])
        let response: HTTPResponse
        do {
            response = try await http.execute(request)
        } catch {
            throw transportError(body.failure ?? error, operation: operation, context: context)
        }
        // The body's own failure first: the server's reply to the poison block says nothing useful.
        if let failure = body.failure { throw failure.adding(context) }
        guard response.isSuccess else {
            throw serverError(response, operation: operation, context: context, queryID: queryID)
        }
        let progress = body.progress
        let summary = ClickHouseInsertSummary(rows: progress.rows, batches: progress.batches, bytes: progress.bytes,
                                              sentBytes: compressed?.progress.bytes ?? progress.bytes, compression: compression,
                                              largestBlock: progress.largestBlock, duration: ContinuousClock.now - started)
        logger.debug("clickhouse.insert.finished", metadata: [
            "clickhouse.table": "\(database).\(table)",
            "clickhouse.insert.rows": "\(summary.rows)",
            "clickhouse.insert.bytes": "\(summary.bytes)",
            "clickhouse.insert.sent_bytes": "\(summary.sentBytes)",
            "clickhouse.duration": "\(summary.duration)",
        ])
        return summary
    }

    /// Compares the table's columns with what the encoder sends; fails with one error listing every difference.
    func verifyTable(database: String, table: String, encoder: ClickHouseNativeEncoder) async throws(SluiceError) {
        let context = ErrorContext(table: "\(database).\(table)")
        let operation = "INSERT into \(database).\(table)"
        let columns = try await tableColumns(database: database, table: table)
        if columns.isEmpty {
            let databases = try await value("SELECT count() FROM system.databases WHERE name = \(ClickHouseSQL.stringLiteral(database))")
            if databases == "0" {
                throw SluiceError(.clickHouseUnknownDatabase, "\(operation) failed on ClickHouse \(config.endpoint): database \(database) does not exist",
                                  context: context)
            }
            throw SluiceError(.clickHouseUnknownTable, "\(operation) failed on ClickHouse \(config.endpoint): table \(database).\(table) does not exist",
                              context: context)
        }
        let expected = zip(encoder.schema.fields, encoder.types).map { ClickHouseColumnCheck.Expected(field: $0, type: $1) }
        let check = ClickHouseColumnCheck(expected: expected, actual: columns, exact: false)
        guard check.problems.isEmpty else {
            throw SluiceError(.clickHouseSchemaMismatch,
                              "\(operation) on ClickHouse \(config.endpoint): the table does not match the data: " + check.problems.joined(separator: "; "),
                              context: ErrorContext(column: check.firstColumn).merged(into: context))
        }
    }

    /// The names of `database`'s tables that start with one of `prefixes`, sorted, in one read of `system.tables`.
    /// ClickHouse 18.16 fails that read with "Table ... doesn't exist" when another table of the database is renamed or
    /// dropped while it lists them (two tables of a run finishing at once do that), so such a failure is retried, up to
    /// 5 times.
    public func tableNames(in database: String, startingWith prefixes: [String]) async throws(SluiceError) -> [String] {
        guard !prefixes.isEmpty else { return [] }
        let matches = prefixes.map { "startsWith(name, \(ClickHouseSQL.stringLiteral($0)))" }.joined(separator: " OR ")
        let sql = "SELECT name FROM system.tables WHERE database = \(ClickHouseSQL.stringLiteral(database)) AND (\(matches)) ORDER BY name"
        var attempt = 1
        while true {
            do {
                return try await rows(sql).compactMap { $0.first ?? nil }
            } catch where error.code == .clickHouseUnknownTable && attempt < 5 {
                attempt += 1
                try? await Task.sleep(for: .milliseconds(20 * attempt))
            }
        }
    }

    /// Whether `database.table` exists (`EXISTS TABLE`, which looks at that table only).
    public func tableExists(database: String, table: String) async throws(SluiceError) -> Bool {
        try await value("EXISTS TABLE \(ClickHouseSQL.qualifiedName(database: database, table: table))") == "1"
    }

    /// The columns of `database.table` as `system.columns` lists them, in order; empty when the table does not exist.
    public func tableColumns(database: String, table: String) async throws(SluiceError) -> [(name: String, type: String)] {
        let rows = try await rows("SELECT name, type FROM system.columns WHERE database = \(ClickHouseSQL.stringLiteral(database)) AND table = \(ClickHouseSQL.stringLiteral(table))")
        return rows.compactMap { row in
            guard row.count == 2, let name = row[0], let type = row[1] else { return nil }
            return (name, type)
        }
    }
}
