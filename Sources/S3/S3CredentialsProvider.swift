import Foundation
public import HTTPTransport
public import SluiceCore

/// Hands out credentials for signing: fixed ones as they are, web-identity ones exchanged at STS and exchanged
/// again ``refreshMargin`` before they expire. Concurrent callers during an exchange wait for the same one.
public actor S3CredentialsProvider {
    public let source: AWSCredentialSource
    /// How long before expiry temporary credentials are replaced. Default 5 minutes.
    public let refreshMargin: Int64
    private let http: HTTPClient
    private let now: @Sendable () -> AmzDate
    private var cached: AWSCredentials?
    private var exchange: Task<AWSCredentials, any Error>?

    public init(source: AWSCredentialSource, http: HTTPClient = HTTPClient(), refreshMargin: Int64 = 300,
                now: @escaping @Sendable () -> AmzDate = AmzDate.now) {
        self.source = source
        self.http = http
        self.refreshMargin = refreshMargin
        self.now = now
        if case .fixed(let credentials, _) = source { cached = credentials }
    }

    /// The chain of ``AWSCredentialSource/resolve(environment:readFile:)`` over this process's environment and files.
    public static func fromEnvironment(http: HTTPClient = HTTPClient()) throws(SluiceError) -> S3CredentialsProvider {
        let source = try AWSCredentialSource.resolve(environment: ProcessInfo.processInfo.environment) { path in
            FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
        }
        return S3CredentialsProvider(source: source, http: http)
    }

    public func credentials() async throws(SluiceError) -> AWSCredentials {
        if let cached, cached.expiration.map({ $0.secondsSinceEpoch - refreshMargin > now().secondsSinceEpoch }) ?? true {
            return cached
        }
        guard case .webIdentity(let config) = source else {
            throw SluiceError(.s3Credentials, "the credentials from \(source) have expired")
        }
        let task: Task<AWSCredentials, any Error>
        if let exchange {
            task = exchange
        } else {
            let http = self.http
            task = Task { try await Self.assumeRole(config, http: http) }
            exchange = task
        }
        do {
            let fresh = try await task.value
            exchange = nil
            cached = fresh
            return fresh
        } catch {
            exchange = nil
            throw (error as? SluiceError) ?? SluiceError(.s3Credentials, "web identity exchange failed", underlying: "\(error)")
        }
    }

    static func assumeRole(_ config: WebIdentityConfig, http: HTTPClient) async throws(SluiceError) -> AWSCredentials {
        guard let data = FileManager.default.contents(atPath: config.tokenFile) else {
            throw SluiceError(.s3Credentials, "cannot read the web identity token file \(config.tokenFile)")
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters()
        let response = try await http.execute(config.request(token: token))
        guard response.isSuccess else {
            throw WebIdentityConfig.failure(status: response.status, body: response.body, roleARN: config.roleARN)
        }
        return try WebIdentityConfig.parseResponse(response.body)
    }
}

extension AmzDate {
    /// The wall clock (CLOCK_REALTIME), to the second.
    public static let now: @Sendable () -> AmzDate = {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return AmzDate(secondsSinceEpoch: Int64(spec.tv_sec))
    }
}
