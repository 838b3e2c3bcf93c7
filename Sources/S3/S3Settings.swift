import Foundation
public import SluiceConfig
public import SluiceCore

/// The `s3:` settings of a connector or of staging (``SluiceConfig/S3EndpointSettings``: endpoint, region,
/// addressing) as a client. Credentials are never in them: they come from the process's environment
/// (``AWSCredentialSource``), so they never sit in a pipeline file or travel to executors.
extension S3EndpointSettings {
    /// The endpoint these settings name; an error for one that is not `http(s)://host[:port]`.
    public func validatedEndpoint(region: String) throws(SluiceError) -> S3Endpoint {
        let addressing = S3Endpoint.Addressing(rawValue: self.addressing ?? "auto") ?? .automatic
        return try endpoint.map { (url) throws(SluiceError) in try S3Endpoint(url: url, addressing: addressing) }
            ?? .aws(region: region, addressing: addressing)
    }

    /// A client for these settings, with credentials from this process's environment (or its shared credentials
    /// file, or a web-identity token).
    public func client(environment: [String: String]? = nil) throws(SluiceError) -> S3Client {
        let environment = environment ?? ProcessInfo.processInfo.environment
        let region = self.region ?? AWSCredentialSource.region(environment: environment)
        return try S3Client(configuration: S3Configuration(endpoint: try validatedEndpoint(region: region), region: region),
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
