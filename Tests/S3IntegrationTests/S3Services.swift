import Foundation
import HTTPTransport
import S3
import SluiceCore
import Testing

/// The two S3 servers `scripts/services.sh start` runs: moto_server, which accepts any signature, and OpenStack
/// Swift's s3api, which checks SigV4 signatures and payload hashes.
enum S3Store: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case moto
    case swift

    var testDescription: String { rawValue }
}

/// One of the servers, from the environment `scripts/services.sh start` writes. A missing variable fails the test
/// with a message that says how to start the services; nothing is skipped.
struct S3TestServer: Sendable {
    let store: S3Store
    let url: String
    let accessKey: String
    let secret: String

    static func require(_ store: S3Store, sourceLocation: SourceLocation = #_sourceLocation) throws -> S3TestServer {
        let environment = ProcessInfo.processInfo.environment
        func need(_ name: String) throws -> String {
            try #require(environment[name].flatMap { $0.isEmpty ? nil : $0 },
                         "\(name) is not set: run `scripts/services.sh start` and `source /tmp/sluice-services/services.env` (scripts/test.sh does both)",
                         sourceLocation: sourceLocation)
        }
        switch store {
        case .moto:
            // moto takes any key and secret.
            return S3TestServer(store: store, url: try need("SLUICE_S3_MOTO_URL"), accessKey: "sluice-moto", secret: "sluice-moto-secret")
        case .swift:
            return S3TestServer(store: store, url: try need("SLUICE_S3_SWIFT_URL"), accessKey: try need("SLUICE_S3_SWIFT_ACCESS_KEY"),
                                secret: try need("SLUICE_S3_SWIFT_SECRET"))
        }
    }

    /// Quick retries, so that the tests that provoke them stay fast.
    static let quickRetries = S3RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(10), maxDelay: .milliseconds(100))

    /// A client for this server (or for `url`, a proxy in front of it), signing with `secret` when given.
    func client(url: String? = nil, addressing: S3Endpoint.Addressing = .path, secret: String? = nil,
                retry: S3RetryPolicy = quickRetries, partSize: Int = S3Configuration.minimumPartSize,
                maxConcurrentParts: Int = 4, copyThreshold: Int64? = nil) throws -> S3Client {
        var configuration = S3Configuration(
            endpoint: try S3Endpoint(url: url ?? self.url, addressing: addressing), region: "us-east-1", retry: retry,
            partSize: partSize, maxConcurrentParts: maxConcurrentParts, multipartThreshold: partSize)
        if let copyThreshold {
            configuration.copyThreshold = copyThreshold
            configuration.copyPartSize = Int64(partSize)
        }
        let credentials = AWSCredentials(accessKeyID: accessKey, secretAccessKey: secret ?? self.secret)
        return try S3Client(configuration: configuration, credentials: S3CredentialsProvider(source: .fixed(credentials, origin: "test")))
    }

    /// A new bucket for one test: `sluice-<purpose>-<random>`.
    func makeBucket(_ purpose: String, client: S3Client? = nil) async throws -> String {
        let bucket = "sluice-\(purpose)-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
        try await (client ?? self.client()).createBucket(bucket)
        return bucket
    }

    /// Empties and deletes `bucket`; a failure is recorded, not thrown, so that it never hides the test's own.
    func removeBucket(_ bucket: String) async {
        do {
            let client = try client()
            let keys = try await client.listAll(bucket: bucket).map(\.key)
            let failures = try await client.deleteObjects(bucket: bucket, keys: keys)
            #expect(failures.isEmpty, "cleaning up \(bucket): \(failures)")
            try await client.deleteBucket(bucket)
        } catch {
            Issue.record("cleaning up \(bucket) on \(store): \(error)")
        }
    }
}

/// A bucket made for one test, with a client of its server.
struct S3TestBucket {
    let server: S3TestServer
    let client: S3Client
    let name: String

    /// Runs `body` with a new bucket on `store`'s server named after `purpose`, then empties and deletes the bucket.
    static func with(_ store: S3Store, _ purpose: String, sourceLocation: SourceLocation = #_sourceLocation,
                     _ body: (S3TestBucket) async throws -> Void) async throws {
        let server = try S3TestServer.require(store, sourceLocation: sourceLocation)
        let client = try server.client()
        let bucket = S3TestBucket(server: server, client: client, name: try await server.makeBucket(purpose, client: client))
        do {
            try await body(bucket)
        } catch {
            await server.removeBucket(bucket.name)
            throw error
        }
        await server.removeBucket(bucket.name)
    }
}

/// Puts `objects` with at most `width` requests at once.
func putAll(_ client: S3Client, bucket: String, _ objects: [(key: String, bytes: [UInt8])], width: Int = 16) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        var next = objects.makeIterator()
        for _ in 0..<width {
            guard let object = next.next() else { break }
            group.addTask { try await client.put(bucket: bucket, key: object.key, bytes: object.bytes) }
        }
        while try await group.next() != nil {
            if let object = next.next() {
                group.addTask { try await client.put(bucket: bucket, key: object.key, bytes: object.bytes) }
            }
        }
    }
}

/// Reproducible pseudo-random bytes.
func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
    var generator = SplitMix64(seed: seed)
    var bytes = [UInt8](repeating: 0, count: count)
    var index = 0
    while index < count {
        var word = generator.next()
        for _ in 0..<min(8, count - index) {
            bytes[index] = UInt8(truncatingIfNeeded: word)
            word >>= 8
            index += 1
        }
    }
    return bytes
}
