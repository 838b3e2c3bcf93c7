import Foundation
import Parquet
import SluiceConfig
import SluiceCore
import SluicePipeline
import SluiceStorage

/// What one task writes for one table: the shard (under its final name, or a provisional one while its rows may
/// still change), the quarantine file beside it (opened at its first quarantined row), and the counts. Blocking:
/// use it on one thread.
final class TableOutput {
    let table: TableWork
    /// Where the shard ends up.
    let shardPath: String
    let quarantinePath: String
    let attempt: UInt32
    let format: ShardFormat
    /// Where the shard and quarantine file are published.
    let store: any StagingStore
    /// A provisional shard (rows that may still change) stays on this machine until ``keep()`` or ``rewrite(_:)``.
    let provisionalPath: String?
    private var shard: ShardWriter?
    private var quarantine: ShardWriter?
    private(set) var rowsExtracted: UInt64 = 0
    private(set) var rowsStaged: UInt64 = 0
    private(set) var rowsDeleted: UInt64 = 0
    var stats = StageStats()
    private(set) var shardBytes: UInt64 = 0
    /// The quarantine file, once complete and holding rows.
    private(set) var quarantineFile: String?

    /// - Parameter provisional: write the shard to a local provisional file until ``rewrite(_:)`` or ``keep()``.
    init(table: TableWork, shardPath: String, attempt: UInt32, format: ShardFormat, store: any StagingStore,
         provisional: Bool = false) throws(SluiceError)
    {
        self.table = table
        self.shardPath = shardPath
        self.attempt = attempt
        self.format = format
        self.store = store
        quarantinePath = TaskRunner.quarantinePath(forShard: shardPath)
        // A file an earlier attempt left must not be taken for this one's.
        store.remove([quarantinePath])
        if provisional {
            let path = try store.scratchPath(for: shardPath + ".provisional", attempt: attempt)
            provisionalPath = path
            shard = try ShardWriter(path: path, attempt: attempt, schema: table.stagedSchema, format: format, table: table.table,
                                    store: LocalStagingStore(root: (path as NSString).deletingLastPathComponent))
        } else {
            provisionalPath = nil
            shard = try ShardWriter(path: shardPath, attempt: attempt, schema: table.stagedSchema, format: format, table: table.table,
                                    store: store)
        }
    }

    func extracted(_ rows: Int) { rowsExtracted += UInt64(rows) }

    /// Writes staged rows to the shard.
    func stage(_ batch: RecordBatch) throws(SluiceError) {
        guard batch.rowCount > 0, let shard else { return }
        rowsStaged += UInt64(batch.rowCount)
        if let index = table.deletedColumn, case .boolean(let flags) = batch.columns[index].values {
            rowsDeleted += UInt64(flags.lazy.filter { $0 }.count)
        }
        try shard.write(batch)
    }

    /// Writes rows a rule set aside to the quarantine file.
    func quarantine(_ rows: QuarantinedRows) throws(SluiceError) {
        guard rows.rows.rowCount > 0 else { return }
        if quarantine == nil {
            quarantine = try ShardWriter(path: quarantinePath, attempt: attempt, schema: QuarantinedRows.schema(declared: rows.rows.schema),
                                         format: format, table: table.table, store: store)
        }
        try quarantine?.write(try rows.fileBatch())
    }

    /// Completes the shard (provisional or final).
    func finishShard() throws(SluiceError) {
        shardBytes = try shard?.finish() ?? 0
        shard = nil
    }

    /// The provisional shard's rows stand: it moves to its final name.
    func keep() throws(SluiceError) {
        guard let provisionalPath else { return }
        try store.publish(provisionalPath, as: shardPath)
    }

    /// The provisional shard's rows change: each of its batches goes through `change`, which returns the rows to
    /// keep (and may quarantine others); the result is the final shard. The counts start again.
    func rewrite(_ change: (RecordBatch) throws(SluiceError) -> RecordBatch) throws(SluiceError) {
        guard let provisional = provisionalPath else { return }
        let reader = try ParquetFileReader(path: provisional)
        shard = try ShardWriter(path: shardPath, attempt: attempt, schema: table.stagedSchema, format: format, table: table.table,
                                store: store)
        rowsStaged = 0
        rowsDeleted = 0
        for group in 0..<reader.rowGroupCount {
            try stage(try change(try reader.readRowGroup(group)))
        }
        try finishShard()
        try? FileManager.default.removeItem(atPath: provisional)
    }

    /// Completes the quarantine file; its path when it holds rows.
    func finishQuarantine() throws(SluiceError) -> String? {
        guard let quarantine else { return quarantineFile }
        _ = try quarantine.finish()
        self.quarantine = nil
        quarantineFile = quarantinePath
        return quarantinePath
    }

    /// Gives up: removes what was written.
    func abandon() {
        shard?.abandon()
        quarantine?.abandon()
        if let provisionalPath { try? FileManager.default.removeItem(atPath: provisionalPath) }
    }

    /// What the task reports for this table, once the sink staged the shard.
    func output(receipt: ConnectorPayload) -> TaskOutput {
        TaskOutput(table: table.table, rowsExtracted: rowsExtracted, rowsStaged: rowsStaged, rowsDeleted: rowsDeleted,
                   rowsDropped: stats.droppedRows, rowsFiltered: stats.filteredRows, quarantined: stats.quarantined,
                   nulledValues: stats.nulledValues, shardPath: shardPath, shardBytes: shardBytes,
                   quarantinePath: quarantineFile, receipt: receipt)
    }
}
