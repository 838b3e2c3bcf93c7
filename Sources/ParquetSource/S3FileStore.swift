import Dispatch
import Foundation
import Parquet
import S3
import SluiceCore
import Synchronization

/// Files in an S3 bucket (or an S3-compatible store) under a prefix: listed with ListObjectsV2, checked with HEAD
/// (ETag) before a task reads them, read with ranged GETs (the footer, then only the column chunks a task needs).
struct S3FileStore: FileStore {
    let client: S3Client
    let bucket: String
    /// The root's key prefix: empty, or ending in `/`.
    let prefix: String

    var rootName: String { "s3://\(bucket)/\(prefix)" }

    func list(under path: String) throws(SluiceError) -> [StoredFile] {
        let start = prefix + path
        let objects = try Blocking.wait { [client, bucket] () async throws(SluiceError) in try await client.listAll(bucket: bucket, prefix: start) }
        // `events` lists `events/...` and the object `events` itself, not `events2/...`.
        let folder = start.isEmpty || start.hasSuffix("/") ? start : start + "/"
        let files = objects.filter { $0.key == start || $0.key.hasPrefix(folder) }.filter { !$0.key.hasSuffix("/") }
        guard !files.isEmpty || !path.isEmpty else { return [] }
        guard !files.isEmpty else {
            throw SluiceError(.parquetSourceMissing, "no object under \(rootName)\(path)", context: ErrorContext(file: "s3://\(bucket)/\(start)"))
        }
        return files.map {
            StoredFile(key: String($0.key.dropFirst(prefix.count)), size: Int($0.size),
                       modified: ($0.lastModified?.secondsSinceEpoch ?? 0) * 1_000_000, tag: $0.etag)
        }.sorted { $0.key < $1.key }
    }

    func open(_ file: StoredFile) throws(SluiceError) -> any ParquetInput {
        let key = prefix + file.key
        let info = try Blocking.wait { [client, bucket] () async throws(SluiceError) in try await client.head(bucket: bucket, key: key) }
        guard info.etag == file.tag, Int(info.size) == file.size else {
            throw SluiceError(.parquetSourceChanged,
                              "\(file.key) changed since the run was planned (ETag \(file.tag), \(file.size) bytes; now \(info.etag), \(info.size) bytes); run again to read the new object",
                              context: ErrorContext(file: "s3://\(bucket)/\(key)"))
        }
        return S3ObjectInput(client: client, bucket: bucket, key: key, size: file.size)
    }
}

/// One object's bytes by ranged GETs. The last 64 KiB are fetched once and kept: the reader asks for the magic and the
/// footer length, then the footer, which nearly always lies in them.
final class S3ObjectInput: ParquetInput {
    let name: String
    let size: Int
    private let client: S3Client
    private let bucket: String
    private let key: String
    private let tail = Mutex<(start: Int, bytes: [UInt8])?>(nil)
    static let tailBytes = 64 << 10

    init(client: S3Client, bucket: String, key: String, size: Int) {
        self.client = client
        self.bucket = bucket
        self.key = key
        self.size = size
        name = "s3://\(bucket)/\(key)"
    }

    func read(offset: Int, count: Int) throws(SluiceError) -> [UInt8] {
        guard offset >= 0, count >= 0, offset <= size, count <= size - offset else {
            throw SluiceError(.parquetCorrupt, "range \(offset)+\(count) lies outside the object of \(size) bytes", context: ErrorContext(file: name))
        }
        if count == 0 { return [] }
        if offset + count > size - Self.tailBytes {
            let cached = try tailBytes()
            if offset >= cached.start { return Array(cached.bytes[(offset - cached.start)..<(offset - cached.start + count)]) }
        }
        let range = Int64(offset)..<Int64(offset + count)
        let bytes = try Blocking.wait { [client, bucket, key] () async throws(SluiceError) in
            try await client.get(bucket: bucket, key: key, range: .bytes(range))
        }
        guard bytes.count == count else {
            throw SluiceError(.s3InvalidResponse, "asked for \(count) bytes at \(offset), received \(bytes.count)", context: ErrorContext(file: name))
        }
        return bytes
    }

    private func tailBytes() throws(SluiceError) -> (start: Int, bytes: [UInt8]) {
        if let cached = tail.withLock({ $0 }) { return cached }
        let length = min(size, Self.tailBytes)
        let bytes = try Blocking.wait { [client, bucket, key] () async throws(SluiceError) in
            try await client.get(bucket: bucket, key: key, range: .suffix(Int64(length)))
        }
        guard bytes.count == length else {
            throw SluiceError(.s3InvalidResponse, "asked for the last \(length) bytes, received \(bytes.count)", context: ErrorContext(file: name))
        }
        let cached = (start: size - length, bytes: bytes)
        tail.withLock { $0 = cached }
        return cached
    }
}

/// Waits on the calling thread for async work: for the blocking reader and listing, which run on threads of their own
/// (``SluiceCore/BlockingIO``), never on the concurrency pool.
enum Blocking {
    static func wait<T: Sendable>(_ work: @escaping @Sendable () async throws(SluiceError) -> T) throws(SluiceError) -> T {
        let outcome = Mutex<Result<T, SluiceError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            let result: Result<T, SluiceError>
            do throws(SluiceError) {
                result = .success(try await work())
            } catch {
                result = .failure(error)
            }
            outcome.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        return try outcome.withLock { $0! }.get()
    }
}
