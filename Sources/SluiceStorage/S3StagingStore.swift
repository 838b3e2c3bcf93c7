import Crypto
public import Foundation
public import Parquet
public import S3
public import SluiceConfig
public import SluiceCore

/// Staging under an S3 prefix (`staging: {directory: s3://bucket/prefix}`): executors on different machines share
/// it without a shared disk.
///
/// S3 has no rename, so a shard is written to a scratch file on the executor's own disk and uploaded whole to its
/// final key when complete (one PUT, or a multipart upload that is aborted on failure): S3 shows an object only once
/// its upload completed, so a reader never sees part of a shard, and a killed attempt leaves at most an open multipart
/// upload, which ``removeUnfinished(under:)`` aborts when the run ends. Which attempt's shard counts is the run's
/// manifest's business, as on a local directory. The upload carries the shard's SHA-256 as user metadata
/// (`x-amz-meta-sha256`), so that the driver records and checks shards with a HEAD instead of reading them.
public struct S3StagingStore: StagingStore {
    public let root: String
    let client: S3Client
    let bucket: String
    /// The root's key prefix: empty, or ending in `/`.
    let prefix: String
    /// Where scratch files go on this machine.
    let scratchDirectory: String

    static let sha256Metadata = "sha256"

    public init(config: StagingConfig, environment: [String: String]? = nil) throws(SluiceError) {
        guard let url = S3URL(config.directory) else {
            throw SluiceError(.configInvalid, "staging.directory \(config.directory) is not s3://bucket/prefix")
        }
        try self.init(root: config.directory, client: try (config.s3 ?? S3EndpointSettings()).client(environment: environment), url: url)
    }

    public init(root: String, client: S3Client, url: S3URL,
                scratchDirectory: String = NSTemporaryDirectory() + "/sluice-s3-scratch") throws(SluiceError) {
        self.root = root
        self.client = client
        bucket = url.bucket
        prefix = url.key.isEmpty || url.key.hasSuffix("/") ? url.key : url.key + "/"
        self.scratchDirectory = scratchDirectory
    }

    /// The key of a whole staging path (`s3://bucket/prefix/run/...`).
    func key(_ path: String) throws(SluiceError) -> String {
        guard let url = S3URL(path), url.bucket == bucket else {
            throw SluiceError(.stagingIO, "\(path) is not in the staging bucket \(root)")
        }
        return url.key
    }

    public func prepare() throws(SluiceError) {
        _ = try Blocking.wait { [client, bucket, prefix] () async throws(SluiceError) in
            try await client.listPage(bucket: bucket, prefix: prefix, maxKeys: 1)
        }
    }

    public func scratchPath(for path: String, attempt: UInt32) throws(SluiceError) -> String {
        do {
            try FileManager.default.createDirectory(atPath: scratchDirectory, withIntermediateDirectories: true)
        } catch {
            throw SluiceError(.stagingIO, "cannot create the scratch directory \(scratchDirectory) for shards bound for S3", underlying: "\(error)")
        }
        let name = (path as NSString).lastPathComponent
        return "\(scratchDirectory)/\(UUID().uuidString)-\(name).attempt-\(attempt).tmp"
    }

    public func publish(_ scratch: String, as path: String) throws(SluiceError) {
        let key = try key(path)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        guard let size = (try? FileManager.default.attributesOfItem(atPath: scratch)[.size] as? NSNumber)?.int64Value else {
            throw SluiceError(.stagingIO, "cannot read the finished shard \(scratch) to upload it to \(path)")
        }
        if size <= client.configuration.multipartThreshold {
            // Read once: the bytes sent are the bytes hashed.
            let bytes = try Self.readFile(scratch, range: 0..<size)
            let metadata = [Self.sha256Metadata: Self.hexDigest(of: bytes)]
            try Blocking.wait { [client, bucket] () async throws(SluiceError) in
                try await client.put(bucket: bucket, key: key, bytes: bytes, metadata: metadata)
            }
            return
        }
        // Parts are read in parallel, so the hash is a pass of its own (from the page cache).
        guard let sha = sha256Hex(ofFile: scratch) else {
            throw SluiceError(.stagingIO, "cannot read the finished shard \(scratch) to upload it to \(path)")
        }
        let metadata = [Self.sha256Metadata: sha]
        try Blocking.wait { [client, bucket] () async throws(SluiceError) in
            try await client.uploadMultipart(bucket: bucket, key: key, size: size, metadata: metadata) { range throws(SluiceError) in
                try Self.readFile(scratch, range: range)
            }
        }
    }

