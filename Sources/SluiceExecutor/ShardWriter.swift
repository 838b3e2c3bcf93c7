import Foundation
import Parquet
public import SluiceCore
import SluicePipeline
public import SluiceStorage

/// Writes one task's rows to its Parquet shard: to a scratch file (beside the shard on a local staging directory,
/// on this machine's disk for a bucket), published under the shard's name when complete (``StagingStore``), so a
/// shard under its final name is always whole. Blocking: use it on one thread.
final class ShardWriter {
    let path: String
    let temporaryPath: String
    private let store: any StagingStore
    private let writer: ParquetFileWriter
    private var closed = false

    init(path: String, attempt: UInt32, schema: Schema, format: ShardFormat, table: String, store: any StagingStore) throws(SluiceError) {
        self.path = path
        self.store = store
        temporaryPath = try store.scratchPath(for: path, attempt: attempt)
        writer = try ParquetFileWriter(path: temporaryPath, schema: schema, options: format.writerOptions(table: table))
    }

    func write(_ batch: RecordBatch) throws(SluiceError) {
        try writer.write(batch)
    }

    /// Completes the shard and publishes it; returns its size in bytes.
    func finish() throws(SluiceError) -> UInt64 {
        closed = true
        let summary = try writer.close()
        do throws(SluiceError) {
            try store.publish(temporaryPath, as: path)
        } catch {
            try? FileManager.default.removeItem(atPath: temporaryPath)
            throw error
        }
        return UInt64(summary.bytes)
    }

    /// Gives up on the shard and removes what was written.
    func abandon() {
        if !closed { _ = try? writer.close() }
        closed = true
        try? FileManager.default.removeItem(atPath: temporaryPath)
    }
}

/// A shard's row groups as a ``SluiceCore/BatchSource``, read lazily while the sink writer streams them. A read
/// error is thrown, so the sink aborts instead of taking it for the end.
public struct ShardBatchSource: BatchSource, Sendable {
    let reader: ParquetFileReader
    private var rowGroup = 0

    /// The shard at `path` in `store` (a local file when no store is given).
    public init(path: String, store: (any StagingStore)? = nil) throws(SluiceError) {
        reader = try ParquetFileReader(input: try (store ?? LocalStagingStore(root: "")).input(path))
    }

    /// The shard's rows as Sluice batches have them.
    public var schema: Schema { reader.schema }

    public mutating func next() throws(SluiceError) -> RecordBatch? {
        while rowGroup < reader.rowGroupCount {
            defer { rowGroup += 1 }
            let batch = try reader.readRowGroup(rowGroup)
            if batch.rowCount > 0 { return batch }
        }
        return nil
    }
}
