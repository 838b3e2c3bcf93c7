import Crypto
import S3
import SluiceCore
import Testing

/// Multipart uploads: a shard larger than the part size in parallel parts, and a failure part-way that is aborted.
struct MultipartUploadTests {
    static let partSize = S3Configuration.minimumPartSize
    static let shard = randomBytes(12 << 20, seed: 8)

    @Test(arguments: S3Store.allCases)
    func aShardLargerThanThePartSizeGoesUpInPartsAndReadsBackTheSame(store: S3Store) async throws {
        try await S3TestBucket.with(store, "multipart") { bucket in
            let client = bucket.client
            // 12 MiB in parts of 5 MiB: 5 + 5 + 2.
            let etag = try await client.upload(bucket: bucket.name, key: "shards/big.parquet", bytes: Self.shard)
            #expect(etag.hasSuffix("-3"), "a multipart ETag names the part count: \(etag)")
            let info = try await client.head(bucket: bucket.name, key: "shards/big.parquet")
            #expect(info.size == Int64(Self.shard.count))
            let read = try await client.get(bucket: bucket.name, key: "shards/big.parquet")
            #expect(SHA256.hash(data: read) == SHA256.hash(data: Self.shard), "\(read.count) bytes read back")
            // A range across the first part boundary.
            let boundary = Int64(Self.partSize)
            let across = try await client.get(bucket: bucket.name, key: "shards/big.parquet", range: .bytes(boundary - 10..<boundary + 10))
            #expect(across == Array(Self.shard[Self.partSize - 10..<Self.partSize + 10]))
            #expect(try await client.openMultipartUploads(bucket: bucket.name).isEmpty, "a completed upload is no longer open")
        }
    }

    @Test(arguments: S3Store.allCases)
    func anUploadThatFailsPartWayIsAbortedAndLeavesNoUpload(store: S3Store) async throws {
        try await S3TestBucket.with(store, "abort") { bucket in
            // One part at a time, so that parts 1 and 2 are stored when reading part 3 fails.
            let client = try bucket.server.client(maxConcurrentParts: 1)
            let name = bucket.name
            let open = OpenUploads()
            let error = await #expect(throws: SluiceError.self) {
                try await client.uploadMultipart(bucket: name, key: "shards/broken.parquet", size: Int64(Self.shard.count)) { range throws(SluiceError) in
                    guard range.lowerBound < 2 * Int64(Self.partSize) else {
                        await open.record(try await client.openMultipartUploads(bucket: name).map(\.key))
                        throw SluiceError(.internalError, "the spill file went away")
                    }
                    return Array(Self.shard[Int(range.lowerBound)..<Int(range.upperBound)])
                }
            }
            #expect(error?.message == "the spill file went away", "the reader's error, as it was: \(String(describing: error))")
            #expect(await open.keys == ["shards/broken.parquet"], "the upload was open while it ran")
            #expect(try await client.openMultipartUploads(bucket: name).isEmpty, "the failed upload was aborted")
            await #expect(throws: SluiceError.self) { try await client.head(bucket: name, key: "shards/broken.parquet") }
        }
    }
}

/// Server-side copies: one CopyObject up to the copy threshold (5 GiB on S3), part by part above it. The threshold is
/// lowered here so that 12 MiB goes in parts of 5 MiB, as a file of more than 5 GiB would in parts of 512 MiB.
struct MultipartCopyTests {
    @Test(arguments: S3Store.allCases)
    func aLargeObjectIsCopiedPartByPartWithItsMetadata(store: S3Store) async throws {
        try await S3TestBucket.with(store, "copy") { bucket in
            let client = try bucket.server.client(copyThreshold: 8 << 20)
            let shard = MultipartUploadTests.shard
            let digest = SHA256.hash(data: shard).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
            try await client.upload(bucket: bucket.name, key: "work/t1-a1/big.parquet", bytes: shard, contentType: "application/vnd.apache.parquet",
                                    metadata: ["sha256": digest])
            let etag = try await client.copy(bucket: bucket.name, key: "work/t1-a1/big.parquet", to: "daily/big.parquet")
            #expect(etag.hasSuffix("-3"), "copied in 3 parts (5 + 5 + 2 MiB): \(etag)")
            let copied = try await client.head(bucket: bucket.name, key: "daily/big.parquet")
            #expect(copied.size == Int64(shard.count))
            #expect(copied.metadata["sha256"] == digest, "\(copied.metadata)")
            #expect(copied.contentType == "application/vnd.apache.parquet")
            let read = try await client.get(bucket: bucket.name, key: "daily/big.parquet")
            #expect(SHA256.hash(data: read) == SHA256.hash(data: shard))
            #expect(try await client.openMultipartUploads(bucket: bucket.name).isEmpty)

            // Below the threshold: one CopyObject (its ETag names no parts).
            try await client.put(bucket: bucket.name, key: "work/small", bytes: Array(shard.prefix(1_000)))
            let small = try await client.copy(bucket: bucket.name, key: "work/small", to: "daily/small")
            #expect(!small.contains("-"), "\(small)")
            #expect(try await client.get(bucket: bucket.name, key: "daily/small") == Array(shard.prefix(1_000)))

            // A missing source is an error naming it; nothing is left open.
            let error = await #expect(throws: SluiceError.self) {
                try await client.copy(bucket: bucket.name, key: "work/gone.parquet", to: "daily/gone.parquet")
            }
            #expect(error?.message.contains("work/gone.parquet") == true, "\(String(describing: error))")
            #expect(try await client.openMultipartUploads(bucket: bucket.name).isEmpty)
        }
    }
}

/// What a reader saw of the open uploads while a multipart upload ran.
actor OpenUploads {
    private(set) var keys: [String] = []

    func record(_ keys: [String]) { self.keys = keys }
}