    static func readFile(_ path: String, range: Range<Int64>) throws(SluiceError) -> [UInt8] {
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            try handle.seek(toOffset: UInt64(range.lowerBound))
            let data = try handle.read(upToCount: Int(range.count)) ?? Data()
            guard data.count == range.count else {
                throw SluiceError(.stagingIO, "\(path) ended after \(data.count) of the \(range.count) bytes at \(range.lowerBound)")
            }
            return [UInt8](data)
        } catch let error as SluiceError {
            throw error
        } catch {
            throw SluiceError(.stagingIO, "cannot read \(path)", underlying: "\(error)")
        }
    }

    public func input(_ path: String) throws(SluiceError) -> any ParquetInput {
        let key = try key(path)
        let info = try Blocking.wait { [client, bucket] () async throws(SluiceError) in try await client.head(bucket: bucket, key: key) }
        return S3ObjectInput(client: client, bucket: bucket, key: key, size: Int(info.size))
    }

    public func describe(_ path: String) -> StagedFileFacts? {
        guard let key = try? key(path),
              let info = try? Blocking.wait({ [client, bucket] () async throws(SluiceError) in try await client.head(bucket: bucket, key: key) })
        else { return nil }
        if let sha = info.metadata[Self.sha256Metadata] { return StagedFileFacts(bytes: UInt64(info.size), sha256: sha) }
        // Not uploaded by Sluice: hashed from its bytes.
        guard let bytes = try? read(path) else { return nil }
        return StagedFileFacts(bytes: UInt64(bytes.count), sha256: Self.hexDigest(of: bytes))
    }

    static func hexDigest(of bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    public func remove(_ paths: [String]) {
        let keys = paths.compactMap { try? key($0) }
        guard !keys.isEmpty else { return }
        _ = try? Blocking.wait { [client, bucket] () async throws(SluiceError) in try await client.deleteObjects(bucket: bucket, keys: keys) }
    }

    public func read(_ path: String) throws(SluiceError) -> [UInt8]? {
        let key = try key(path)
        do {
            return try Blocking.wait { [client, bucket] () async throws(SluiceError) in try await client.get(bucket: bucket, key: key) }
        } catch where error.code == .s3NotFound {
            return nil
        }
    }

    public func write(_ bytes: [UInt8], to path: String) throws(SluiceError) {
        let key = try key(path)
        // One PUT: S3 shows the old object or the new one, never a part.
        try Blocking.wait { [client, bucket] () async throws(SluiceError) in try await client.put(bucket: bucket, key: key, bytes: bytes) }
    }

    public func entries(in relative: String = "") -> [String] {
        let start = relative.isEmpty ? prefix : prefix + relative + "/"
        guard let listing = try? Blocking.wait({ [client, bucket] () async throws(SluiceError) in
            try await client.listDirectory(bucket: bucket, prefix: start)
        }) else { return [] }
        let folders = listing.commonPrefixes.map { String($0.dropFirst(start.count).dropLast()) }
        let files = listing.objects.map { String($0.key.dropFirst(start.count)) }
        return (folders + files).filter { !$0.isEmpty }
    }

    func objects(under name: String) -> [S3Object]? {
        try? Blocking.wait { [client, bucket, prefix] () async throws(SluiceError) in
            try await client.listAll(bucket: bucket, prefix: prefix + name + "/")
        }
    }

    public func latestModification(of name: String) -> Date? {
        objects(under: name)?.compactMap(\.lastModified).map { Date(timeIntervalSince1970: TimeInterval($0.secondsSinceEpoch)) }.max()
    }

    public func removeEntry(_ name: String) -> Bool {
        _ = removeUnfinished(under: name)
        guard let keys = objects(under: name)?.map(\.key) else { return false }
        let failures = try? Blocking.wait { [client, bucket] () async throws(SluiceError) in try await client.deleteObjects(bucket: bucket, keys: keys) }
        return failures?.isEmpty == true
    }

    public func files(under relative: String) -> [String] {
        let start = relative.isEmpty ? prefix : prefix + relative + "/"
        guard let objects = try? Blocking.wait({ [client, bucket] () async throws(SluiceError) in
            try await client.listAll(bucket: bucket, prefix: start)
        }) else { return [] }
        return objects.map { String($0.key.dropFirst(start.count)) }.filter { !$0.isEmpty && !$0.hasSuffix("/") }.sorted()
    }

    public func exists(_ path: String) -> Bool {
        guard let key = try? key(path) else { return false }
        return (try? Blocking.wait { [client, bucket] () async throws(SluiceError) in try await client.head(bucket: bucket, key: key) }) != nil
    }

    public func move(_ source: String, to destination: String) throws(SluiceError) {
        let from = try key(source), to = try key(destination)
        try Blocking.wait { [client, bucket] () async throws(SluiceError) in
            try await client.copy(bucket: bucket, key: from, to: to)
            try await client.delete(bucket: bucket, key: from)
        }
    }

    public func removeUnfinished(under name: String) -> [String] {
        let start = prefix + name + "/"
        let aborted = try? Blocking.wait { [client, bucket] () async throws(SluiceError) -> [String] in
            var aborted: [String] = []
            for upload in try await client.openMultipartUploads(bucket: bucket, prefix: start) {
                try await client.abortMultipart(bucket: bucket, key: upload.key, uploadID: upload.uploadID)
                aborted.append("s3://\(bucket)/\(upload.key) (upload \(upload.uploadID))")
            }
            return aborted
        }
        return aborted ?? []
    }
}
