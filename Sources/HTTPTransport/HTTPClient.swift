import CCurl
public import SluiceCore

/// A small, blocking HTTP/1.1 client over libcurl, with an async front that runs each request on its
/// own thread (``SluiceCore/BlockingIO``).
///
/// Connections are reused: each request borrows an easy handle from a small pool, and a handle keeps
/// its connections open for the next request to the same host. Any number of requests may run at
/// once, each on its own handle. Bodies can be streamed both ways with bounded memory.
public final class HTTPClient: Sendable {
    /// Defaults for every request of this client.
    public struct Configuration: Sendable {
        /// Used when a request has no timeouts of its own.
        public var timeouts: HTTPTimeouts
        public var tls: HTTPTLSOptions
        /// Idle easy handles (and so warm connections) kept between requests. Default 8.
        public var maxIdleHandles: Int
        /// A connection idle longer than this is not reused but replaced (CURLOPT_MAXAGE_CONN).
        /// Default 2 s: ClickHouse closes idle keep-alive connections after 3 s by default, and reusing
        /// a connection the server is closing makes libcurl resend, which a streamed body cannot.
        public var maxIdleConnectionTime: Duration
        /// The size of the buffer libcurl asks a body producer to fill (CURLOPT_UPLOAD_BUFFERSIZE). Default 512 KiB.
        public var uploadBufferSize: Int
        public var userAgent: String

        public init(timeouts: HTTPTimeouts = HTTPTimeouts(), tls: HTTPTLSOptions = HTTPTLSOptions(),
                    maxIdleHandles: Int = 8, maxIdleConnectionTime: Duration = .seconds(2),
                    uploadBufferSize: Int = 512 << 10, userAgent: String = "sluice") {
            self.timeouts = timeouts
            self.tls = tls
            self.maxIdleHandles = maxIdleHandles
            self.maxIdleConnectionTime = maxIdleConnectionTime
            self.uploadBufferSize = uploadBufferSize
            self.userAgent = userAgent
        }
    }

