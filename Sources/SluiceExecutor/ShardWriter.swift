import Foundation
import Parquet
public import SluiceCore
import SluicePipeline

/// Writes one task's rows to its Parquet shard: to `<shard>.attempt-<n>.tmp`, renamed into place when complete,
/// so a shard under its final name is always whole. Blocking: use it on one thread.
final class ShardWriter {
    let path: String
    let temporaryPath: String
    private let writer: ParquetFileWriter
    private var closed = false

    init(path: String, attempt: UInt32, schema: Schema, format: ShardFormat, table: String) throws(SluiceError) {
        self.path = path
        temporaryPath = path + ".attempt-\(attempt).tmp"
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw SluiceError(.stagingIO, "cannot create the staging directory \(directory)", underlying: "\(error)")
        }
        writer = try ParquetFileWriter(path: temporaryPath, schema: schema, options: format.writerOptions(table: table))
    }

    func write(_ batch: RecordBatch) throws(SluiceError) {
        try writer.write(batch)
    }

    /// Completes the shard and moves it into place; returns its size in bytes.
    func finish() throws(SluiceError) -> UInt64 {
        closed = true
        let summary = try writer.close()
        do {
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
            try FileManager.default.moveItem(atPath: temporaryPath, toPath: path)
        } catch {
            throw SluiceError(.stagingIO, "cannot move the shard into place at \(path)", underlying: "\(error)")
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

    public init(path: String) throws(SluiceError) {
        reader = try ParquetFileReader(path: path)
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
