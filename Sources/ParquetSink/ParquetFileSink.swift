import Foundation
public import Logging
import SluiceConfig
public import SluiceCore
public import SluicePipeline
import SluiceStorage

/// The driver's side of `sink: {parquet: ...}`: plans each table's folder, commits an attempt by moving its files into
/// place (a rename each: readers see a task's file whole or not at all), and at the end of a run that replaces a table
/// removes the files of earlier runs. Bookmarks and run records live in `<path>/_sluice/`.
public struct ParquetFileSink: Sink {
    public let settings: ParquetSinkSettings
    let logger: Logger
    /// The results folder: a directory, or a prefix of a bucket.
    let store: any StagingStore

    public init(settings: ParquetSinkSettings, logger: Logger) throws(SluiceError) {
        self.settings = settings
        self.logger = logger
        store = try settings.store()
    }

    public var summary: String { "parquet \(settings.root)" }

    /// `work` on a thread of its own: the store blocks (on S3, on requests), which the concurrency pool must never do.
    func onThread<T: Sendable>(_ work: @escaping @Sendable (any StagingStore) throws(SluiceError) -> T) async throws(SluiceError) -> T {
        try await BlockingIO.run(name: "sluice.parquet_sink") { [store] () throws(SluiceError) -> T in try work(store) }
    }

    public func check() async throws(SluiceError) -> String {
        let probe = settings.root + "/_sluice/.probe-\(UUID().uuidString)"
        do throws(SluiceError) {
            try await onThread { store throws(SluiceError) in
                try store.prepare()
                try store.write([], to: probe)
                store.remove([probe])
            }
        } catch {
            throw SluiceError(.parquetSinkIO, "cannot write to the results folder", context: ErrorContext(file: settings.root),
                              underlying: "\(error)", retryable: error.retryable)
        }
        return "\(settings.root) (writable)"
    }

    public var limits: SinkLimits { .unlimited }

    public func bookmarkStore() -> any BookmarkStore { FileBookmarkStore(root: settings.root, store: store) }

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
                                       compression: settings.compression, rowGroupRows: settings.rowGroupRows, s3: settings.s3)
        let folders = target.partitionBy.isEmpty ? "" : " by " + target.partitionBy.joined(separator: ", ")
        return SinkTarget(table: name, summary: "\(target.directory)/\(folders)\(request.replacesContents ? " (replaced)" : "")",
                          work: try .json(kind: ParquetSinkTarget.kind, target))
    }

    /// Folders exist only where files are: nothing to prepare.
    public func prepare(_ target: SinkTarget) async throws(SluiceError) {
        _ = try target.work.decodeJSON(ParquetSinkTarget.self, kind: ParquetSinkTarget.kind)
    }

    /// Moves the attempt's files into place: a rename each in a directory, a server-side copy each in a bucket; either
    /// way readers see a task's file whole or not at all.
    public func commit(_ receipt: ConnectorPayload, into target: SinkTarget) async throws(SluiceError) -> UInt64 {
        let planned = try target.work.decodeJSON(ParquetSinkTarget.self, kind: ParquetSinkTarget.kind)
        let written = try receipt.decodeJSON(ParquetSinkReceipt.self, kind: ParquetSinkTarget.kind)
        let attempt = planned.attemptDirectory(task: written.task, attempt: written.attempt)
        let table = target.table
        try await onThread { store throws(SluiceError) in
            for file in written.files {
                let folder = file.split(separator: "/").dropLast().joined(separator: "/")
                let final = planned.directory + (folder.isEmpty ? "" : "/" + folder) + "/" + planned.committedName(task: written.task)
                let source = attempt + "/" + file
                // A commit repeated after a failure finds some files already moved: those stay.
                guard store.exists(source) else {
                    guard store.exists(final) else {
                        throw SluiceError(.parquetSinkIO, "the attempt's file \(file) is gone before its commit", context: ErrorContext(file: source, table: table))
                    }
                    continue
                }
                do throws(SluiceError) {
                    try store.move(source, to: final)
                } catch {
                    throw SluiceError(.parquetSinkIO, "cannot move \(file) into place", context: ErrorContext(file: final, table: table),
                                      underlying: "\(error)", retryable: error.retryable)
                }
            }
            _ = store.removeEntry(Self.relative(attempt, to: settings.root))
        }
        return written.rows
    }

    public func discard(_ receipt: ConnectorPayload, of target: SinkTarget) async {
        guard let planned = try? target.work.decodeJSON(ParquetSinkTarget.self, kind: ParquetSinkTarget.kind),
              let written = try? receipt.decodeJSON(ParquetSinkReceipt.self, kind: ParquetSinkTarget.kind) else { return }
        let folder = Self.relative(planned.attemptDirectory(task: written.task, attempt: written.attempt), to: settings.root)
        _ = try? await onThread { store in store.removeEntry(folder) }
    }

    /// A run that replaces the table removes every data file of earlier runs (what the folder held before it started).
    public func finish(_ target: SinkTarget) async throws(SluiceError) {
        let planned = try target.work.decodeJSON(ParquetSinkTarget.self, kind: ParquetSinkTarget.kind)
        guard planned.replaces else { return }
        let ours = "part-\(planned.runID)-t"
        let table = Self.relative(planned.directory, to: settings.root)
        let earlier = try await onThread { store in
            Self.dataFiles(store.files(under: table)).filter { !($0.split(separator: "/").last ?? "").hasPrefix(ours) }
        }
        guard !earlier.isEmpty else { return }
        let paths = earlier.map { planned.directory + "/" + $0 }
        let left = try await onThread { store in
            store.remove(paths)
            return paths.filter { store.exists($0) }
        }
        guard left.isEmpty else {
            throw SluiceError(.parquetSinkIO, "cannot remove \(left.count) of an earlier run's files", context: ErrorContext(file: left[0], table: target.table))
        }
        logger.info("parquet.replaced", metadata: ["sluice.table": "\(target.table)", "sluice.files": "\(earlier.count)"])
    }

    public func cleanUp(_ target: SinkTarget, succeeded: Bool) async {
        guard let planned = try? target.work.decodeJSON(ParquetSinkTarget.self, kind: ParquetSinkTarget.kind) else { return }
        let work = Self.relative(planned.workDirectory, to: settings.root)
        let works = Self.relative(planned.directory, to: settings.root) + "/_sluice_work"
        _ = try? await onThread { store in
            _ = store.removeEntry(work)
            // The last run's work folder goes with it (a folder only a directory has).
            if store.entries(in: works).isEmpty { _ = store.removeEntry(works) }
        }
    }

    /// `path` under `root`, relative to it.
    static func relative(_ path: String, to root: String) -> String {
        path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
    }

    /// The committed `.parquet` files among `files` (not in `_` or `.` folders).
    static func dataFiles(_ files: [String]) -> [String] {
        files.filter { path in
            !path.split(separator: "/").contains(where: { $0.hasPrefix("_") || $0.hasPrefix(".") }) && path.hasSuffix(".parquet")
        }.sorted()
    }
}

/// The Parquet results folder sink connector, registered under `sink: {parquet: ...}`.
public enum ParquetSinkConnector {
    public static let sink = SinkConnector(
        kind: ParquetSinkTarget.kind,
        makeSink: { (section, logger) throws(SluiceError) in
            try ParquetFileSink(settings: try section.decode(ParquetSinkSettings.self), logger: logger)
        },
        makeWriter: { (_, logger) throws(SluiceError) in ParquetSinkWriter(logger: logger) })
}
