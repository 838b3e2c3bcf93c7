import Crypto
import Foundation
import Parquet
import S3
import SluiceCore
import SluiceDriver
import SluiceStorage
import Testing

/// Staging in a bucket (S3StagingStore): shards published whole with their SHA-256 as metadata (one PUT, or parts
/// above the threshold), read back by ranges, manifests, listing runs, aborting what killed attempts left open, and
/// staging retention deleting old runs' objects.
struct StagingStoreTests {
    static func store(_ bucket: S3TestBucket) throws -> S3StagingStore {
        let root = "s3://\(bucket.name)/runs"
        return try S3StagingStore(root: root, client: bucket.client, url: try #require(S3URL(root)),
                                  scratchDirectory: NSTemporaryDirectory() + "/sluice-staging-test-" + UUID().uuidString)
    }

    static func hex(_ bytes: [UInt8]) -> String { SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined() }

    /// Writes `bytes` to a scratch file for `path` and publishes it.
    static func publish(_ bytes: [UInt8], at path: String, in store: S3StagingStore) throws -> String {
        let scratch = try store.scratchPath(for: path, attempt: 2)
        try Data(bytes).write(to: URL(fileURLWithPath: scratch))
        try store.publish(scratch, as: path)
        return scratch
    }

    @Test(arguments: S3Store.allCases)
    func shardsArePublishedWholeWithTheirHashAndReadBackByRanges(store kind: S3Store) async throws {
        try await S3TestBucket.with(kind, "staging") { bucket in
            let store = try Self.store(bucket)
            let run = "20261205T120000Z-abc123"
            try await onThread {
            try store.prepare()
            // One PUT below the multipart threshold (5 MiB here), three parts above it.
            for (name, size) in [("part-00000.parquet", 1_000), ("part-00001.parquet", 12 << 20)] {
                let bytes = randomBytes(size, seed: UInt64(size))
                let path = "\(store.root)/\(run)/items/\(name)"
                let scratch = try Self.publish(bytes, at: path, in: store)
                #expect(!FileManager.default.fileExists(atPath: scratch), "the scratch file goes once uploaded")
                let facts = try #require(store.describe(path))
                #expect(facts == StagedFileFacts(bytes: UInt64(size), sha256: Self.hex(bytes)))
                let input = try store.input(path)
                #expect(input.size == size)
                let middle = size / 2
                #expect(try input.read(offset: middle - 10, count: 20) == Array(bytes[(middle - 10)..<(middle + 10)]))
                #expect(try input.read(offset: size - 8, count: 8) == Array(bytes[(size - 8)...]))
            }
            }
            let info = try await bucket.client.head(bucket: bucket.name, key: "runs/\(run)/items/part-00001.parquet")
            #expect(info.etag.hasSuffix("-3"), "12 MiB went up in three parts: \(info.etag)")

            try await onThread {
            // Manifests: one PUT, read whole; a missing one is nil, not an error.
            let manifest = "\(store.root)/\(run)/items/manifest.json"
            #expect(try store.read(manifest) == nil)
            try store.write(Array("{\"status\": \"running\"}".utf8), to: manifest)
            #expect(try store.read(manifest) == Array("{\"status\": \"running\"}".utf8))
            #expect(store.entries(in: "") == [run])
            #expect(store.entries(in: run) == ["items"])
            #expect(store.entries(in: run + "/items").sorted() == ["manifest.json", "part-00000.parquet", "part-00001.parquet"])

            store.remove(["\(store.root)/\(run)/items/part-00000.parquet", "\(store.root)/\(run)/items/never-there"])
            #expect(store.describe("\(store.root)/\(run)/items/part-00000.parquet") == nil)
            // A path outside the bucket is refused, naming it.
            #expect(throws: SluiceError.self) { try store.read("s3://another-bucket/runs/x") }
            }
        }
    }

    @Test(arguments: S3Store.allCases)
    func retentionDeletesOldRunsAndAbortsUploadsAKilledAttemptLeftOpen(store kind: S3Store) async throws {
        try await S3TestBucket.with(kind, "retention") { bucket in
            let store = try Self.store(bucket)
            let runs = ["20261201T000000Z-aaaaaa", "20261202T000000Z-bbbbbb", "20261203T000000Z-cccccc"]
            try await onThread {
            for run in runs {
                _ = try Self.publish([1, 2, 3], at: "\(store.root)/\(run)/items/part-00000.parquet", in: store)
                try store.write([4], to: "\(store.root)/\(run)/items/manifest.json")
            }
            try store.write([5], to: "\(store.root)/notes.txt")
            }
            // An executor killed mid-upload leaves a multipart upload open in the newest run.
            let open = try await bucket.client.initiateMultipart(bucket: bucket.name, key: "runs/\(runs[2])/items/part-00001.parquet")
            #expect(try await bucket.client.openMultipartUploads(bucket: bucket.name).map(\.uploadID) == [open])

            // Swift's s3api rounds LastModified up to the next second: wait until it lies in the past.
            try await Task.sleep(for: .milliseconds(1_100))
            let outcome = try await onThread { StagingRetention(directory: store.root, keepRuns: 2, activeWithin: 0).prune(after: runs[2], store: store) }
            #expect(outcome.runs == [runs[0]])
            #expect(outcome.temporaryFiles.count == 1 && outcome.temporaryFiles[0].contains("part-00001.parquet"), "\(outcome.temporaryFiles)")
            #expect(try await bucket.client.openMultipartUploads(bucket: bucket.name).isEmpty)
            let left = try await bucket.client.listAll(bucket: bucket.name).map(\.key)
            #expect(left == ["runs/20261202T000000Z-bbbbbb/items/manifest.json", "runs/20261202T000000Z-bbbbbb/items/part-00000.parquet",
                             "runs/20261203T000000Z-cccccc/items/manifest.json", "runs/20261203T000000Z-cccccc/items/part-00000.parquet",
                             "runs/notes.txt"], "\(left)")
        }
    }

    @Test func aBucketThatDoesNotExistFailsPrepareNamingIt() async throws {
        let server = try S3TestServer.require(.swift)
        let root = "s3://sluice-missing-\(UInt32.random(in: 0...UInt32.max))/runs"
        let store = try S3StagingStore(root: root, client: try server.client(), url: try #require(S3URL(root)))
        let error = await #expect(throws: SluiceError.self) { try await onThread { try store.prepare() } }
        #expect(error?.code == .s3NotFound, "\(String(describing: error))")
        #expect(error?.message.contains("sluice-missing-") == true, "\(String(describing: error))")
    }
}

/// Runs `body` on a thread of its own: the store blocks on S3 requests, which the concurrency pool's threads must
/// never do (the product calls it through BlockingIO too).
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await BlockingIO.run(name: "test.staging") { () throws(any Error) -> T in try body() }
}
