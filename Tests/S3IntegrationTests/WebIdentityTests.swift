import Foundation
import S3
import SluiceCore
import Testing

/// Web-identity credentials (what a Kubernetes service account gives a pod): the token file is exchanged at STS
/// (moto's AssumeRoleWithWebIdentity) for temporary credentials, which then sign S3 requests.
struct WebIdentityTests {
    /// A token file and the environment that points at it, with STS at `stsURL`.
    static func environment(stsURL: String, token: String) throws -> [String: String] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-web-identity-\(UInt32.random(in: 0...UInt32.max))").path
        try token.write(toFile: path, atomically: true, encoding: .utf8)
        return ["AWS_WEB_IDENTITY_TOKEN_FILE": path, "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/sluice-test",
                "AWS_ROLE_SESSION_NAME": "sluice-test", "AWS_ENDPOINT_URL_STS": stsURL]
    }

    static func client(_ server: S3TestServer, credentials: S3CredentialsProvider) throws -> S3Client {
        try S3Client(configuration: S3Configuration(endpoint: try S3Endpoint(url: server.url, addressing: .path), region: "us-east-1",
                                                    retry: S3TestServer.quickRetries),
                     credentials: credentials)
    }

    @Test func aTokenIsExchangedAtSTSAndTheTemporaryCredentialsSignRequests() async throws {
        let server = try S3TestServer.require(.moto)
        let token = "eyJhbGciOiJSUzI1NiJ9.sluice-test-token.\(UInt64.random(in: 0...UInt64.max))"
        let environment = try Self.environment(stsURL: server.url, token: token)
        defer { try? FileManager.default.removeItem(atPath: environment["AWS_WEB_IDENTITY_TOKEN_FILE"]!) }
        let source = try AWSCredentialSource.resolve(environment: environment) { _ in nil }
        guard case .webIdentity(let config) = source else { Issue.record("resolved \(source)"); return }
        #expect(config.roleARN == "arn:aws:iam::123456789012:role/sluice-test" && config.stsEndpoint == server.url)

        let provider = S3CredentialsProvider(source: source)
        let credentials = try await provider.credentials()
        #expect(!credentials.accessKeyID.isEmpty && credentials.sessionToken?.isEmpty == false)
        let expiration = try #require(credentials.expiration)
        #expect(expiration > AmzDate.now(), "temporary credentials that have not expired yet")
        #expect(try await provider.credentials() == credentials, "handed out again until they near their expiry")
        for text in [credentials.description, String(reflecting: credentials), "\(source)"] {
            #expect(!text.contains(credentials.secretAccessKey) && !text.contains(credentials.sessionToken ?? "-") && !text.contains(token),
                    "\(text)")
        }

        let client = try Self.client(server, credentials: provider)
        let bucket = try await server.makeBucket("webidentity", client: client)
        try await client.put(bucket: bucket, key: "k", bytes: [1, 2, 3])
        #expect(try await client.get(bucket: bucket, key: "k") == [1, 2, 3])
        await server.removeBucket(bucket)
    }

    @Test func anSTSFailureIsRetriedWhenItMayPassAndNamesTheRoleWhenItCannot() async throws {
        let server = try S3TestServer.require(.moto)
        let token = "sluice-test-token-\(UInt64.random(in: 0...UInt64.max))"
        // STS answers 500 once, then works: the exchange is retried with the request that needed it.
        let recovered = try await FaultProxy.with(upstream: server.url, faults: ["internal"]) { proxy in
            let environment = try Self.environment(stsURL: proxy.url, token: token)
            defer { try? FileManager.default.removeItem(atPath: environment["AWS_WEB_IDENTITY_TOKEN_FILE"]!) }
            let provider = S3CredentialsProvider(source: try AWSCredentialSource.resolve(environment: environment) { _ in nil })
            let client = try Self.client(server, credentials: provider)
            let bucket = try await server.makeBucket("stsretry", client: client)
            await server.removeBucket(bucket)
            return try await proxy.requests()
        }
        #expect(recovered.map(\.action) == ["internal", "pass"], "\(recovered)")

        // STS refuses (403): final, the error names the role and the code, never the token.
        try await FaultProxy.with(upstream: server.url, faults: ["forbidden"]) { proxy in
            let environment = try Self.environment(stsURL: proxy.url, token: token)
            defer { try? FileManager.default.removeItem(atPath: environment["AWS_WEB_IDENTITY_TOKEN_FILE"]!) }
            let provider = S3CredentialsProvider(source: try AWSCredentialSource.resolve(environment: environment) { _ in nil })
            let client = try Self.client(server, credentials: provider)
            let error = try #require(await #expect(throws: SluiceError.self) { try await client.head(bucket: "any-bucket", key: "k") })
            #expect(error.code == .s3Credentials && error.retryable == false, "\(error)")
            #expect(error.message.contains("AssumeRoleWithWebIdentity for role arn:aws:iam::123456789012:role/sluice-test failed: "
                                           + "AccessDenied, HTTP 403, request id fault-proxy-1"), "\(error)")
            #expect(!error.description.contains(token) && !String(reflecting: error).contains(token))
            #expect(try await proxy.requests().count == 1, "a refusal is not retried")
        }
    }
}
