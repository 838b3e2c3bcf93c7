import Foundation
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

/// A shared credentials file and a profile, as the product resolves them (the process's environment and the file on
/// disk), signing requests that OpenStack Swift checks.
struct SharedCredentialsFileTests {
    @Test func aProfileOfTheSharedFileSignsRequestsSwiftAccepts() async throws {
        let server = try S3TestServer.require(.swift)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-aws-\(UInt32.random(in: 0...UInt32.max))").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try """
            [default]
            aws_access_key_id = \(server.accessKey)
            aws_secret_access_key = not-the-secret

            [profile lake]
            aws_access_key_id = \(server.accessKey)
            aws_secret_access_key = \(server.secret)
            """.write(toFile: path, atomically: true, encoding: .utf8)
        func client(profile: String) throws -> S3Client {
            let source = try AWSCredentialSource.resolve(environment: ["AWS_SHARED_CREDENTIALS_FILE": path, "AWS_PROFILE": profile]) {
                try? String(contentsOfFile: $0, encoding: .utf8)
            }
            return try S3Client(configuration: S3Configuration(endpoint: try S3Endpoint(url: server.url, addressing: .path),
                                                               region: "us-east-1", retry: S3TestServer.quickRetries),
                                credentials: S3CredentialsProvider(source: source))
        }
        let bucket = try await server.makeBucket("profile")
        let lake = try client(profile: "lake")
        try await lake.put(bucket: bucket, key: "signed-by-profile", bytes: Array("lake".utf8))
        #expect(try await lake.get(bucket: bucket, key: "signed-by-profile") == Array("lake".utf8))
        // The default profile's secret is wrong: Swift refuses its signature.
        let error = await #expect(throws: SluiceError.self) { try await client(profile: "default").get(bucket: bucket, key: "signed-by-profile") }
        #expect(error?.message.contains("SignatureDoesNotMatch") == true, "\(String(describing: error))")
        try await lake.delete(bucket: bucket, key: "signed-by-profile")
        try await lake.deleteBucket(bucket)
    }
}
