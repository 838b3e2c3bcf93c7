public import SluiceCore

/// Error codes of the HTTP transport. Every message names the peer as `host:port` and never holds
/// credentials (user info is stripped from URLs, and credential-like query parameters are masked). A peer that
/// cannot be reached, times out or breaks the exchange may do better on the next attempt; a certificate, a bad
/// request or an oversized response will not. An unexpected status is classified by its value
/// (``HTTPResponse/isRetryableStatus``).
extension SluiceError.Code {
    /// No connection could be made: connection refused, host not found, no route, or connect timeout.
    public static let httpUnreachable = Self("http_unreachable", retryable: true)
    /// Connected, but the request did not finish within its total or low-speed limit.
    public static let httpTimeout = Self("http_timeout", retryable: true)
    /// The TLS handshake or the peer's certificate verification failed (a certificate stays untrusted: not retried).
    public static let httpTLS = Self("http_tls", retryable: false)
    /// The server answered with a status the caller does not accept.
    public static let httpStatus = Self("http_status", retryable: true)
    /// The connection broke during the exchange (reset, closed early, malformed response).
    public static let httpTransfer = Self("http_transfer", retryable: true)
    /// A successful response body was longer than the caller's limit.
    public static let httpResponseTooLarge = Self("http_response_too_large", retryable: false)
    /// The request itself is unusable (bad URL, unsupported scheme, bad header).
    public static let httpInvalidRequest = Self("http_invalid_request", retryable: false)
    /// The task that ran the request was cancelled.
    public static let httpCancelled = Self("http_cancelled", retryable: true)
}
