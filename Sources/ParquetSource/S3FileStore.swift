import Foundation
import Parquet
import S3
import SluiceCore
import SluiceStorage

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
