import Foundation
public import Logging
import Parquet
public import SluiceCore
public import SluicePipeline
import SluiceStorage

/// An executor's side of `sink: {parquet: ...}`: writes a task's rows as Parquet files in its attempt's folder, one
/// per partition folder, for the driver to commit.
public struct ParquetSinkWriter: SinkWriter {
    let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func stage(_ batches: sending some BatchSource & Sendable, schema: Schema, for task: TaskSpec,
                      into work: ConnectorPayload) async throws(SluiceError) -> SinkReceipt {
        let target = try work.decodeJSON(ParquetSinkTarget.self, kind: ParquetSinkTarget.kind)
        let context = ErrorContext(table: task.table, task: task.label)
        guard schema == target.schema else {
            throw SluiceError(.invalidRunPlan, "the staged rows do not have the schema the driver planned for \(target.directory)", context: context)
        }
        let store = try target.store()
        let folder = target.attemptFolder(task: task.id, attempt: task.attempt)
        let source = batches
        do throws(SluiceError) {
            let receipt = try await BlockingIO.run { () throws(SluiceError) -> ParquetSinkReceipt in
                _ = store.removeEntry(folder)
                var batches = source
                var files = PartitionedFiles(target: target, directory: target.directory + "/" + folder, store: store, attempt: task.attempt)
                do throws(SluiceError) {
                    var rows: UInt64 = 0
                    while let batch = try batches.next() {
                        try files.write(batch)
                        rows += UInt64(batch.rowCount)
                    }
                    return ParquetSinkReceipt(task: task.id, attempt: task.attempt, files: try files.close(), rows: rows)
                } catch {
                    files.abandon()
                    _ = store.removeEntry(folder)
                    throw error
                }
            }
            return SinkReceipt(rows: receipt.rows, payload: try .json(kind: ParquetSinkTarget.kind, receipt))
        } catch {
            throw error.adding(context)
        }
    }
}

/// One open Parquet file per partition folder of a task's rows.
struct PartitionedFiles {
    let target: ParquetSinkTarget
    let directory: String
    /// The columns written into the files: the staged ones without the partition columns.
    let fileSchema: Schema
    let partitionIndices: [Int]
    /// Where the files are published once complete (written to scratch files until then).
    let store: any StagingStore
    let attempt: UInt32
    private var writers: [String: (writer: ParquetFileWriter, scratch: String)] = [:]
    private var order: [String] = []

    init(target: ParquetSinkTarget, directory: String, store: any StagingStore, attempt: UInt32) {
        self.target = target
        self.directory = directory
        self.store = store
        self.attempt = attempt
        let indices = target.partitionBy.compactMap(target.schema.index(of:))
        partitionIndices = indices
        fileSchema = Schema(target.schema.fields.enumerated().filter { !indices.contains($0.offset) }.map(\.element))
    }

    mutating func write(_ batch: RecordBatch) throws(SluiceError) {
        guard batch.rowCount > 0 else { return }
        var rowsByFolder: [String: [Int32]] = [:]
        var folders: [String] = []
        for row in 0..<batch.rowCount {
            let folder = partitionIndices.map { index in
                let field = batch.schema.fields[index]
                let text = Value(of: batch.columns[index], type: field.type, at: row).text(as: field.type)
                return field.name + "=" + (text.map(Self.escape) ?? "__HIVE_DEFAULT_PARTITION__")
            }.joined(separator: "/")
            if rowsByFolder[folder] == nil { folders.append(folder) }
            rowsByFolder[folder, default: []].append(Int32(row))
        }
        for folder in folders {
            let rows = rowsByFolder[folder]!
            let columns = batch.columns.enumerated().filter { !partitionIndices.contains($0.offset) }.map(\.element)
            let part = try RecordBatch(schema: fileSchema, columns: rows.count == batch.rowCount ? columns : columns.map { $0.taking(rows) })
            try writer(for: folder).write(part)
        }
    }

    /// Closes every file and publishes it; their paths relative to the attempt's folder.
    mutating func close() throws(SluiceError) -> [String] {
        let files = order.map { $0.isEmpty ? "part.parquet" : $0 + "/part.parquet" }
        for (folder, file) in zip(order, files) {
            guard let open = writers.removeValue(forKey: folder) else { continue }
            _ = try open.writer.close()
            try store.publish(open.scratch, as: directory + "/" + file)
        }
        return files
    }

    /// Gives up: closes and removes the scratch files.
    mutating func abandon() {
        for open in writers.values {
            _ = try? open.writer.close()
            try? FileManager.default.removeItem(atPath: open.scratch)
        }
        writers = [:]
    }

    private mutating func writer(for folder: String) throws(SluiceError) -> ParquetFileWriter {
        if let open = writers[folder] { return open.writer }
        let path = (folder.isEmpty ? directory : directory + "/" + folder) + "/part.parquet"
        let scratch = try store.scratchPath(for: path, attempt: attempt)
        var options = ParquetWriterOptions()
        options.compression = ParquetSinkSettings.codec(target.compression) ?? .snappy
        options.rowGroupRows = target.rowGroupRows
        let writer = try ParquetFileWriter(output: try ParquetFileOutput(path: scratch), schema: fileSchema, options: options)
        writers[folder] = (writer, scratch)
        order.append(folder)
        return writer
    }

    /// A value as a folder name: `/`, `=`, `%`, control characters and a leading `.` or `_` percent-encoded (Hive's
    /// escaping, which readers undo).
    static func escape(_ text: String) -> String {
        var out = ""
        for (index, scalar) in text.unicodeScalars.enumerated() {
            let special = scalar == "/" || scalar == "=" || scalar == "%" || scalar == "\\" || scalar.value < 0x20 || scalar == "\u{7F}"
                || (index == 0 && (scalar == "." || scalar == "_"))
            if special {
                for byte in String(scalar).utf8 { out += String(format: "%%%02X", byte) }
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out.isEmpty ? "__HIVE_DEFAULT_PARTITION__" : out
    }
}

extension SluiceError.Code {
    /// The results folder cannot be written (permissions, a full disk): retried, since disks fill and free.
    public static let parquetSinkIO = Self("parquet_sink_io", retryable: true)
}
