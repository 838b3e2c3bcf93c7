import Foundation
public import Logging
import SluiceConfig
import SluiceExpressions
public import SluiceCore
public import SluicePipeline

/// Runs one task end to end on an executor: read the partition from the source, run the table's stages over
/// each batch, write the rows to a Parquet shard, then stage the shard in the sink. It decides nothing: the
/// table's schemas, stages and sink target come from the driver's ``SluicePipeline/RunWork``.
public struct TaskRunner: Sendable {
    public let work: RunWork
    public let reader: any SourceReader
    public let writer: any SinkWriter
    public let logger: Logger
    /// How often progress is reported while reading.
    public var progressInterval: Duration = .milliseconds(500)
    /// The run's broadcast join tables, shared by its tasks.
    let joins = JoinTables()

    public init(work: RunWork, reader: any SourceReader, writer: any SinkWriter, logger: Logger) {
        self.work = work
        self.reader = reader
        self.writer = writer
        self.logger = logger
    }

    /// How a task ended.
    public enum Outcome: Sendable, Hashable {
        case succeeded(TaskResult)
        case failed(TaskFailure)
    }

    /// Runs `task`; `progress` is called with the rows read so far (from the reading thread).
    public func run(_ task: TaskSpec, progress: @escaping @Sendable (UInt64) -> Void) async -> Outcome {
        var logger = logger
        logger[metadataKey: "sluice.task"] = "\(task.label)"
        logger[metadataKey: "sluice.attempt"] = "\(task.attempt)"
        let context = ErrorContext(table: task.table, task: task.label)
        do throws(SluiceError) {
            guard let table = work.table(named: task.table) else {
                throw SluiceError(.invalidRunPlan, "the run plan has no table \(task.table)")
            }
            let started = ContinuousClock.now
            let shard = try await extract(task, table: table, progress: progress)
            let extracted = ContinuousClock.now
            logger.debug("task.extracted", metadata: ["sluice.rows": "\(shard.rowsExtracted)"])
            let receipt = try await writer.stage(try ShardBatchSource(path: task.shardPath), schema: table.stagedSchema,
                                                 for: task, into: table.sink)
            guard receipt.rows == shard.rowsStaged else {
                throw SluiceError(.stagingIO, "the sink staged \(receipt.rows) of the shard's \(shard.rowsStaged) rows")
            }
            if !work.staging.keepShards { try? FileManager.default.removeItem(atPath: task.shardPath) }
            logger.debug("task.staged", metadata: ["sluice.rows": "\(receipt.rows)"])
            let output = TaskOutput(
                table: table.table, rowsExtracted: shard.rowsExtracted, rowsStaged: shard.rowsStaged, rowsDeleted: shard.rowsDeleted,
                rowsDropped: shard.stats.droppedRows, rowsFiltered: shard.stats.filteredRows, quarantined: shard.stats.quarantined,
                nulledValues: shard.stats.nulledValues, shardPath: task.shardPath, shardBytes: shard.bytes,
                quarantinePath: shard.quarantinePath, receipt: receipt.payload)
            return .succeeded(TaskResult(
                taskID: task.id, attempt: task.attempt, maxCursor: shard.maxCursor?.text, output: output,
                extractMicroseconds: Self.microseconds(extracted - started),
                loadMicroseconds: Self.microseconds(ContinuousClock.now - extracted)))
        } catch {
            let error = error.adding(context)
            logger.warning("task.failed", metadata: ["sluice.error": "\(error)"])
            return .failed(TaskFailure(taskID: task.id, attempt: task.attempt, error: error, retryable: Self.isRetryable(error)))
        }
    }

    /// What the first half of a task produced.
    struct Shard: Sendable {
        var rowsExtracted: UInt64 = 0
        var rowsStaged: UInt64 = 0
        var rowsDeleted: UInt64 = 0
        var bytes: UInt64 = 0
        var maxCursor: CursorValue?
        var stats = StageStats()
        var quarantinePath: String?
    }

    /// Where a shard's quarantined rows go: `quarantine-part-00003.parquet` beside `part-00003.parquet`.
    public static func quarantinePath(forShard path: String) -> String {
        let directory = (path as NSString).deletingLastPathComponent
        return directory + "/quarantine-" + (path as NSString).lastPathComponent
    }

