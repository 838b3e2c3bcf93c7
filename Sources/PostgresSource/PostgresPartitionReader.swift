public import Logging
import SluiceConfig
public import SluiceCore
public import SluicePipeline

/// PostgreSQL as a ``SluicePipeline/SourceReader``: an executor's side of the connector. Each partition is one
/// libpq connection streaming `COPY (...) TO STDOUT (FORMAT binary)` through the pure ``CopyBinaryDecoder``.
public struct PostgresPartitionReader: SourceReader {
    let connection: PostgresConnectionConfig
    let logger: Logger

    public init(settings: PostgresSettings, logger: Logger) throws(SluiceError) {
        connection = try settings.connectionConfig()
        self.logger = logger
    }

    public func read(_ read: ConnectorPayload, schema: Schema, options: ReadOptions,
                     consume: (RecordBatch) throws(SluiceError) -> Void) throws(SluiceError) -> ReadStats {
        let spec = try read.decodeJSON(PostgresReadSpec.self, kind: PostgresReadSpec.kind)
        let special: SpecialValuePolicy = options.specialValues == .setNull ? .null : .reject
        let decode = CopyDecodeOptions(batchRowCount: options.batchRows, batchByteCount: options.batchBytes, numericSpecials: special, infiniteDates: special,
                                       cursorColumn: spec.cursorColumn, table: options.table)
        let stats: ExtractionStats
        do {
            stats = try PostgresExtractor.extractBlocking(config: connection, source: spec, schema: schema, options: decode,
                                                          logger: logger) { batch in try consume(batch) }
        } catch let error as SluiceError {
            throw error
        } catch {
            throw SluiceError(.internalError, "extraction failed", context: ErrorContext(table: options.table),
                              underlying: "\(error)")
        }
        var maxCursor: CursorValue?
        if let name = spec.cursorColumn, let column = spec.columns.first(where: { $0.name == name }),
           let kind = CursorKind(typeOID: column.typeOID), let value = stats.maxCursor {
            maxCursor = CursorValue(kind: kind, value: value)
        }
        return ReadStats(rows: UInt64(stats.rows), nulledValues: stats.nulledValues, maxCursor: maxCursor)
    }
}
