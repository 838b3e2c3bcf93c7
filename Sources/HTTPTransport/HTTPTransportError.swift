public import SluiceCore

/// Error codes of the HTTP transport. Every message names the peer as `host:port` and never holds
/// credentials (user info is stripped from URLs, and credential-like query parameters are masked).
extension SluiceError.Code {
    /// No connection could be made: connection refused, host not found, no route, or connect timeout.
    public static let httpUnreachable = Self("http_unreachable")
    /// Connected, but the request did not finish within its total or low-speed limit.
    public static let httpTimeout = Self("http_timeout")
    /// The TLS handshake or the peer's certificate verification failed.
    public static let httpTLS = Self("http_tls")
    /// The server answered with a status the caller does not accept.
    public static let httpStatus = Self("http_status")
    /// The connection broke during the exchange (reset, closed early, malformed response).
    public static let httpTransfer = Self("http_transfer")
    /// A successful response body was longer than the caller's limit.
    public static let httpResponseTooLarge = Self("http_response_too_large")
    /// The request itself is unusable (bad URL, unsupported scheme, bad header).
    public static let httpInvalidRequest = Self("http_invalid_request")
    /// The task that ran the request was cancelled.
    public static let httpCancelled = Self("http_cancelled")
}
