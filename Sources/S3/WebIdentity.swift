public import HTTPTransport
public import SluiceCore

/// What STS AssumeRoleWithWebIdentity needs: the token file (re-read at each exchange, since Kubernetes rotates it),
/// the role, a session name and the STS endpoint.
public struct WebIdentityConfig: Sendable, Hashable {
    public var tokenFile: String
    public var roleARN: String
    public var sessionName: String
    public var stsEndpoint: String

    public init(tokenFile: String, roleARN: String, sessionName: String, stsEndpoint: String) {
        self.tokenFile = tokenFile
        self.roleARN = roleARN
        self.sessionName = sessionName
        self.stsEndpoint = stsEndpoint
    }

    /// `https://sts.REGION.amazonaws.com` when a region is known, else the global `https://sts.amazonaws.com`.
    public static func defaultEndpoint(region: String?) -> String {
        region.map { "https://sts.\($0).amazonaws.com" } ?? "https://sts.amazonaws.com"
    }

    /// The AssumeRoleWithWebIdentity call (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html):
    /// an unsigned form POST; the token is the proof. Its body holds the token, so it is never logged.
    public func request(token: String, durationSeconds: Int = 3600) -> HTTPRequest {
        let form = [("Action", "AssumeRoleWithWebIdentity"), ("Version", "2011-06-15"), ("RoleArn", roleARN),
                    ("RoleSessionName", sessionName), ("WebIdentityToken", token), ("DurationSeconds", "\(durationSeconds)")]
            .map { "\($0.0)=\(S3Bytes.uriEncode($0.1, keepSlash: false))" }.joined(separator: "&")
        var endpoint = stsEndpoint
        while endpoint.hasSuffix("/") { endpoint.removeLast() }
        return HTTPRequest(method: .post, url: endpoint + "/",
                           headers: ["Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Accept": "application/xml"],
                           body: .bytes(Array(form.utf8)), responseBody: .collect(limit: 1 << 20))
    }

    /// The temporary credentials of an AssumeRoleWithWebIdentityResponse.
    public static func parseResponse(_ body: [UInt8]) throws(SluiceError) -> AWSCredentials {
        let root = try S3XMLElement.parse(body)
        guard root.name == "AssumeRoleWithWebIdentityResponse",
              let credentials = root.child("AssumeRoleWithWebIdentityResult")?.child("Credentials") else {
            throw unexpected(root, "AssumeRoleWithWebIdentityResponse")
        }
        guard let key = credentials.text("AccessKeyId"), let secret = credentials.text("SecretAccessKey"),
              let token = credentials.text("SessionToken"), let expiration = credentials.text("Expiration") else {
            throw SluiceError(.s3InvalidResponse, "STS credentials without AccessKeyId, SecretAccessKey, SessionToken or Expiration")
        }
        guard let expires = AmzDate.parseISO8601(expiration) else {
            throw SluiceError(.s3InvalidResponse, "STS credentials with an unreadable Expiration '\(expiration)'")
        }
        return AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: token, expiration: expires)
    }

    /// The error for a refused exchange: STS's `<ErrorResponse><Error><Code>` and message, never the token.
    public static func failure(status: Int, body: [UInt8], roleARN: String) -> SluiceError {
        var code = "HTTP\(status)", message: String?, requestID: String?
        if let root = try? S3XMLElement.parse(body) {
            let error = root.name == "Error" ? root : root.child("Error")
            code = error?.text("Code") ?? code
            message = error?.text("Message")
            requestID = root.text("RequestId")
        }
        let retryable = status >= 500 || status == 429 || code == "IDPCommunicationError" || code == "Throttling"
        return SluiceError(.s3Credentials, "STS AssumeRoleWithWebIdentity for role \(roleARN) failed: \(code), HTTP \(status), "
                           + "request id \(requestID ?? "none")", underlying: message, retryable: retryable)
    }
}
