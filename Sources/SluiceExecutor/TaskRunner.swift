import Foundation
public import Logging
import SluiceConfig
import SluiceExpressions
public import SluiceCore
public import SluicePipeline
public import SluiceStorage

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
    /// This task's share of the executor's memory: it bounds extraction batches, the shard's row groups and the
    /// blocks the sink receives, by bytes.
    public let memory: MemoryBudget
    /// The run's broadcast join tables, shared by its tasks.
    let joins = JoinTables()
    /// Where shards go: the run's staging directory or bucket.
    public let staging: any StagingStore

    /// - Parameter staging: default the run's local staging directory.
    public init(work: RunWork, reader: any SourceReader, writer: any SinkWriter, logger: Logger,
                memory: MemoryBudget = .standard(slots: 1), staging: (any StagingStore)? = nil) {
        self.work = work
        self.staging = staging ?? LocalStagingStore(root: work.staging.directory)
        self.reader = reader
        self.writer = writer
        self.logger = logger
        self.memory = memory
    }

    /// How a task ended.
    public enum Outcome: Sendable, Hashable {
        case succeeded(TaskResult)
        case failed(TaskFailure)
    }

    /// Runs `task`; `progress` is called with the rows read so far (from the reading thread: at the first batch,
    /// then every ``progressInterval``), `loaded` with the rows handed to the sink so far (at every batch of the
    /// shard), so that the driver's stall timeout sees both phases move. Cancelling the calling task stops the
    /// attempt at its next batch (or its insert at once) and removes its files; it then fails with `task_cancelled`.
    public func run(_ task: TaskSpec, progress: @escaping @Sendable (UInt64) -> Void,
                    loaded: @escaping @Sendable (UInt64) -> Void = { _ in }) async -> Outcome {
        let cancellation = CancelSignal()
        return await withTaskCancellationHandler {
            await run(task, cancellation: cancellation, progress: progress, loaded: loaded)
        } onCancel: {
            cancellation.raise()
        }
    }

    private func run(_ task: TaskSpec, cancellation: CancelSignal, progress: @escaping @Sendable (UInt64) -> Void,
                     loaded: @escaping @Sendable (UInt64) -> Void) async -> Outcome {
        var logger = logger
        logger[metadataKey: "sluice.task"] = "\(task.label)"
        logger[metadataKey: "sluice.attempt"] = "\(task.attempt)"
        let context = ErrorContext(table: task.table, task: task.label)
        do throws(SluiceError) {
            guard let table = work.table(named: task.table) else {
                throw SluiceError(.invalidRunPlan, "the run plan has no table \(task.table)")
            }
            if task.read.kind == StagedShardRead.kind { return .succeeded(try await restage(task, progress: progress)) }
            let started = ContinuousClock.now
            let extraction = task.related.isEmpty
                ? try await extract(task, table: table, progress: progress, cancellation: cancellation)
                : try await extractFamily(task, table: table, progress: progress, cancellation: cancellation)
            let extracted = ContinuousClock.now
            logger.debug("task.extracted", metadata: ["sluice.rows": "\(extraction.outputs[0].rowsExtracted)"])
            var outputs: [TaskOutput] = []
            let sent = LoadCounter(report: loaded, cancellation: cancellation)
            for output in extraction.outputs {
                // The shard's row groups, each within the budget's row-group bytes, reach the sink in blocks of its
                // block bytes: memory holds one row group and one block's copy, never the shard.
                let shard = ReportingBatchSource(
                    source: ByteBoundedBatches(try await openShard(output.shardPath), maxBytes: memory.blockBytes), counter: sent)
                let receipt: SinkReceipt
                do throws(SluiceError) {
                    try cancellation.check()
                    receipt = try await writer.stage(shard, schema: output.table.stagedSchema, for: task, into: output.table.sink)
                } catch {
                    // A cancelled attempt leaves no files: the driver keeps nothing of it.
                    if cancellation.isRaised {
                        let files = extraction.outputs.flatMap { [$0.shardPath, $0.quarantinePath] }
                        await BlockingIO.run(name: "sluice.shard.remove") { [staging] in staging.remove(files) }
                    }
                    throw error
                }
                guard receipt.rows == output.rowsStaged else {
                    throw SluiceError(.stagingIO, "the sink staged \(receipt.rows) of the shard's \(output.rowsStaged) rows",
                                      context: ErrorContext(table: output.table.table))
                }
                // The shard stays: the driver records it in the run's manifest (for --resume) and deletes it once the
                // table loaded, unless staging.keep_shards.
                outputs.append(output.output(receipt: receipt.payload))
            }
            logger.debug("task.staged", metadata: ["sluice.rows": "\(outputs[0].rowsStaged)"])
            return .succeeded(TaskResult(
                taskID: task.id, attempt: task.attempt, maxCursor: extraction.maxCursor?.text, output: outputs[0],
                related: Array(outputs.dropFirst()), extractMicroseconds: Self.microseconds(extracted - started),
                loadMicroseconds: Self.microseconds(ContinuousClock.now - extracted)))
        } catch {
            // Whether a retry can help was decided where the error was made (SluiceError.retryable).
            var error = error.adding(context)
            if cancellation.isRaised, error.code != .taskCancelled {
                error = SluiceError(.taskCancelled, "the attempt was cancelled", context: error.context, underlying: "\(error)")
            }
            logger.warning("task.failed", metadata: ["sluice.error": "\(error)", "sluice.retryable": "\(error.retryable)"])
            return .failed(TaskFailure(taskID: task.id, attempt: task.attempt, error: error))
        }
    }

    /// The shard at `path`, its footer read on a thread of its own: on S3 that is a request, and the concurrency
    /// pool's threads must never wait for one.
    func openShard(_ path: String) async throws(SluiceError) -> ShardBatchSource {
        try await BlockingIO.run(name: "sluice.shard.open") { [staging] () throws(SluiceError) in try ShardBatchSource(path: path, store: staging) }
    }

    /// A task of a resumed run whose partition an earlier run already extracted: its committed shards (the
    /// driver checked their size and SHA-256) are staged in the sink as they are, and the result reports what the
    /// earlier run's executor reported about them.
    func restage(_ task: TaskSpec, progress: @escaping @Sendable (UInt64) -> Void) async throws(SluiceError) -> TaskResult {
        let read = try task.read.decodeJSON(StagedShardRead.self, kind: StagedShardRead.kind)
        let started = ContinuousClock.now
        var outputs: [TaskOutput] = []
        for shard in read.shards {
            guard let table = work.table(named: shard.table) else {
                throw SluiceError(.invalidRunPlan, "the run plan has no table \(shard.table)")
            }
            let receipt = try await writer.stage(try await openShard(shard.file), schema: table.stagedSchema, for: task,
                                                 into: table.sink)
            guard receipt.rows == shard.rowsStaged else {
                throw SluiceError(.stagingIO, "the sink staged \(receipt.rows) rows of \(shard.file), which run \(read.run) recorded with \(shard.rowsStaged)",
                                  context: ErrorContext(table: shard.table))
            }
            progress(shard.rowsExtracted)
            outputs.append(shard.output(receipt: receipt.payload))
        }
        guard let first = outputs.first else {
            throw SluiceError(.invalidRunPlan, "task \(task.label) reuses no shard of run \(read.run)")
        }
        logger.debug("task.restaged", metadata: ["sluice.resumed_from": "\(read.run)", "sluice.rows": "\(first.rowsStaged)"])
        return TaskResult(taskID: task.id, attempt: task.attempt, maxCursor: read.maxCursor, output: first, related: Array(outputs.dropFirst()),
                          loadMicroseconds: Self.microseconds(ContinuousClock.now - started))
    }

    /// What the first half of a task produced: a complete shard (and quarantine file) per table, the task's
    /// table first.
    struct Extraction: @unchecked Sendable {
        // @unchecked: the outputs are finished and only read from here on, by one task at a time.
        var outputs: [TableOutput]
        var maxCursor: CursorValue?
    }

    /// Where a shard's quarantined rows go: `quarantine-part-00003.parquet` beside `part-00003.parquet`.
    public static func quarantinePath(forShard path: String) -> String {
        let directory = (path as NSString).deletingLastPathComponent
        return directory + "/quarantine-" + (path as NSString).lastPathComponent
    }

    /// Reads the partition through the stages into the shard (and quarantined rows into the quarantine file), all
    /// on one thread of its own.
    func extract(_ task: TaskSpec, table: TableWork, progress: @escaping @Sendable (UInt64) -> Void,
                 cancellation: CancelSignal? = nil) async throws(SluiceError) -> Extraction {
        try await BlockingIO.run(name: "sluice.extract") { () throws(SluiceError) -> Extraction in
            let output = try TableOutput(table: table, shardPath: task.shardPath, attempt: task.attempt, format: shardFormat, store: staging)
            do throws(SluiceError) {
                let read = try pump(task.read, table: table, into: output, progress: progress, cancellation: cancellation)
                try output.finishShard()
                _ = try output.finishQuarantine()
                return Extraction(outputs: [output], maxCursor: read.maxCursor)
            } catch {
                output.abandon()
                throw error
            }
        }
    }

    /// Reads `read` through `table`'s transform and stages into `output` (blocking). `observe` sees every staged
    /// batch (deletions included) and `quarantined` every set of rows a rule set aside, before they are written.
    /// `provided` holds join tables the task built itself (a child's parent rows), by join name.
    func pump(_ read: ConnectorPayload, table: TableWork, into output: TableOutput, progress: (@Sendable (UInt64) -> Void)?,
              cancellation: CancelSignal? = nil, provided: [String: JoinTable] = [:], observe: ((RecordBatch) throws(SluiceError) -> Void)? = nil,
              quarantined: ((QuarantinedRows) throws(SluiceError) -> Void)? = nil) throws(SluiceError) -> ReadStats {
        let chain = try stages(for: table, provided: provided)
        var context = StageContext()
        // The first batch is reported at once, so a running task never shows 0 rows for a whole interval.
        var lastProgress: ContinuousClock.Instant?
        let options = ReadOptions(batchRows: work.batchRows, batchBytes: memory.batchBytes, specialValues: table.specialValues,
                                  table: table.table)
        let stats = try reader.read(read, schema: table.readSchema, options: options) { batch throws(SluiceError) in
            try cancellation?.check()
            context.firstRow = Int(output.rowsExtracted) + 1
            output.extracted(batch.rowCount)
            let staged = try chain.apply(batch, context: &context)
            for rows in [staged] + context.deletions where rows.rowCount > 0 {
                try observe?(rows)
                try output.stage(rows)
            }
            for rows in context.quarantined {
                try quarantined?(rows)
                try output.quarantine(rows)
            }
            context.deletions.removeAll()
            context.quarantined.removeAll()
            if let progress, lastProgress.map({ ContinuousClock.now - $0 >= progressInterval }) ?? true {
                lastProgress = .now
                progress(output.rowsExtracted)
            }
        }
        output.stats = context.stats
        for (column, count) in stats.nulledValues { output.stats.add(nulled: count, in: column) }
        progress?(output.rowsExtracted)
        return stats
    }

    /// The table's transform (with its joins' tables) and the stages after it.
    func stages(for table: TableWork, provided: [String: JoinTable] = [:]) throws(SluiceError) -> StageChain {
        StageChain([try transform(for: table, provided: provided)] + table.stages.map { $0.makeStage(table: table.table) })
    }

    func transform(for table: TableWork, provided: [String: JoinTable] = [:]) throws(SluiceError) -> TransformStage {
        var joinTables: [JoinTable] = []
        for join in table.transform.joins {
            if join.read.kind.isEmpty {
                // Not read by the source: the task built it (a child's parent rows).
                guard let built = provided[join.name] else {
                    throw SluiceError(.invalidRunPlan, "\(table.table) joins \(join.name), which this task did not read")
                }
                joinTables.append(built)
                continue
            }
            joinTables.append(try joins.table(for: join, of: table.table, reader: reader,
                                              options: ReadOptions(batchRows: work.batchRows, batchBytes: memory.batchBytes,
                                                                   specialValues: table.specialValues, table: "\(table.table).\(join.name)")))
        }
        return try TransformStage(spec: table.transform, table: table.table, cursor: table.cursor, runStartedAt: work.startedAt,
                                  joins: joinTables)
    }

    /// How this run's shards are written: its staging compression, row groups cut at the budget's row-group bytes.
    var shardFormat: ShardFormat {
        ShardFormat(compression: work.staging.compression, rowGroupMemoryBytes: memory.rowGroupBytes)
    }

    static func microseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        return UInt64(max(0, seconds)) * 1_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000_000)
    }
}