    public let configuration: Configuration
    private let pool: CurlHandlePool

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.pool = CurlHandlePool(capacity: configuration.maxIdleHandles)
    }

    /// Sends `request` and waits for the whole response on a dedicated thread. Any status is returned
    /// as a response (see ``HTTPResponse/requireSuccess(for:)``); transport failures throw. Cancelling
    /// the calling task aborts the transfer with ``SluiceError/Code/httpCancelled``.
    public func execute(_ request: HTTPRequest) async throws(SluiceError) -> HTTPResponse {
        let flag = CancellationFlag()
        let result: Result<HTTPResponse, SluiceError> = await withTaskCancellationHandler {
            await BlockingIO.run(name: "sluice.http") { () -> Result<HTTPResponse, SluiceError> in
                Result { () throws(SluiceError) -> HTTPResponse in try self.perform(request, cancellation: flag) }
            }
        } onCancel: {
            flag.cancel()
        }
        return try result.get()
    }

    /// Sends `request` on the calling thread, blocking it until the response is complete.
    /// Never call this from Swift's cooperative pool; use ``execute(_:)`` there.
    public func executeBlocking(_ request: HTTPRequest) throws(SluiceError) -> HTTPResponse {
        try perform(request, cancellation: nil)
    }

    /// Idle handles in the pool now (for tests and diagnostics).
    public var idleHandleCount: Int { pool.idleCount }

    private func perform(_ request: HTTPRequest, cancellation: CancellationFlag?) throws(SluiceError) -> HTTPResponse {
        try Self.validate(request)
        var request = request
        if request.method == .put, case .none = request.body {
            request.body = .bytes([])  // an empty PUT still sends "Content-Length: 0"
        }
        let handle = try pool.take()
        defer { pool.give(handle) }
        let transfer = CurlTransfer(handle: handle, request: request, cancellation: cancellation)
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer {
            // The handle goes back to the pool: first make it point at nothing of this request.
            handle.reset()
            curl_slist_free_all(headerList)
            errorBuffer.deallocate()
        }
        let code: CURLcode = try withExtendedLifetime(transfer) { () throws(SluiceError) -> CURLcode in
            try transfer.install(context: Unmanaged.passUnretained(transfer).toOpaque())
            try handle.set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer))
            headerList = try configure(handle, for: request)
            return curl_easy_perform(handle.raw)
        }
        if let error = transfer.callbackError { throw error }
        guard code == CURLE_OK else {
            let detail = String(cString: errorBuffer)
            throw CurlErrorMapping.error(for: code, detail: detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail,
                                         request: request, osErrno: handle.info(CURLINFO_OS_ERRNO),
                                         // Pre-transfer time is set once a connection (new or reused) carried the request.
                                         connected: handle.info(offset: CURLINFO_PRETRANSFER_TIME_T) > 0
                                             || handle.info(offset: CURLINFO_CONNECT_TIME_T) > 0,
                                         cancelled: transfer.cancelled)
        }
        return HTTPResponse(status: handle.info(CURLINFO_RESPONSE_CODE), headers: transfer.headers, body: transfer.body,
                            reusedConnection: handle.info(CURLINFO_NUM_CONNECTS) == 0)
    }

    /// Sets every option of `request` on `handle`; returns the header list, which must live until the end.
    private func configure(_ handle: CurlEasyHandle, for request: HTTPRequest) throws(SluiceError) -> UnsafeMutablePointer<curl_slist>? {
        try handle.set(CURLOPT_URL, request.url)
        try handle.set(CURLOPT_PROTOCOLS_STR, "http,https")
        try handle.set(CURLOPT_NOSIGNAL, true)
        try handle.set(CURLOPT_USERAGENT, configuration.userAgent)
        try handle.set(CURLOPT_MAXAGE_CONN, max(1, Int(configuration.maxIdleConnectionTime.components.seconds)))
        try handle.set(CURLOPT_TCP_NODELAY, true)

        let timeouts = request.timeouts ?? configuration.timeouts
        try handle.set(CURLOPT_CONNECTTIMEOUT_MS, timeouts.connect.roundedUpMilliseconds)
        if let total = timeouts.total { try handle.set(CURLOPT_TIMEOUT_MS, total.roundedUpMilliseconds) }
        if let lowSpeed = timeouts.lowSpeed {
            try handle.set(CURLOPT_LOW_SPEED_LIMIT, max(1, lowSpeed.bytesPerSecond))
            try handle.set(CURLOPT_LOW_SPEED_TIME, max(1, lowSpeed.duration.roundedUpMilliseconds / 1000))
        }

        let tls = configuration.tls
        if let caFile = tls.caFile { try handle.set(CURLOPT_CAINFO, caFile) }
        if let caDirectory = tls.caDirectory { try handle.set(CURLOPT_CAPATH, caDirectory) }
        if tls.insecureSkipVerify {
            try handle.set(CURLOPT_SSL_VERIFYPEER, false)
            try handle.set(CURLOPT_SSL_VERIFYHOST, 0)
        }

        if let credentials = request.credentials {
            try handle.set(CURLOPT_HTTPAUTH, sluice_curl_auth_basic)
            try handle.set(CURLOPT_USERNAME, credentials.user)
            try handle.set(CURLOPT_PASSWORD, credentials.password)
        }

        var headers = request.headers
        let suppressExpect = try configureMethodAndBody(handle, request, &headers)

        var lines = headers.map { field in
            // "Name;" sends the field with an empty value ("Name:" alone would remove it).
            field.value.isEmpty ? "\(field.name);" : "\(field.name): \(field.value)"
        }
        // "Expect:" removes the "Expect: 100-continue" libcurl adds to uploads: servers such as Python's
        // http.server never answer it, which costs a one-second wait per request.
        if suppressExpect { lines.append("Expect:") }
        var list: UnsafeMutablePointer<curl_slist>?
        for line in lines {
            guard let appended = curl_slist_append(list, line) else {
                curl_slist_free_all(list)
                throw SluiceError(.internalError, "curl_slist_append failed")
            }
            list = appended
        }
        if let list {
            do {
                try handle.set(CURLOPT_HTTPHEADER, list: list)
            } catch {
                curl_slist_free_all(list)
                throw error
            }
        }
        return list
    }

    /// Returns whether libcurl's `Expect: 100-continue` must be suppressed.
    private func configureMethodAndBody(_ handle: CurlEasyHandle, _ request: HTTPRequest,
                                        _ headers: inout HTTPHeaders) throws(SluiceError) -> Bool {
        let length: Int64?
        switch request.body {
        case .none: length = nil
        case .bytes(let bytes): length = Int64(bytes.count)
        case .stream(let declared, _): length = declared
        }
        let hasBody: Bool
        if case .none = request.body { hasBody = false } else { hasBody = true }

        switch request.method {
        case .get where !hasBody:
            try handle.set(CURLOPT_HTTPGET, true)
        case .head where !hasBody:
            try handle.set(CURLOPT_NOBODY, true)
        case .post:
            try handle.set(CURLOPT_POST, true)
            try handle.set(CURLOPT_POSTFIELDSIZE_LARGE, offset: hasBody ? (length ?? -1) : 0)
        default:
            if hasBody {
                try handle.set(CURLOPT_UPLOAD, true)
                try handle.set(CURLOPT_INFILESIZE_LARGE, offset: length ?? -1)
            }
            if request.method != .put || !hasBody {
                try handle.set(CURLOPT_CUSTOMREQUEST, request.method.name)
            }
        }
        guard hasBody else { return false }
        try handle.set(CURLOPT_UPLOAD_BUFFERSIZE, min(max(configuration.uploadBufferSize, 16 << 10), 2 << 20))
        if length == nil, headers["Transfer-Encoding"] == nil { headers.add(name: "Transfer-Encoding", value: "chunked") }
        if headers["Content-Type"] == nil { headers.add(name: "Content-Type", value: "application/octet-stream") }
        return headers["Expect"] == nil
    }

    private static func validate(_ request: HTTPRequest) throws(SluiceError) {
        let lowered = request.url.lowercased()
        guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://") else {
            throw SluiceError(.httpInvalidRequest, "unsupported URL \(URLText.redacted(request.url)): only http:// and https:// are allowed")
        }
        guard !request.url.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else {
            throw SluiceError(.httpInvalidRequest, "URL \(URLText.redacted(request.url)) contains spaces or control characters")
        }
        guard !request.method.name.isEmpty, HTTPHeaders.isValid(name: request.method.name, value: "") else {
            throw SluiceError(.httpInvalidRequest, "invalid HTTP method \(request.method)")
        }
        for field in request.headers where !HTTPHeaders.isValid(name: field.name, value: field.value) {
            throw SluiceError(.httpInvalidRequest, "invalid header field \(field.name.debugDescription) for \(request.redactedDescription)")
        }
    }
}
