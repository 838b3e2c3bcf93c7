public import HTTPTransport
public import Crypto

/// AWS Signature Version 4 for S3, with no IO: the canonical request, the string to sign, the signing key and the
/// `Authorization` header (https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html).
///
/// S3's rules differ from other services in two places, both kept here: the canonical URI encodes each path
/// segment once (never twice, and `/` stays), and every request carries `x-amz-content-sha256`, either the
/// hex SHA-256 of the body or `UNSIGNED-PAYLOAD`.
public struct SigV4Signer: Sendable {
    /// The value of `x-amz-content-sha256` that leaves the body out of the signature.
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    /// SHA-256 of the empty body.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    public var region: String
    public var service: String

    public init(region: String, service: String = "s3") {
        self.region = region
        self.service = service
    }

    /// A request as the signer sees it: method, the path as sent (already encoded), query parameters (not
    /// encoded) and the headers that will be sent, `host` included.
    public struct Request: Sendable {
        public var method: String
        public var encodedPath: String
        public var query: [(name: String, value: String)]
        public var headers: [(name: String, value: String)]
        /// Hex SHA-256 of the body or ``SigV4Signer/unsignedPayload``.
        public var payloadHash: String

        public init(method: String, encodedPath: String, query: [(name: String, value: String)] = [],
                    headers: [(name: String, value: String)], payloadHash: String) {
            self.method = method
            self.encodedPath = encodedPath
            self.query = query
            self.headers = headers
            self.payloadHash = payloadHash
        }
    }

    /// Hex SHA-256 of `bytes`.
    public static func sha256Hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var hasher = SHA256()
        hasher.update(data: Array(bytes))
        return S3Bytes.hex(hasher.finalize())
    }

    /// `name=value&...` sorted by encoded name then value, both encoded with `/` encoded too.
    public static func canonicalQuery(_ query: [(name: String, value: String)]) -> String {
        query.map { (S3Bytes.uriEncode($0.name, keepSlash: false), S3Bytes.uriEncode($0.value, keepSlash: false)) }
            .sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }

    /// The lowercased, sorted header names and their canonical lines (values trimmed, inner runs of spaces folded,
    /// repeated names joined with commas).
    public static func canonicalHeaders(_ headers: [(name: String, value: String)]) -> (lines: String, signed: String) {
        var merged: [String: [String]] = [:]
        for (name, value) in headers {
            let folded = value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            merged[name.lowercased(), default: []].append(folded.trimmingSpaces())
        }
        let names = merged.keys.sorted()
        let lines = names.map { "\($0):\(merged[$0]!.joined(separator: ","))\n" }.joined()
        return (lines, names.joined(separator: ";"))
    }

    public func canonicalRequest(_ request: Request) -> String {
        let headers = Self.canonicalHeaders(request.headers)
        return [request.method, request.encodedPath.isEmpty ? "/" : request.encodedPath, Self.canonicalQuery(request.query),
                headers.lines, headers.signed, request.payloadHash].joined(separator: "\n")
    }

    /// `date/region/service/aws4_request`.
    public func scope(_ date: AmzDate) -> String { "\(date.dateStamp)/\(region)/\(service)/aws4_request" }

    public func stringToSign(_ request: Request, date: AmzDate) -> String {
        ["AWS4-HMAC-SHA256", date.timestamp, scope(date), Self.sha256Hex(Array(canonicalRequest(request).utf8))]
            .joined(separator: "\n")
    }

    /// HMAC chain `AWS4`+secret → date → region → service → `aws4_request`.
    public func signingKey(secret: String, date: AmzDate) -> SymmetricKey {
        var key = SymmetricKey(data: Array("AWS4\(secret)".utf8))
        for part in [date.dateStamp, region, service, "aws4_request"] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        return key
    }

    public func signature(_ request: Request, date: AmzDate, credentials: AWSCredentials) -> String {
        let key = signingKey(secret: credentials.secretAccessKey, date: date)
        return S3Bytes.hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign(request, date: date).utf8), using: key))
    }

    /// The `Authorization` header value for `request`, whose headers must already hold `x-amz-date` (and
    /// `x-amz-security-token` with temporary credentials).
    public func authorization(_ request: Request, date: AmzDate, credentials: AWSCredentials) -> String {
        let signed = Self.canonicalHeaders(request.headers).signed
        return "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope(date)), SignedHeaders=\(signed), "
            + "Signature=\(signature(request, date: date, credentials: credentials))"
    }

    /// Adds `x-amz-date`, `x-amz-content-sha256`, `x-amz-security-token` (when there is one) and `Authorization`
    /// to `headers`, which must hold every other header to sign (`host` first among them) and nothing libcurl
    /// changes on the way.
    public func sign(method: String, encodedPath: String, query: [(name: String, value: String)], headers: inout HTTPHeaders,
                     payloadHash: String, date: AmzDate, credentials: AWSCredentials) {
        headers.replaceOrAdd(name: "x-amz-date", value: date.timestamp)
        headers.replaceOrAdd(name: "x-amz-content-sha256", value: payloadHash)
        if let token = credentials.sessionToken { headers.replaceOrAdd(name: "x-amz-security-token", value: token) }
        let request = Request(method: method, encodedPath: encodedPath, query: query,
                              headers: headers.fields, payloadHash: payloadHash)
        headers.replaceOrAdd(name: "Authorization", value: authorization(request, date: date, credentials: credentials))
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
