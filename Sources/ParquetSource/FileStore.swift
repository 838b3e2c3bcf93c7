import Foundation
public import Parquet
public import SluiceCore
public import SluicePipeline

/// One file of the lake as a listing shows it.
public struct StoredFile: Sendable, Hashable, Codable {
    /// The path under the store's root, `/`-separated (`events/date=2026-11-01/part-0.parquet`).
    public var key: String
    public var size: Int
    /// Last modification, microseconds since 1970 UTC.
    public var modified: Int64
    /// What changes when the file's content does (an S3 ETag; locally size, modification time and inode): a task
    /// finding another tag than planning saw refuses to read a file that was replaced under it.
    public var tag: String

    public init(key: String, size: Int, modified: Int64, tag: String) {
        self.key = key
        self.size = size
        self.modified = modified
        self.tag = tag
    }

    /// The file as a table's file ledger records it.
    public var version: FileVersion { FileVersion(key: key, tag: tag) }
}

/// Where a Parquet source's files live: listed by the driver, opened by executors for ranged reads.
public protocol FileStore: Sendable {
    /// Every file under `prefix` (a folder, or one file's key), at any depth, sorted by key.
    func list(under prefix: String) throws(SluiceError) -> [StoredFile]
    /// Random access to `file`'s bytes, after checking that it is still the file that was listed.
    func open(_ file: StoredFile) throws(SluiceError) -> any ParquetInput
}

extension SluiceError.Code {
    /// The source's files cannot be listed or read (a missing folder, permissions): the configuration or the lake
    /// must change, so it is not retried.
    public static let parquetSourceMissing = Self("parquet_source_missing", retryable: false)
    /// A file changed between planning and reading (rewritten in place): the run's plan no longer describes it.
    public static let parquetSourceChanged = Self("parquet_source_changed", retryable: false)
    /// The files disagree with the table's declaration (a declared column missing from a file, a type that cannot
    /// load into the declared one).
    public static let parquetSchemaDrift = Self("parquet_schema_drift", retryable: false)
}

/// Files in a local directory (or a shared volume every executor mounts at the same path).
public struct LocalFileStore: FileStore {
    public let root: String

    public init(root: String) {
        self.root = root
    }

    public func list(under prefix: String) throws(SluiceError) -> [StoredFile] {
        let base = URL(fileURLWithPath: root, isDirectory: true)
        let start = prefix.isEmpty ? base : base.appendingPathComponent(prefix)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: start.path, isDirectory: &isDirectory) else {
            throw SluiceError(.parquetSourceMissing, "no file or folder \(prefix.isEmpty ? "." : prefix) under \(root)",
                              context: ErrorContext(file: start.path))
        }
        if !isDirectory.boolValue { return [try describe(start.path, key: prefix)] }
        guard let walker = FileManager.default.enumerator(atPath: start.path) else {
            throw SluiceError(.parquetSourceMissing, "cannot list \(start.path)", context: ErrorContext(file: start.path))
        }
        var files: [StoredFile] = []
        let folder = prefix.isEmpty ? "" : (prefix.hasSuffix("/") ? prefix : prefix + "/")
        while let relative = walker.nextObject() as? String {
            let path = start.path + "/" + relative
            var folderFlag: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &folderFlag), !folderFlag.boolValue else { continue }
            files.append(try describe(path, key: folder + relative))
        }
        return files.sorted { $0.key < $1.key }
    }

    public func open(_ file: StoredFile) throws(SluiceError) -> any ParquetInput {
        let path = URL(fileURLWithPath: root, isDirectory: true).appendingPathComponent(file.key).path
        let now = try describe(path, key: file.key)
        guard now.tag == file.tag else {
            throw SluiceError(.parquetSourceChanged,
                              "\(file.key) changed since the run was planned (\(file.size) bytes modified \(Self.instant(file.modified)), now \(now.size) bytes modified \(Self.instant(now.modified))); run again to read the new file",
                              context: ErrorContext(file: path))
        }
        return try ParquetFileInput(path: path)
    }

    private func describe(_ path: String, key: String) throws(SluiceError) -> StoredFile {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw SluiceError(.parquetSourceMissing, "cannot read \(key): \(String(cString: strerror(errno)))", context: ErrorContext(file: path))
        }
        let modified = Int64(info.st_mtim.tv_sec) * 1_000_000 + Int64(info.st_mtim.tv_nsec) / 1_000
        let nanos = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        return StoredFile(key: key, size: Int(info.st_size), modified: modified, tag: "\(info.st_size)-\(nanos)-\(info.st_ino)")
    }

    static func instant(_ micros: Int64) -> String { CivilTime.formatTimestamp(microseconds: micros) + "Z" }
}
