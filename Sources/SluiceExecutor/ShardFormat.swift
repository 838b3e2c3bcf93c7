import Parquet
import SluiceConfig

/// How an executor writes its Parquet shards (and quarantine files): the run's staging compression, and row
/// groups cut by the bytes their rows take in memory, so that the loader, which decodes one row group at a time,
/// stays within the executor's memory budget however wide the rows.
struct ShardFormat: Sendable, Hashable {
    var compression: StagingConfig.Compression
    /// ``Parquet/ParquetWriterOptions/rowGroupMemoryBytes``: ``SluiceCore/MemoryBudget/rowGroupBytes``.
    var rowGroupMemoryBytes: Int

    /// The writer's options for a shard of `table`.
    func writerOptions(table: String) -> ParquetWriterOptions {
        var options = ParquetWriterOptions()
        switch compression {
        case .snappy: options.compression = .snappy
        case .zstd: options.compression = .zstd(level: 1)
        case .none: options.compression = .uncompressed
        }
        options.rowGroupMemoryBytes = rowGroupMemoryBytes
        options.keyValueMetadata = ["sluice.table": table]
        return options
    }
}
