import Crypto
public import Foundation
public import Parquet
public import SluiceConfig
public import SluiceCore

/// Where a run's shards and manifests live: a local directory (or a volume every executor mounts at the same path)
/// or an S3 prefix (``S3StagingStore``), so that executors on different machines need no shared disk.
///
/// Paths are whole: `<directory>/<run>/<table>/part-00003.parquet`, with `directory` as configured (`/var/sluice`
/// or `s3://bucket/prefix`). A file appears under its final path whole or not at all: a writer fills a scratch file
/// (``scratchPath(for:attempt:)``) and ``publish(_:as:)`` puts it in place (a rename; on S3 an upload, which S3
/// makes visible only once complete). Blocking: call it from threads of its own (``SluiceCore/BlockingIO``).
public protocol StagingStore: Sendable {
    /// The staging directory as configured.
    var root: String { get }
    /// Checks that staging can be used (the directory can be created; the bucket exists and lets these credentials
    /// list it), so that a run stops at once, naming the problem, instead of at its first shard.
    func prepare() throws(SluiceError)
    /// Where a writer of `path` (for one attempt) writes before ``publish(_:as:)``: beside it on a local directory
    /// (`<path>.attempt-<n>.tmp`), in this machine's temporary directory for a bucket.
    func scratchPath(for path: String, attempt: UInt32) throws(SluiceError) -> String
    /// Makes the complete scratch file the content of `path` (replacing what was there) and removes the scratch file.
    func publish(_ scratch: String, as path: String) throws(SluiceError)
    /// Random access to `path`'s bytes (ranged GETs on S3).
    func input(_ path: String) throws(SluiceError) -> any ParquetInput
    /// Size and SHA-256 (hex) of `path`; nil when it does not exist.
    func describe(_ path: String) -> StagedFileFacts?
    /// Removes `paths`; missing ones are no error, and nothing is thrown: cleanup never fails a run.
    func remove(_ paths: [String])
    /// A small file whole (a manifest); nil when it does not exist.
    func read(_ path: String) throws(SluiceError) -> [UInt8]?
    /// Writes a small file (a manifest) so that readers see the old content or the new, never a part.
    func write(_ bytes: [UInt8], to path: String) throws(SluiceError)
    /// The names of the entries right under the staging directory, or under its folder `relative` (`<run>`): run
    /// directories, tables, and whatever else is there.
    func entries(in relative: String) -> [String]
    /// The newest modification time of anything under the entry `name`; nil when there is nothing.
    func latestModification(of name: String) -> Date?
    /// Removes the entry `name` and everything under it; whether it did.
    func removeEntry(_ name: String) -> Bool
    /// Every file under the folder `relative` at any depth, as paths relative to that folder, sorted.
    func files(under relative: String) -> [String]
    /// Whether `path` exists.
    func exists(_ path: String) -> Bool
    /// Moves the file `source` to `destination` (replacing it): a rename locally; on S3 a server-side copy, then the
    /// source is deleted (the copy appears whole, as any object).
    func move(_ source: String, to destination: String) throws(SluiceError)
    /// Removes what attempts that never finished left under the entry `name` (scratch files; on S3, multipart uploads
    /// still open); returns what it removed.
    func removeUnfinished(under name: String) -> [String]
}

/// What ``StagingStore/describe(_:)`` knows about a file.
public struct StagedFileFacts: Sendable, Hashable {
    public var bytes: UInt64
    public var sha256: String

    public init(bytes: UInt64, sha256: String) {
        self.bytes = bytes
        self.sha256 = sha256
    }
}

extension StagingConfig {
    /// The store for this staging directory: a bucket for `s3://...`, else the local directory. Credentials for a
    /// bucket come from `environment` (the process's by default).
    public func store(environment: [String: String]? = nil) throws(SluiceError) -> any StagingStore {
        isInBucket ? try S3StagingStore(config: self, environment: environment) : LocalStagingStore(root: directory)
    }
}

/// The SHA-256 of a file read in 1 MiB pieces, hex; nil when it cannot be read.
public func sha256Hex(ofFile path: String) -> String? {
    guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
    defer { try? handle.close() }
    var hasher = SHA256()
    do {
        // nil or empty: the end of the file.
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
    } catch {
        return nil
    }
    return hasher.finalize().map { String(format: "%02x", $0) }.joined()
}
