import ClickHouseSink
import Parquet
import SluiceConfig
import SluiceCore
import SluiceRuntime

/// The second half of a task: read a Parquet shard back, row group by row group, and stream it into the
/// ClickHouse clean layer as Native blocks with the sink layout's extra columns.
struct ShardLoader: Sendable {
    let client: ClickHouseClient
    let database: String

    /// Loads `shard` into `database.target`; returns the rows loaded.
    func load(shard: String, table: TableConfig, into target: String) async throws(SluiceError) -> UInt64 {
        let reader = try ParquetFileReader(path: shard)
        let layout = SinkLayout(table: table)
        guard reader.schema == table.schema else {
            throw SluiceError(.stagingIO, "shard \(shard) does not hold the declared schema of table \(table.name)",
                              context: ErrorContext(file: shard, table: table.name))
        }
        let batches = ShardBatches(reader: reader, layout: layout)
        let summary = try await client.insert(database: database, table: target, schema: layout.schema, batches: batches)
        if let error = batches.failure.error { throw error }
        return UInt64(summary.rows)
    }
}

/// The shard's row groups as sink batches, read lazily while the insert streams. A `Sequence` cannot
/// throw, so a read error ends the sequence and is kept in ``failure`` for the caller to rethrow.
struct ShardBatches: Sequence, Sendable {
    let reader: ParquetFileReader
    let layout: SinkLayout
    let failure = FailureBox()

    func makeIterator() -> Iterator { Iterator(batches: self) }

    struct Iterator: IteratorProtocol {
        let batches: ShardBatches
        var rowGroup = 0

        mutating func next() -> RecordBatch? {
            while rowGroup < batches.reader.rowGroupCount, batches.failure.error == nil {
                defer { rowGroup += 1 }
                do {
                    let batch = try batches.layout.sinkBatch(from: try batches.reader.readRowGroup(rowGroup))
                    if batch.rowCount > 0 { return batch }
                } catch {
                    batches.failure.error = error
                }
            }
            return nil
        }
    }
}

/// Holds the first error of a lazily read sequence.
final class FailureBox: @unchecked Sendable {
    // @unchecked: written only by the iterator, which runs on the insert's single thread, and read by the
    // caller after the insert returned.
    var error: SluiceError?
}
