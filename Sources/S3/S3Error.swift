public import SluiceCore

/// Error codes of the S3 client. Messages name the S3 error code, the operation, bucket and key, the HTTP status and
/// the request id; they never hold an access key's secret, a session token or a signature.
extension SluiceError.Code {
    /// S3 answered with an error its code does not classify further; retryable when S3 says so (5xx, SlowDown, ...).
    public static let s3Error = Self("s3_error", retryable: true)
    /// The bucket, the key or the upload does not exist (NoSuchKey, NoSuchBucket, NoSuchUpload, 404).
    public static let s3NotFound = Self("s3_not_found", retryable: false)
    /// The credentials were refused or do not allow the request (AccessDenied, SignatureDoesNotMatch,
    /// InvalidAccessKeyId, ExpiredToken, 403).
    public static let s3AccessDenied = Self("s3_access_denied", retryable: false)
    /// A body S3 (or STS) sent could not be understood.
    public static let s3InvalidResponse = Self("s3_invalid_response", retryable: true)
    /// No credentials could be found, or the web-identity exchange failed for good.
    public static let s3Credentials = Self("s3_credentials", retryable: false)
    /// The request cannot be made as asked (bad endpoint, bucket name, range, part size).
    public static let s3InvalidRequest = Self("s3_invalid_request", retryable: false)
}

/// What an S3 `<Error>` document says (and, for bodiless answers such as HEAD, what the status and headers say).
public struct S3ErrorDetails: Error, Sendable, Hashable {
    /// The S3 error code (`NoSuchKey`, `SlowDown`, ...), or a name made from the status when the body has none.
    public var code: String
    public var message: String?
    public var requestID: String?
    public var hostID: String?
    public var status: Int

    public init(code: String, message: String? = nil, requestID: String? = nil, hostID: String? = nil, status: Int) {
        self.code = code
        self.message = message
        self.requestID = requestID
        self.hostID = hostID
        self.status = status
    }

    /// Reads an `<Error>` document (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html); when the
    /// body is empty or not an error document, the code comes from the status. `requestIDHeader` is the
    /// `x-amz-request-id` response header, used when the body has no RequestId.
    public static func parse(status: Int, body: [UInt8], requestIDHeader: String?) -> S3ErrorDetails {
        if let root = try? S3XMLElement.parse(body), root.name == "Error", let code = root.text("Code"), !code.isEmpty {
            return S3ErrorDetails(code: code, message: root.text("Message"), requestID: root.text("RequestId") ?? requestIDHeader,
                                  hostID: root.text("HostId"), status: status)
        }
        let code = switch status {
        case 400: "BadRequest"
        case 403: "Forbidden"
        case 404: "NotFound"
        case 409: "Conflict"
        case 412: "PreconditionFailed"
        case 416: "InvalidRange"
        case 500: "InternalError"
        case 503: "ServiceUnavailable"
        default: "HTTP\(status)"
        }
        let text = String(decoding: body.prefix(300), as: UTF8.self)
        return S3ErrorDetails(code: code, message: text.isEmpty ? nil : text, requestID: requestIDHeader, status: status)
    }

    /// Whether another attempt may succeed: every 5xx (InternalError, ServiceUnavailable, SlowDown), 429, and the
    /// 4xx codes that mean "try again" (RequestTimeout, Throttling...). Refusals (AccessDenied, NoSuchKey,
    /// SignatureDoesNotMatch, ...) are final.
    public var isRetryable: Bool {
        if status >= 500 || status == 429 { return true }
        return Self.retryableCodes.contains(code)
    }

    static let retryableCodes: Set<String> = [
        "SlowDown", "RequestTimeout", "InternalError", "ServiceUnavailable", "Throttling", "ThrottlingException",
        "RequestLimitExceeded", "TooManyRequests", "RequestThrottled", "OperationAborted",
    ]

    static let notFoundCodes: Set<String> = ["NoSuchKey", "NoSuchBucket", "NoSuchUpload", "NotFound"]
    static let deniedCodes: Set<String> = [
        "AccessDenied", "SignatureDoesNotMatch", "InvalidAccessKeyId", "ExpiredToken", "InvalidToken", "Forbidden",
        "AllAccessDisabled", "AccountProblem", "InvalidSecurity", "TokenRefreshRequired",
    ]

    /// The Sluice error for this answer to `operation` on `bucket`/`key`.
    public func error(operation: String, bucket: String?, key: String?) -> SluiceError {
        let sluiceCode: SluiceError.Code =
            Self.notFoundCodes.contains(code) ? .s3NotFound : Self.deniedCodes.contains(code) ? .s3AccessDenied : .s3Error
        return SluiceError(sluiceCode, "S3 \(code) on \(S3ErrorDetails.target(operation: operation, bucket: bucket, key: key)): "
                               + "HTTP \(status), request id \(requestID ?? "none")",
                           underlying: message, retryable: isRetryable)
    }

    /// `PUT bucket 'b' key 'k'`, as error messages name a request.
    static func target(operation: String, bucket: String?, key: String?) -> String {
        var text = operation
        if let bucket { text += " bucket '\(bucket)'" }
        if let key { text += " key '\(key)'" }
        return text
    }
}
