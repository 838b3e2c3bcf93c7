import Foundation
import Logging
import PostgresSource
import SluiceConfig
public import SluiceCore
import SluiceRuntime

/// Runs one task end to end: extract the partition into a Parquet shard, then load the shard into the sink.
struct TaskRunner: Sendable {
    let pipeline: PipelineConfig
    let loader: ShardLoader
    let logger: Logger

    func run(_ task: TaskSpec, progress: @escaping @Sendable (UInt64) -> Void) async -> TaskOutcome {
        var logger = logger
        logger[metadataKey: "sluice.task"] = "\(task.label)"
        logger[metadataKey: "sluice.attempt"] = "\(task.attempt)"
        do throws(SluiceError) {
            guard let table = pipeline.table(named: task.table) else {
                throw SluiceError(.configInvalid, "the executor's configuration has no table \(task.table)")
            }
            let started = ContinuousClock.now
            let extraction = ShardExtraction(table: table, staging: pipeline.staging,
                                             postgres: try pipeline.source.postgres.connectionConfig(),
                                             batchRows: pipeline.run.batchRows, logger: logger)
            let outcome = try await extraction.run(task, progress: progress)
            let extracted = ContinuousClock.now
            logger.debug("task.extracted", metadata: ["sluice.rows": "\(outcome.rowsExtracted)"])
            let loaded = try await loader.load(shard: task.shardPath, table: table,
                                               into: SinkLayout(table: table).loadTable(runID: task.runID))
            let finished = ContinuousClock.now
            if !pipeline.staging.keepShards { try? FileManager.default.removeItem(atPath: task.shardPath) }
            logger.debug("task.loaded", metadata: ["sluice.rows": "\(loaded)"])
            return .succeeded(TaskResult(
                taskID: task.id, attempt: task.attempt, rowsExtracted: outcome.rowsExtracted, rowsLoaded: loaded,
                shardPath: task.shardPath, shardBytes: outcome.shardBytes, maxCursor: outcome.maxCursor,
                nulledValues: outcome.stats.nulledValues, rowsFiltered: outcome.stats.droppedRows,
                extractMicroseconds: Self.microseconds(extracted - started),
                loadMicroseconds: Self.microseconds(finished - extracted)))
        } catch {
            let error = error.adding(ErrorContext(table: task.table, task: task.label))
            logger.warning("task.failed", metadata: ["sluice.error": "\(error)"])
            return .failed(TaskFailure(taskID: task.id, attempt: task.attempt, error: error,
                                        retryable: Self.isRetryable(error)))
        }
    }

    /// Bad data and bad configuration fail the same way on every attempt; everything else (connections,
    /// servers, disks) may not.
    static func isRetryable(_ error: SluiceError) -> Bool {
        let permanent: Set<SluiceError.Code> = [.configInvalid, .configSecret, .valueOutOfRange, .invalidValue, .invalidBatch]
        return !permanent.contains(error.code)
    }

    static func microseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        return UInt64(max(0, seconds)) * 1_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000_000)
    }
}

/// How a task ended.
enum TaskOutcome: Sendable {
    case succeeded(TaskResult)
    case failed(TaskFailure)
}
