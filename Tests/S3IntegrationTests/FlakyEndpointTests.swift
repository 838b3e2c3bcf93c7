import S3
import SluiceCore
import Testing

/// moto behind `Tools/s3_fault_proxy.py`, which answers chosen requests with SlowDown, InternalError, a reset
/// connection, AccessDenied or NoSuchKey: what is retried, what is not, and that the proxy saw exactly that.
struct FlakyEndpointTests {
    @Test func slowDownInternalErrorsAndResetsAreRetriedUntilTheyPass() async throws {
        try await S3TestBucket.with(.moto, "flaky") { bucket in
            let body = randomBytes(10_000, seed: 9)
            let faults = ["slowdown", "internal", "reset", "pass", "reset", "pass", "slowdown", "pass"]
            let requests = try await FaultProxy.with(upstream: bucket.server.url, faults: faults) { proxy in
                let client = try bucket.server.client(url: proxy.url)
                try await client.put(bucket: bucket.name, key: "flaky.bin", bytes: body)
                #expect(try await client.get(bucket: bucket.name, key: "flaky.bin") == body)
                #expect(try await client.listAll(bucket: bucket.name).map(\.key) == ["flaky.bin"])
                return try await proxy.requests()
            }
            #expect(requests.map(\.action) == faults, "\(requests)")
            #expect(requests.map(\.method) == ["PUT", "PUT", "PUT", "PUT", "GET", "GET", "GET", "GET"], "\(requests)")
            #expect(try await bucket.client.get(bucket: bucket.name, key: "flaky.bin") == body, "stored once, intact")
        }
    }

    @Test func refusalsAreNotRetried() async throws {
        try await S3TestBucket.with(.moto, "refusals") { bucket in
            let name = bucket.name
            let requests = try await FaultProxy.with(upstream: bucket.server.url, faults: ["forbidden", "notfound", "notfound"]) { proxy in
                let client = try bucket.server.client(url: proxy.url)
                let denied = await #expect(throws: SluiceError.self) { try await client.put(bucket: name, key: "k", bytes: [1]) }
                #expect(denied?.code == .s3AccessDenied && denied?.retryable == false)
                #expect(denied?.message == "S3 AccessDenied on PUT bucket '\(name)' key 'k': HTTP 403, request id fault-proxy-1",
                        "\(String(describing: denied))")
                let missing = await #expect(throws: SluiceError.self) { try await client.get(bucket: name, key: "k") }
                #expect(missing?.code == .s3NotFound && missing?.message.contains("request id fault-proxy-2") == true)
                let headMissing = await #expect(throws: SluiceError.self) { try await client.head(bucket: name, key: "k") }
                #expect(headMissing?.code == .s3NotFound && headMissing?.message.contains("HTTP 404") == true)
                return try await proxy.requests()
            }
            #expect(requests.map(\.method) == ["PUT", "GET", "HEAD"], "one request each: \(requests)")
        }
    }

    @Test func retriesStopAfterTheLastAttemptAndSayHowMany() async throws {
        try await S3TestBucket.with(.moto, "giveup") { bucket in
            let name = bucket.name
            let requests = try await FaultProxy.with(upstream: bucket.server.url, faults: Array(repeating: "slowdown", count: 5)) { proxy in
                let retry = S3RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(10), maxDelay: .milliseconds(50))
                let client = try bucket.server.client(url: proxy.url, retry: retry)
                let error = await #expect(throws: SluiceError.self) { try await client.put(bucket: name, key: "k", bytes: [1]) }
                #expect(error?.code == .s3Error && error?.retryable == true, "still worth retrying later: \(String(describing: error))")
                #expect(error?.message == "S3 SlowDown on PUT bucket '\(name)' key 'k': HTTP 503, request id fault-proxy-3 (after 3 attempts)",
                        "\(String(describing: error))")
                return try await proxy.requests()
            }
            #expect(requests.count == 3, "\(requests)")
            await #expect(throws: SluiceError.self, "nothing was written") { try await bucket.client.head(bucket: name, key: "k") }
        }
    }

    /// Each request of a multipart upload is retried on its own: a part that fails is sent again, the others are not.
    @Test func aMultipartUploadOutlastsFailedPartsAndAFailedComplete() async throws {
        try await S3TestBucket.with(.moto, "flakyparts") { bucket in
            let body = randomBytes(6 << 20, seed: 10)
            // initiate, part 1 (refused once), part 2 (reset once), complete (SlowDown once); one part at a time.
            let faults = ["pass", "internal", "pass", "reset", "pass", "slowdown", "pass"]
            let requests = try await FaultProxy.with(upstream: bucket.server.url, faults: faults) { proxy in
                let client = try bucket.server.client(url: proxy.url, maxConcurrentParts: 1)
                let etag = try await client.upload(bucket: bucket.name, key: "parts.bin", bytes: body)
                #expect(etag.hasSuffix("-2"), "\(etag)")
                return try await proxy.requests()
            }
            #expect(requests.map(\.method) == ["POST", "PUT", "PUT", "PUT", "PUT", "POST", "POST"], "\(requests)")
            #expect(requests.map(\.action) == faults)
            #expect(try await bucket.client.get(bucket: bucket.name, key: "parts.bin") == body)
            #expect(try await bucket.client.openMultipartUploads(bucket: bucket.name).isEmpty)
        }
    }
}
