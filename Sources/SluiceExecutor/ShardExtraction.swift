import Foundation
import Logging
import Parquet
import PostgresSource
import SluiceConfig
public import SluiceCore
import SluiceRuntime

/// The first half of a task: stream the partition out of PostgreSQL, apply the table's preliminary
/// filters, follow the cursor, and write the rows to a Parquet shard. Everything runs on one dedicated
/// thread; memory stays bounded by one batch plus one Parquet row group.
struct ShardExtraction {
    let table: TableConfig
    let staging: StagingConfig
    let postgres: PostgresConnectionConfig
    let batchRows: Int
    let logger: Logger

    struct Outcome {
        var rowsExtracted: UInt64
        var rowsWritten: UInt64
        var shardBytes: UInt64
        var maxCursor: String?
        var stats: TransformStats
    }

    /// Runs the extraction of `task` into its shard; `progress` is called with the rows so far.
    func run(_ task: TaskSpec, progress: @escaping @Sendable (UInt64) -> Void) async throws(SluiceError) -> Outcome {
        let temporaryPath = task.shardPath + ".attempt-\(task.attempt).tmp"
        let work = self
        return try await BlockingIO.run(name: "sluice.extract") { () throws(SluiceError) -> Outcome in
            try work.extractBlocking(task, into: temporaryPath, progress: progress)
        }
    }

    private func extractBlocking(_ task: TaskSpec, into temporaryPath: String,
                                 progress: @Sendable (UInt64) -> Void) throws(SluiceError) -> Outcome {
        let directory = (task.shardPath as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw SluiceError(.stagingIO, "cannot create the staging directory \(directory)", underlying: "\(error)")
        }
        let writer = try ParquetFileWriter(path: temporaryPath, schema: table.schema, options: writerOptions())
        let transformer = BatchTransformer(table: table)
        let cursor = table.cursor.flatMap { table.column(named: $0) }
        var stats = TransformStats()
        var rowsExtracted: UInt64 = 0
        var lastProgress = ContinuousClock.now
        let special: SpecialValuePolicy = table.specialValues == .setNull ? .null : .reject
        let options = CopyDecodeOptions(batchRowCount: batchRows, numericSpecials: special, infiniteDates: special,
                                        cursorColumn: cursor?.source, table: table.name)
        let extraction: ExtractionStats
        do {
            extraction = try PostgresExtractor.extractBlocking(config: postgres, source: task.source, schema: table.schema,
                                                      options: options, logger: logger) { batch in
                let (filtered, batchStats) = try transformer.apply(batch, firstRow: Int(rowsExtracted) + 1)
                rowsExtracted += UInt64(batch.rowCount)
                stats.add(batchStats)
                if filtered.rowCount > 0 { try writer.write(filtered) }
                if ContinuousClock.now - lastProgress > .seconds(2) {
                    lastProgress = ContinuousClock.now
                    progress(rowsExtracted)
                }
            }
        } catch let error as SluiceError {
            _ = try? writer.close()
            try? FileManager.default.removeItem(atPath: temporaryPath)
            throw error.adding(ErrorContext(table: table.name, task: task.label))
        } catch {
            _ = try? writer.close()
            try? FileManager.default.removeItem(atPath: temporaryPath)
            throw SluiceError(.internalError, "extraction failed", context: ErrorContext(table: table.name, task: task.label),
                              underlying: "\(error)")
        }
        let summary = try writer.close()
        // The shard appears under its final name only when complete.
        do {
            if FileManager.default.fileExists(atPath: task.shardPath) { try FileManager.default.removeItem(atPath: task.shardPath) }
            try FileManager.default.moveItem(atPath: temporaryPath, toPath: task.shardPath)
        } catch {
            throw SluiceError(.stagingIO, "cannot move the shard into place at \(task.shardPath)",
                              context: ErrorContext(table: table.name, task: task.label), underlying: "\(error)")
        }
        // The decoder counts by source column; the report speaks of target columns.
        for (sourceName, count) in extraction.nulledValues {
            let target = table.columns.first { $0.source == sourceName }?.name ?? sourceName
            stats.nulledValues[target, default: 0] += count
        }
        // The bookmark follows every extracted row, including rows a filter then dropped.
        var maxCursor: String?
        if let cursor, let value = extraction.maxCursor, case .postgres(_, _, let columns) = task.source,
           let source = columns.first(where: { $0.name == cursor.source }), let kind = PartitionKeyKind(typeOID: source.typeOID) {
            maxCursor = CursorBookmark(kind: kind, value: value).text
        }
        return Outcome(rowsExtracted: rowsExtracted, rowsWritten: UInt64(summary.rows), shardBytes: UInt64(summary.bytes),
                       maxCursor: maxCursor, stats: stats)
    }

    private func writerOptions() -> ParquetWriterOptions {
        var options = ParquetWriterOptions()
        switch staging.compression {
        case "zstd": options.compression = .zstd(level: 1)
        case "none": options.compression = .uncompressed
        default: options.compression = .snappy
        }
        options.keyValueMetadata = ["sluice.table": table.name]
        return options
    }
}

extension SluiceError.Code {
    public static let stagingIO = Self("staging_io")
}
