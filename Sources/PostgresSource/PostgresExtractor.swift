import Foundation
public import Logging
public import SluiceCore

/// What one extraction did.
public struct ExtractionStats: Sendable, Hashable {
    public var rows: Int
    /// Bytes of COPY stream received.
    public var bytes: Int
    public var batches: Int
    public var microseconds: UInt64
    /// Per column, values a policy turned to NULL (infinities, numeric specials).
    public var nulledValues: [String: UInt64]
    /// The largest value of the cursor column, if one was configured and any row had one (see
    /// ``CopyBinaryDecoder/maxCursor`` for units).
    public var maxCursor: Int64?
}

/// Runs one extraction task: connects, joins the exported snapshot if there is one, streams
/// `COPY (<query>) TO STDOUT (FORMAT binary)` through a ``CopyBinaryDecoder`` and hands each
/// ``RecordBatch`` to a consumer. Memory stays bounded by one batch (plus the consumer's own) whatever
/// the table's size.
public enum PostgresExtractor {
    /// Runs the whole extraction on a dedicated thread (``BlockingIO``): the connection, the COPY stream and
    /// every `consume` call stay on that thread. Conversion errors are found before connecting.
    public static func extract(config: PostgresConnectionConfig, source: PostgresReadSpec, schema: Schema,
                               options: CopyDecodeOptions = CopyDecodeOptions(), logger: Logger? = nil,
                               consume: @escaping @Sendable (RecordBatch) throws -> Void) async throws -> ExtractionStats {
        try await BlockingIO.run(name: "sluice.postgres.copy") { () throws -> ExtractionStats in
            try extractBlocking(config: config, source: source, schema: schema, options: options, logger: logger, consume: consume)
        }
    }

    /// The same on the calling thread, for callers that already run on a thread of their own.
    public static func extractBlocking(config: PostgresConnectionConfig, source: PostgresReadSpec, schema: Schema,
                                       options: CopyDecodeOptions = CopyDecodeOptions(), logger: Logger? = nil,
                                       consume: (RecordBatch) throws -> Void) throws -> ExtractionStats {
        let (query, snapshot, columns) = (source.query, source.snapshot, source.columns)
        let started = DispatchTime.now().uptimeNanoseconds
        let context = ErrorContext(table: options.table)
        var decoderOptions = options
        _ = try CopyBinaryDecoder.validate(columns: columns, schema: schema, table: options.table)
        do {
            let connection = try PostgresConnection(config)
            if connection.parameterStatus("server_encoding") == "SQL_ASCII" { decoderOptions.validateUTF8 = true }
            var decoder = try CopyBinaryDecoder(columns: columns, schema: schema, options: decoderOptions)
            if let snapshot { try join(connection, snapshot: snapshot) }
            logger?.debug("postgres.copy.start", metadata: ["sluice.table": "\(options.table ?? "")"])
            var batches = 0
            let bytes = try connection.copyOut("COPY (\(query)) TO STDOUT (FORMAT binary)") { chunk in
                try decoder.feed(chunk) { batch in
                    batches += 1
                    try consume(batch)
                }
            }
            if let last = try decoder.finish() {
                batches += 1
                try consume(last)
            }
            if snapshot != nil { try connection.execute("COMMIT") }
            let elapsed = UInt64((DispatchTime.now().uptimeNanoseconds - started) / 1000)
            logger?.debug("postgres.copy.done", metadata: [
                "sluice.table": "\(options.table ?? "")", "sluice.rows": "\(decoder.rowsDecoded)", "sluice.bytes": "\(bytes)",
            ])
            return ExtractionStats(rows: decoder.rowsDecoded, bytes: bytes, batches: batches, microseconds: elapsed,
                                   nulledValues: decoder.nulledValues, maxCursor: decoder.maxCursor)
        } catch let error as SluiceError {
            throw error.adding(context)
        }
    }

    /// Begins the task's transaction in the run's exported snapshot. PostgreSQL answers `invalid snapshot identifier`
    /// (22023, a data exception, which would fail the table at once) when the session that exported it is gone: that
    /// becomes ``SluiceError/Code/postgresSnapshotLost``, retryable, because the driver replaces a lost snapshot.
    static func join(_ connection: PostgresConnection, snapshot: String) throws(SluiceError) {
        try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        do {
            try connection.execute("SET TRANSACTION SNAPSHOT \(try SnapshotHolder.literal(snapshot))")
        } catch {
            throw snapshotLost(error, snapshot: snapshot) ?? error
        }
    }

    /// The error a failed `SET TRANSACTION SNAPSHOT` becomes when it says the snapshot is gone; nil for any other.
    static func snapshotLost(_ error: SluiceError, snapshot: String) -> SluiceError? {
        guard error.underlying?.hasPrefix("SQLSTATE 22023") == true, error.message.contains("invalid snapshot identifier") else {
            return nil
        }
        return SluiceError(.postgresSnapshotLost,
                           "the run's snapshot \(snapshot) is gone (its session was lost); the driver replaces it and the task is retried in the new one",
                           underlying: error.underlying, retryable: true)
    }
}
