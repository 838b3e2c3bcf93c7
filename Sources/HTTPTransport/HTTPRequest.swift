public import SluiceCore

/// Fills `buffer` with the next bytes of a request body and returns how many it wrote; 0 means the end.
///
/// Called by libcurl (CURLOPT_READFUNCTION) on the thread that runs the request, one call at a time.
/// A thrown error aborts the request and is what the request throws.
public typealias HTTPBodyProducer = @Sendable (_ buffer: UnsafeMutableRawBufferPointer) throws(SluiceError) -> Int

/// Receives the next bytes of a successful (2xx) response body, on the thread that runs the request.
/// A thrown error aborts the request and is what the request throws.
public typealias HTTPBodyConsumer = @Sendable (_ bytes: UnsafeRawBufferPointer) throws(SluiceError) -> Void

/// One HTTP/1.1 request, with everything needed to send it.
public struct HTTPRequest: Sendable {
    /// What the request sends.
    public enum Body: Sendable {
        case none
        case bytes([UInt8])
        /// Bytes pulled from `producer` while the request runs. With a `length`, it is sent as
        /// `Content-Length` and the producer must supply exactly that many bytes; with `nil`, the body
        /// goes out with `Transfer-Encoding: chunked`.
        case stream(length: Int64?, producer: HTTPBodyProducer)
    }

    /// What happens to the response body.
    public enum ResponseBody: Sendable {
        /// Kept in ``HTTPResponse/body``; a successful response longer than `limit` bytes fails the request
        /// with ``SluiceError/Code/httpResponseTooLarge`` (so a reader never allocates without bound).
        case collect(limit: Int)
        /// A successful (2xx) body goes to the consumer as it arrives and ``HTTPResponse/body`` stays empty.
        /// Any other status keeps its body (up to ``HTTPRequest/errorBodyLimit`` bytes) for the error message.
        case stream(HTTPBodyConsumer)
    }

    /// User name and password sent with HTTP basic authentication. Never printed.
    public struct BasicCredentials: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
        public var user: String
        public var password: String

        public init(user: String, password: String) {
            self.user = user
            self.password = password
        }

        public var description: String { "BasicCredentials(user: \(user), password: <redacted>)" }

        public var customMirror: Mirror { Mirror(self, children: ["user": user, "password": "<redacted>"]) }
    }

    /// How much of a non-2xx response body is kept: enough for any server's error message.
    public static let errorBodyLimit = 64 << 10

    public var method: HTTPMethod
    /// An absolute `http://` or `https://` URL, percent-encoded. User info in it is honoured by
    /// libcurl but never printed in errors.
    public var url: String
    public var headers: HTTPHeaders
    public var body: Body
    public var credentials: BasicCredentials?
    /// Per-request limits; `nil` uses the client's.
    public var timeouts: HTTPTimeouts?
    public var responseBody: ResponseBody

    public init(method: HTTPMethod = .get, url: String, headers: HTTPHeaders = HTTPHeaders(), body: Body = .none,
                credentials: BasicCredentials? = nil, timeouts: HTTPTimeouts? = nil,
                responseBody: ResponseBody = .collect(limit: 64 << 20)) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.credentials = credentials
        self.timeouts = timeouts
        self.responseBody = responseBody
    }

    /// A range GET for bytes `range` of a resource (RFC 9110 section 14.2); the server answers 206.
    public static func rangeGet(url: String, range: Range<Int64>, headers: HTTPHeaders = HTTPHeaders(),
                                credentials: BasicCredentials? = nil) -> HTTPRequest {
        var headers = headers
        headers.replaceOrAdd(name: "Range", value: "bytes=\(range.lowerBound)-\(range.upperBound - 1)")
        return HTTPRequest(method: .get, url: url, headers: headers, credentials: credentials)
    }

    /// The request line as errors print it: method and the URL without credentials.
    public var redactedDescription: String {
        "\(method) \(URLText.redacted(url))"
    }
}
