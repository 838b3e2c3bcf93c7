import Foundation
public import Logging
import SluiceConfig
public import SluiceCore
public import SluicePipeline

/// The driver's side of `sink: {parquet: ...}`: plans each table's folder, commits an attempt by moving its files into
/// place (a rename each: readers see a task's file whole or not at all), and at the end of a run that replaces a table
/// removes the files of earlier runs. Bookmarks and run records live in `<path>/_sluice/`.
public struct ParquetFileSink: Sink {
    public let settings: ParquetSinkSettings
    let logger: Logger

    public init(settings: ParquetSinkSettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
    }

    public var summary: String { "parquet \(settings.root)" }

    public func check() async throws(SluiceError) -> String {
        let probe = settings.root + "/_sluice/.probe-\(UUID().uuidString)"
        do {
            try FileManager.default.createDirectory(atPath: settings.root + "/_sluice", withIntermediateDirectories: true)
            try Data().write(to: URL(fileURLWithPath: probe))
            try FileManager.default.removeItem(atPath: probe)
        } catch {
            throw SluiceError(.parquetSinkIO, "cannot write to the results folder", context: ErrorContext(file: settings.root),
                              underlying: "\(error)")
        }
        return "\(settings.root) (writable)"
    }

    public var limits: SinkLimits { .unlimited }

    public func bookmarkStore() -> any BookmarkStore { FileBookmarkStore(root: settings.root) }

    public func target(for request: SinkTableRequest) throws(SluiceError) -> SinkTarget {
        let name = request.table.target
        guard !name.isEmpty, !name.contains("/"), !name.hasPrefix("."), !name.hasPrefix("_") else {
            throw SluiceError(.configInvalid, "a parquet sink's table name becomes a folder: '\(name)' cannot (no /, no leading . or _)",
                              context: ErrorContext(table: request.table.name))
        }
        let staged = Schema(request.stagedSchema.fields.filter { $0.name != StagedColumns.parentVersion })
        let target = ParquetSinkTarget(directory: settings.root + "/" + name, runID: request.runID,
                                       partitionBy: settings.partitionBy.filter { staged.index(of: $0) != nil },
                                       replaces: request.replacesContents, schema: request.stagedSchema,
                                       compression: settings.compression, rowGroupRows: settings.rowGroupRows)
        let folders = target.partitionBy.isEmpty ? "" : " by " + target.partitionBy.joined(separator: ", ")
        return SinkTarget(table: name, summary: "\(target.directory)/\(folders)\(request.replacesContents ? " (replaced)" : "")",
                          work: try .json(kind: ParquetSinkTarget.kind, target))
    }

    public func prepare(_ target: SinkTarget) async throws(SluiceError) {
        let planned = try target.work.decodeJSON(ParquetSinkTarget.self, kind: ParquetSinkTarget.kind)
        try Self.createDirectory(planned.workDirectory)
    }

    public func commit(_ receipt: ConnectorPayload, into target: SinkTarget) async throws(SluiceError) -> UInt64 {
        let planned = try target.work.decodeJSON(ParquetSinkTarget.self, kind: ParquetSinkTarget.kind)
        let written = try receipt.decodeJSON(ParquetSinkReceipt.self, kind: ParquetSinkTarget.kind)
        let attempt = planned.attemptDirectory(task: written.task, attempt: written.attempt)
        for file in written.files {
            let folder = file.split(separator: "/").dropLast().joined(separator: "/")
            let destination = planned.directory + (folder.isEmpty ? "" : "/" + folder)
            let final = destination + "/" + planned.committedName(task: written.task)
            let source = attempt + "/" + file
            // A commit repeated after a failure finds some files already moved: those stay.
            guard FileManager.default.fileExists(atPath: source) else {
                guard FileManager.default.fileExists(atPath: final) else {
                    throw SluiceError(.parquetSinkIO, "the attempt's file \(file) is gone before its commit", context: ErrorContext(file: source, table: target.table))
                }
                continue
            }
            try Self.createDirectory(destination)
            guard rename(source, final) == 0 else {
                throw SluiceError(.parquetSinkIO, "cannot move \(file) into place: \(String(cString: strerror(errno)))",
                                  context: ErrorContext(file: final, table: target.table))
            }
        }
        try? FileManager.default.removeItem(atPath: attempt)
        return written.rows
    }

    public func discard(_ receipt: ConnectorPayload, of target: SinkTarget) async {
        guard let planned = try? target.work.decodeJSON(ParquetSinkTarget.self, kind: ParquetSinkTarget.kind),
              let written = try? receipt.decodeJSON(ParquetSinkReceipt.self, kind: ParquetSinkTarget.kind) else { return }
        try? FileManager.default.removeItem(atPath: planned.attemptDirectory(task: written.task, attempt: written.attempt))
    }

    /// A run that replaces the table removes every data file of earlier runs (what the folder held before it started).
    public func finish(_ target: SinkTarget) async throws(SluiceError) {
        let planned = try target.work.decodeJSON(ParquetSinkTarget.self, kind: ParquetSinkTarget.kind)
        guard planned.replaces else { return }
        let ours = "part-\(planned.runID)-t"
        var removed = 0
        for path in Self.dataFiles(under: planned.directory) where !(path.split(separator: "/").last ?? "").hasPrefix(ours) {
            do {
                try FileManager.default.removeItem(atPath: planned.directory + "/" + path)
                removed += 1
            } catch {
                throw SluiceError(.parquetSinkIO, "cannot remove an earlier run's file", context: ErrorContext(file: path, table: target.table),
                                  underlying: "\(error)")
            }
        }
        if removed > 0 { logger.info("parquet.replaced", metadata: ["sluice.table": "\(target.table)", "sluice.files": "\(removed)"]) }
    }

    public func cleanUp(_ target: SinkTarget, succeeded: Bool) async {
        guard let planned = try? target.work.decodeJSON(ParquetSinkTarget.self, kind: ParquetSinkTarget.kind) else { return }
        try? FileManager.default.removeItem(atPath: planned.workDirectory)
        let work = planned.directory + "/_sluice_work"
        if (try? FileManager.default.contentsOfDirectory(atPath: work))?.isEmpty == true { try? FileManager.default.removeItem(atPath: work) }
    }

    /// The committed `.parquet` files under `directory` (not in `_` or `.` folders), relative to it.
    static func dataFiles(under directory: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
        var files: [String] = []
        while let path = walker.nextObject() as? String {
            let parts = path.split(separator: "/")
            guard !parts.contains(where: { $0.hasPrefix("_") || $0.hasPrefix(".") }), path.hasSuffix(".parquet") else { continue }
            files.append(path)
        }
        return files.sorted()
    }

    static func createDirectory(_ path: String) throws(SluiceError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw SluiceError(.parquetSinkIO, "cannot create \(path)", context: ErrorContext(file: path), underlying: "\(error)")
        }
    }
}

/// The Parquet results folder sink connector, registered under `sink: {parquet: ...}`.
public enum ParquetSinkConnector {
    public static let sink = SinkConnector(
        kind: ParquetSinkTarget.kind,
        makeSink: { (section, logger) throws(SluiceError) in
            ParquetFileSink(settings: try section.decode(ParquetSinkSettings.self), logger: logger)
        },
        makeWriter: { (_, logger) throws(SluiceError) in ParquetSinkWriter(logger: logger) })
}
