public import HTTPTransport
public import SluiceCore

/// How an ``S3Client`` reaches its store. Every field has a documented default; validated once by the client.
public struct S3Configuration: Sendable {
    /// Whose payload is signed: see docs/s3.md, "What is signed".
    public enum PayloadSigning: String, Sendable, Hashable {
        /// Every body is hashed into the signature (`x-amz-content-sha256: <sha256>`).
        case signed
        /// Bodies of at least ``S3Configuration/unsignedPayloadMinimumBytes`` sent over https go with
        /// `UNSIGNED-PAYLOAD` (TLS already protects them, and hashing a large part is a second pass over it);
        /// everything else, and everything over plain http, is signed. The default.
        case unsignedOverTLS = "unsigned_over_tls"
    }

    public var endpoint: S3Endpoint
    /// The region in the credential scope (`us-east-1` for most S3-compatible stores).
    public var region: String
    public var retry: S3RetryPolicy
    public var payloadSigning: PayloadSigning
    /// Default 1 MiB.
    public var unsignedPayloadMinimumBytes: Int
    /// The part size of multipart uploads. S3 wants at least 5 MiB for every part but the last. Default 8 MiB.
    public var partSize: Int
    /// Parts uploaded at once. Default 4.
    public var maxConcurrentParts: Int
    /// Bodies up to this size go in one PUT by ``S3Client/upload(bucket:key:bytes:contentType:)``. Default 16 MiB.
    public var multipartThreshold: Int
    /// The largest body a GET collects in memory. Default 256 MiB.
    public var maxGetBytes: Int
    /// Objects up to this size are copied with one CopyObject (S3 copies at most 5 GiB so); larger ones part by part
    /// (UploadPartCopy). Default 5 GiB.
    public var copyThreshold: Int64 = S3Configuration.maximumCopyObjectBytes
    /// The part size of copies above ``copyThreshold``. Default 512 MiB (up to 5 TB, S3's largest object, in 10,000 parts).
    public var copyPartSize: Int64 = 512 << 20
    public var http: HTTPClient.Configuration

    public init(endpoint: S3Endpoint, region: String, retry: S3RetryPolicy = S3RetryPolicy(),
                payloadSigning: PayloadSigning = .unsignedOverTLS, unsignedPayloadMinimumBytes: Int = 1 << 20,
                partSize: Int = 8 << 20, maxConcurrentParts: Int = 4, multipartThreshold: Int = 16 << 20,
                maxGetBytes: Int = 256 << 20, http: HTTPClient.Configuration = HTTPClient.Configuration(userAgent: "sluice-s3")) {
        self.endpoint = endpoint
        self.region = region
        self.retry = retry
        self.payloadSigning = payloadSigning
        self.unsignedPayloadMinimumBytes = unsignedPayloadMinimumBytes
        self.partSize = partSize
        self.maxConcurrentParts = maxConcurrentParts
        self.multipartThreshold = multipartThreshold
        self.maxGetBytes = maxGetBytes
        self.http = http
    }

    /// S3's limits: parts of 5 MiB to 5 GiB (the last may be smaller), at most 10,000 of them.
    public static let minimumPartSize = 5 << 20
    public static let maximumParts = 10_000
    /// The largest object one CopyObject copies.
    public static let maximumCopyObjectBytes: Int64 = 5 << 30

    func validate() throws(SluiceError) {
        guard !region.isEmpty, region.utf8.allSatisfy({ $0 > 0x20 && $0 != UInt8(ascii: "/") }) else {
            throw SluiceError(.s3InvalidRequest, "S3 region '\(region)' is not a region name")
        }
        guard partSize >= 1, maxConcurrentParts >= 1, maxGetBytes >= 0, copyPartSize >= 1, copyThreshold >= 0 else {
            throw SluiceError(.s3InvalidRequest, "S3 part size and part concurrency must be positive")
        }
    }

    /// The `x-amz-content-sha256` value for `body`.
    func payloadHash(for body: [UInt8]) -> String {
        if payloadSigning == .unsignedOverTLS, endpoint.scheme == "https", body.count >= unsignedPayloadMinimumBytes {
            return SigV4Signer.unsignedPayload
        }
        return body.isEmpty ? SigV4Signer.emptyPayloadHash : SigV4Signer.sha256Hex(body)
    }
}