    /// Reads the partition through the stages into the shard (and quarantined rows into the quarantine file), all
    /// on one thread of its own.
    func extract(_ task: TaskSpec, table: TableWork, progress: @escaping @Sendable (UInt64) -> Void) async throws(SluiceError) -> Shard {
        let (reader, work, interval, joins) = (self.reader, self.work, progressInterval, self.joins)
        return try await BlockingIO.run(name: "sluice.extract") { () throws(SluiceError) -> Shard in
            var joinTables: [JoinTable] = []
            for join in table.transform.joins {
                joinTables.append(try joins.table(for: join, of: table.table, reader: reader, batchRows: work.batchRows,
                                                  specialValues: table.specialValues))
            }
            let transform = try TransformStage(spec: table.transform, table: table.table, cursor: table.cursor,
                                               runStartedAt: work.startedAt, joins: joinTables)
            let chain = StageChain([transform] + table.stages.map { $0.makeStage(table: table.table) })
            let quarantinePath = Self.quarantinePath(forShard: task.shardPath)
            // A file an earlier attempt left must not be taken for this one's.
            try? FileManager.default.removeItem(atPath: quarantinePath)
            let file = try ShardWriter(path: task.shardPath, attempt: task.attempt, schema: table.stagedSchema,
                                       compression: work.staging.compression, table: table.table)
            var quarantine: ShardWriter?
            var shard = Shard()
            var context = StageContext()
            var lastProgress = ContinuousClock.now
            func stage(_ batch: RecordBatch) throws(SluiceError) {
                guard batch.rowCount > 0 else { return }
                shard.rowsStaged += UInt64(batch.rowCount)
                if let index = table.deletedColumn, case .boolean(let flags) = batch.columns[index].values {
                    shard.rowsDeleted += UInt64(flags.lazy.filter { $0 }.count)
                }
                try file.write(batch)
            }
            do throws(SluiceError) {
                let options = ReadOptions(batchRows: work.batchRows, specialValues: table.specialValues, table: table.table)
                let read = try reader.read(task.read, schema: table.readSchema, options: options) { batch throws(SluiceError) in
                    context.firstRow = Int(shard.rowsExtracted) + 1
                    shard.rowsExtracted += UInt64(batch.rowCount)
                    try stage(try chain.apply(batch, context: &context))
                    for deletions in context.deletions { try stage(deletions) }
                    for rows in context.quarantined {
                        if quarantine == nil {
                            quarantine = try ShardWriter(path: quarantinePath, attempt: task.attempt,
                                                         schema: QuarantinedRows.schema(declared: rows.rows.schema),
                                                         compression: work.staging.compression, table: table.table)
                        }
                        try quarantine?.write(try rows.fileBatch())
                    }
                    context.deletions.removeAll()
                    context.quarantined.removeAll()
                    if ContinuousClock.now - lastProgress >= interval {
                        lastProgress = .now
                        progress(shard.rowsExtracted)
                    }
                }
                shard.bytes = try file.finish()
                if let quarantine {
                    _ = try quarantine.finish()
                    shard.quarantinePath = quarantinePath
                }
                shard.maxCursor = read.maxCursor
                shard.stats = context.stats
                for (column, count) in read.nulledValues { shard.stats.add(nulled: count, in: column) }
                progress(shard.rowsExtracted)
                return shard
            } catch {
                file.abandon()
                quarantine?.abandon()
                throw error
            }
        }
    }

    /// Bad data and bad configuration fail the same way on every attempt; everything else (connections,
    /// servers, disks) may not.
    public static func isRetryable(_ error: SluiceError) -> Bool {
        let permanent: Set<SluiceError.Code> = [.configInvalid, .configSecret, .valueOutOfRange, .invalidValue, .invalidBatch,
                                                .invalidRunPlan, .validationFailed, .expressionOverflow, .expressionDivisionByZero,
                                                .expressionInvalidValue, .expressionType, .expressionSyntax]
        return !permanent.contains(error.code)
    }

    static func microseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        return UInt64(max(0, seconds)) * 1_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000_000)
    }
}
