import Foundation
public import SluiceCore

/// The `s3:` settings of a connector that reads or writes a bucket: where the store is. Credentials are never here:
/// they come from the process's environment (``AWSCredentialSource``), so they never sit in a pipeline file or travel
/// to executors.
///
///     s3: {endpoint: "http://127.0.0.1:9000", region: us-east-1, addressing: path}
public struct S3Settings: Sendable, Hashable, Decodable {
    /// `http(s)://host[:port]`; default AWS's endpoint for ``region``.
    public var endpoint: String?
    /// Default `AWS_REGION`, then `AWS_DEFAULT_REGION`, else `us-east-1`.
    public var region: String?
    /// `auto` (default), `path` or `virtual` (``S3Endpoint/Addressing``).
    public var addressing: String

    enum CodingKeys: String, CodingKey { case endpoint, region, addressing }

    public init(endpoint: String? = nil, region: String? = nil, addressing: String = "auto") {
        self.endpoint = endpoint
        self.region = region
        self.addressing = addressing
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        endpoint = try c.decodeIfPresent(String.self, forKey: .endpoint)
        region = try c.decodeIfPresent(String.self, forKey: .region)
        addressing = try c.decodeIfPresent(String.self, forKey: .addressing) ?? "auto"
        guard S3Endpoint.Addressing(rawValue: addressing) != nil else {
            throw DecodingError.dataCorruptedError(forKey: .addressing, in: c, debugDescription: "addressing must be auto, path or virtual")
        }
        if let endpoint {
            do {
                _ = try S3Endpoint(url: endpoint)
            } catch {
                throw DecodingError.dataCorruptedError(forKey: .endpoint, in: c, debugDescription: error.message)
            }
        }
    }

    /// A client for these settings, with credentials from this process's environment (or its shared credentials
    /// file, or a web-identity token).
    public func client(environment: [String: String]? = nil) throws(SluiceError) -> S3Client {
        let environment = environment ?? ProcessInfo.processInfo.environment
        let region = self.region ?? AWSCredentialSource.region(environment: environment)
        let addressing = S3Endpoint.Addressing(rawValue: addressing) ?? .automatic
        let endpoint = try self.endpoint.map { (url) throws(SluiceError) in try S3Endpoint(url: url, addressing: addressing) }
            ?? .aws(region: region, addressing: addressing)
        return try S3Client(configuration: S3Configuration(endpoint: endpoint, region: region),
                            credentials: try S3CredentialsProvider.fromEnvironment())
    }
}

/// `s3://bucket/key/prefix` taken apart.
public struct S3URL: Sendable, Hashable {
    public var bucket: String
    public var key: String

    /// Nil unless `text` starts with `s3://` and names a bucket.
    public init?(_ text: String) {
        guard text.hasPrefix("s3://") else { return nil }
        let rest = text.dropFirst(5)
        let bucket = rest.prefix { $0 != "/" }
        guard !bucket.isEmpty else { return nil }
        self.bucket = String(bucket)
        key = String(rest.dropFirst(bucket.count).drop { $0 == "/" })
    }
}
