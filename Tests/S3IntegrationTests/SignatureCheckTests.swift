import HTTPTransport
import S3
import SluiceCore
import Testing

/// What only a server that checks signatures can show: OpenStack Swift's s3api verifies SigV4 and the payload hash
/// (moto accepts any signature and never looks at `x-amz-content-sha256`).
struct SignatureCheckTests {
    @Test func aWrongSecretIsRefusedNamingCodeBucketAndKeyAndNothingIsWritten() async throws {
        try await S3TestBucket.with(.swift, "badsecret") { bucket in
            let name = bucket.name
            let secret = "not-the-secret-\(UInt64.random(in: 0...UInt64.max))"
            let client = try bucket.server.client(secret: secret)

            let put = try #require(await #expect(throws: SluiceError.self) {
                try await client.put(bucket: name, key: "dir/refused.bin", bytes: [1, 2, 3])
            })
            #expect(put.code == .s3AccessDenied && put.retryable == false)
            #expect(put.message.hasPrefix("S3 SignatureDoesNotMatch on PUT bucket '\(name)' key 'dir/refused.bin': HTTP 403, request id "),
                    "\(put)")
            #expect(!put.message.hasSuffix("request id none") && !put.message.contains("attempts"), "named, and not retried: \(put)")

            // Every kind of request fails the same way, and none of the errors holds the secret.
            var errors = [put]
            let attempts: [(String, () async throws -> Void)] = [
                ("GET", { _ = try await client.get(bucket: name, key: "k") }),
                ("HEAD", { _ = try await client.head(bucket: name, key: "k") }),
                ("ListObjectsV2", { _ = try await client.listAll(bucket: name) }),
                ("DeleteObjects", { _ = try await client.deleteObjects(bucket: name, keys: ["a", "b"]) }),
                ("CreateMultipartUpload", {
                    _ = try await client.uploadMultipart(bucket: name, key: "big", size: 10) { _ throws(SluiceError) in [UInt8](repeating: 0, count: 10) }
                }),
            ]
            for (operation, attempt) in attempts {
                let error = try #require(await #expect(throws: SluiceError.self, "\(operation)") { try await attempt() })
                #expect(error.code == .s3AccessDenied, "\(error)")
                #expect(error.message.contains(" on \(operation) bucket '\(name)'") && error.message.contains("HTTP 403"), "\(error)")
                errors.append(error)
            }
            for error in errors {
                for text in [error.description, String(reflecting: error), error.message, error.underlying ?? ""] {
                    #expect(!text.contains(secret), "the secret is printed: \(text)")
                }
            }
            // Nothing was written: the right secret sees an empty bucket.
            #expect(try await bucket.client.listAll(bucket: name).isEmpty)
            #expect(try await bucket.client.openMultipartUploads(bucket: name).isEmpty)
        }
    }

    /// A request signed with a payload hash that is not its body's: the signature is right (it covers the hash
    /// header), so only the body check can refuse it. Sent through the signer by hand, since the client always
    /// hashes the body it sends.
    @Test func aBodyWhoseHashIsNotTheSignedOneIsRefused() async throws {
        try await S3TestBucket.with(.swift, "digest") { bucket in
            let endpoint = try S3Endpoint(url: bucket.server.url, addressing: .path)
            let credentials = AWSCredentials(accessKeyID: bucket.server.accessKey, secretAccessKey: bucket.server.secret)
            let http = HTTPClient()
            func put(_ key: String, body: [UInt8], payloadHash: String) async throws -> HTTPResponse {
                let location = endpoint.location(bucket: bucket.name, key: key)
                var headers: HTTPHeaders = ["Host": location.host, "Content-Type": "application/octet-stream"]
                SigV4Signer(region: "us-east-1").sign(method: "PUT", encodedPath: location.encodedPath, query: [], headers: &headers,
                                                      payloadHash: payloadHash, date: AmzDate.now(), credentials: credentials)
                return try await http.execute(HTTPRequest(method: .put, url: location.url, headers: headers, body: .bytes(body)))
            }
            let body = Array("the bytes that were sent".utf8)

            let refused = try await put("refused.bin", body: body, payloadHash: SigV4Signer.sha256Hex(Array("other bytes".utf8)))
            let details = S3ErrorDetails.parse(status: refused.status, body: refused.body, requestIDHeader: refused.headers["x-amz-request-id"])
            #expect(refused.status == 400 && ["XAmzContentSHA256Mismatch", "BadDigest"].contains(details.code), "\(details)")
            await #expect(throws: SluiceError.self, "nothing was stored") {
                try await bucket.client.head(bucket: bucket.name, key: "refused.bin")
            }

            // The same request with the body's own hash, or with UNSIGNED-PAYLOAD, is accepted: only the hash was wrong.
            for (key, hash) in [("signed.bin", SigV4Signer.sha256Hex(body)), ("unsigned.bin", SigV4Signer.unsignedPayload)] {
                let accepted = try await put(key, body: body, payloadHash: hash)
                #expect(accepted.status == 200, "\(key): HTTP \(accepted.status) \(accepted.bodyText)")
                #expect(try await bucket.client.get(bucket: bucket.name, key: key) == body)
            }
        }
    }
}
