/// What the metrics server answers to one request: a status, a content type and a small body. Pure, so routing is
/// tested without a socket.
public struct MetricsResponse: Sendable, Hashable {
    /// The HTTP status code (200, 404, 405, 503).
    public var status: Int
    public var contentType: String
    public var body: String

    public init(status: Int, contentType: String = MetricsResponse.plainText, body: String) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    public static let plainText = "text/plain; charset=utf-8"
    /// The Prometheus text exposition format, version 0.0.4 (what swift-prometheus emits).
    public static let prometheusText = "text/plain; version=0.0.4; charset=utf-8"
}
