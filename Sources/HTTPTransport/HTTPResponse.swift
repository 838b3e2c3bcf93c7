public import SluiceCore

/// A response: its status, its header fields, and its body when it was collected.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    /// The body, unless a successful response was streamed to a consumer.
    public var body: [UInt8]
    /// Whether the request went over a connection kept open from an earlier request (CURLINFO_NUM_CONNECTS == 0).
    public var reusedConnection: Bool

    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [], reusedConnection: Bool = false) {
        self.status = status
        self.headers = headers
        self.body = body
        self.reusedConnection = reusedConnection
    }

    public var isSuccess: Bool { (200...299).contains(status) }

    /// The body as UTF-8 text (invalid sequences become U+FFFD).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// Throws ``SluiceError/Code/httpStatus`` unless the status is 2xx.
    public func requireSuccess(for request: HTTPRequest) throws(SluiceError) {
        guard isSuccess else { throw statusError(for: request) }
    }

    /// The error for an unexpected status: it names the status and the request (URL without credentials),
    /// and carries the first 512 bytes of the body as the underlying description. Retryable when the status is
    /// (``isRetryableStatus``).
    public func statusError(for request: HTTPRequest) -> SluiceError {
        SluiceError(.httpStatus, "HTTP \(status) from \(request.redactedDescription)",
                    underlying: Self.excerpt(of: body), retryable: isRetryableStatus)
    }

    /// A status another attempt may not get: 5xx (the server failed, is overloaded or a gateway could not reach
    /// it), 408 Request Timeout and 429 Too Many Requests. Other 4xx statuses refuse the request itself.
    public var isRetryableStatus: Bool { status >= 500 || status == 408 || status == 429 }

    /// The first `limit` bytes of `body` as text, trimmed, marked with "..." when cut.
    public static func excerpt(of body: [UInt8], limit: Int = 512) -> String {
        let cut = body.count > limit
        var text = String(decoding: body.prefix(limit), as: UTF8.self)
        while let last = text.unicodeScalars.last, last.properties.isWhitespace { text.unicodeScalars.removeLast() }
        return cut ? text + "..." : text
    }
}
