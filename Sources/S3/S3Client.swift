import Crypto
import HTTPTransport
public import SluiceCore

/// An S3 client: SigV4-signed requests over ``HTTPTransport/HTTPClient`` (libcurl), retried with backoff.
/// Works with AWS and S3-compatible stores (MinIO, Ceph, Swift's s3api, moto).
public final class S3Client: Sendable {
    public let configuration: S3Configuration
    public let credentials: S3CredentialsProvider
    let http: HTTPClient
    let signer: SigV4Signer
    let now: @Sendable () -> AmzDate
    let sleep: @Sendable (Duration) async -> Void

    public init(configuration: S3Configuration, credentials: S3CredentialsProvider,
                now: @escaping @Sendable () -> AmzDate = AmzDate.now,
                sleep: @escaping @Sendable (Duration) async -> Void = { try? await Task.sleep(for: $0) }) throws(SluiceError) {
        try configuration.validate()
        self.configuration = configuration
        self.credentials = credentials
        self.http = HTTPClient(configuration: configuration.http)
        self.signer = SigV4Signer(region: configuration.region)
        self.now = now
        self.sleep = sleep
    }

    /// One S3 call, before signing.
    struct Call: Sendable {
        var operation: String
        var method: HTTPMethod
        var bucket: String
        var key: String?
        var query: [(name: String, value: String)] = []
        var headers: HTTPHeaders = HTTPHeaders()
        var body: [UInt8]?
        var responseLimit = 16 << 20
    }

    /// Signs and sends `call`, retrying as ``S3Configuration/retry`` says; a non-2xx answer becomes the S3 error.
    func send(_ call: Call) async throws(SluiceError) -> HTTPResponse {
        let payloadHash = call.body.map(configuration.payloadHash(for:)) ?? SigV4Signer.emptyPayloadHash
        var attempt = 1
        while true {
            do {
                return try await sendOnce(call, payloadHash: payloadHash)
            } catch {
                guard configuration.retry.shouldRetry(error, attempt: attempt), !Task.isCancelled else {
                    throw attempt > 1 ? error.restated(error.message + " (after \(attempt) attempts)") : error
                }
                await sleep(configuration.retry.delay(afterAttempt: attempt, unit: Double.random(in: 0..<1)))
                attempt += 1
            }
        }
    }

    private func sendOnce(_ call: Call, payloadHash: String) async throws(SluiceError) -> HTTPResponse {
        let request = try await signedRequest(call, payloadHash: payloadHash)
        let response: HTTPResponse
        do {
            response = try await http.execute(request)
        } catch {
            throw error.restated("S3 \(S3ErrorDetails.target(operation: call.operation, bucket: call.bucket, key: call.key)): "
                                 + error.message)
        }
        guard response.isSuccess else {
            throw S3ErrorDetails.parse(status: response.status, body: response.body, requestIDHeader: response.headers["x-amz-request-id"])
                .error(operation: call.operation, bucket: call.bucket, key: call.key)
        }
        return response
    }

    /// The request for `call`, signed now with the current credentials.
    func signedRequest(_ call: Call, payloadHash: String) async throws(SluiceError) -> HTTPRequest {
        let location = configuration.endpoint.location(bucket: call.bucket, key: call.key, query: call.query)
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: location.host)
        for field in call.headers { headers.replaceOrAdd(name: field.name, value: field.value) }
        if call.body != nil, headers["Content-Type"] == nil {
            // Always name the type: moto stores an empty object for a body sent without one.
            headers.add(name: "Content-Type", value: "application/octet-stream")
        }
        let credentials = try await credentials.credentials()
        signer.sign(method: call.method.name, encodedPath: location.encodedPath, query: call.query, headers: &headers,
                    payloadHash: payloadHash, date: now(), credentials: credentials)
        return HTTPRequest(method: call.method, url: location.url, headers: headers,
                           body: call.body.map { .bytes($0) } ?? .none, responseBody: .collect(limit: call.responseLimit))
    }

    // MARK: objects

    /// What HEAD says about an object.
    public struct ObjectInfo: Sendable, Hashable {
        public var size: Int64
        public var etag: String
        /// The `Last-Modified` header as sent (an HTTP date).
        public var lastModified: String?
        public var contentType: String?
        /// The object's user metadata (`x-amz-meta-NAME` headers), by NAME in lower case.
        public var metadata: [String: String] = [:]
    }

    public func head(bucket: String, key: String) async throws(SluiceError) -> ObjectInfo {
        let response = try await send(Call(operation: "HEAD", method: .head, bucket: bucket, key: key))
        guard let size = response.headers["Content-Length"].flatMap({ Int64($0) }) else {
            throw SluiceError(.s3InvalidResponse, "S3 HEAD bucket '\(bucket)' key '\(key)': no Content-Length")
        }
        var metadata: [String: String] = [:]
        for (name, value) in response.headers where name.lowercased().hasPrefix(Self.metadataPrefix) {
            metadata[String(name.lowercased().dropFirst(Self.metadataPrefix.count))] = value
        }
        return ObjectInfo(size: size, etag: S3Object.unquoted(response.headers["ETag"] ?? ""),
                          lastModified: response.headers["Last-Modified"], contentType: response.headers["Content-Type"],
                          metadata: metadata)
    }

    /// The bytes of an object, or of `range` of it (a 206 answer).
    public func get(bucket: String, key: String, range: S3ByteRange? = nil) async throws(SluiceError) -> [UInt8] {
        var call = Call(operation: "GET", method: .get, bucket: bucket, key: key, responseLimit: configuration.maxGetBytes)
        if let range { call.headers.add(name: "Range", value: try range.headerValue()) }
        return try await send(call).body
    }

    /// The header prefix of user metadata.
    static let metadataPrefix = "x-amz-meta-"

    /// One PUT of `bytes`, with user `metadata` (names in lower case, values in ASCII); returns the ETag.
    @discardableResult
    public func put(bucket: String, key: String, bytes: [UInt8], contentType: String = "application/octet-stream",
                    metadata: [String: String] = [:]) async throws(SluiceError) -> String {
        var call = Call(operation: "PUT", method: .put, bucket: bucket, key: key, body: bytes)
        call.headers.add(name: "Content-Type", value: contentType)
        Self.add(metadata, to: &call.headers)
        return S3Object.unquoted(try await send(call).headers["ETag"] ?? "")
    }

    static func add(_ metadata: [String: String], to headers: inout HTTPHeaders) {
        for (name, value) in metadata.sorted(by: { $0.key < $1.key }) { headers.add(name: metadataPrefix + name, value: value) }
    }

    /// `bytes` in one PUT up to ``S3Configuration/multipartThreshold``, as a multipart upload above it.
    @discardableResult
    public func upload(bucket: String, key: String, bytes: [UInt8], contentType: String = "application/octet-stream",
                       metadata: [String: String] = [:]) async throws(SluiceError) -> String {
        guard bytes.count > configuration.multipartThreshold else {
            return try await put(bucket: bucket, key: key, bytes: bytes, contentType: contentType, metadata: metadata)
        }
        let shared = bytes
        return try await uploadMultipart(bucket: bucket, key: key, size: Int64(bytes.count), contentType: contentType,
                                         metadata: metadata) { range in
            Array(shared[Int(range.lowerBound)..<Int(range.upperBound)])
        }
    }

    /// Copies an object within the store, server side, keeping its metadata and content type; returns the copy's ETag.
    /// One CopyObject up to ``S3Configuration/copyThreshold`` (S3 copies at most 5 GiB so), a multipart copy above it
    /// (``copyMultipart(bucket:key:to:source:)``).
    @discardableResult
    public func copy(bucket: String, key source: String, to destination: String) async throws(SluiceError) -> String {
        let info = try await head(bucket: bucket, key: source)
        guard info.size <= configuration.copyThreshold else {
            return try await copyMultipart(bucket: bucket, key: source, to: destination, source: info)
        }
        var call = Call(operation: "CopyObject", method: .put, bucket: bucket, key: destination)
        call.headers.add(name: "x-amz-copy-source", value: Self.copySource(bucket: bucket, key: source))
        let response = try await send(call)
        // Like CompleteMultipartUpload, a copy may fail after S3 sent 200: the body says so.
        switch S3MultipartResponse.completedETag(response.body, requestIDHeader: response.headers["x-amz-request-id"]) {
        case .success(let etag): return etag
        case .failure(let details): throw details.error(operation: "CopyObject", bucket: bucket, key: destination)
        }
    }

    /// The `x-amz-copy-source` header's value: `/bucket/key`, URI-encoded.
    static func copySource(bucket: String, key: String) -> String {
        "/" + S3Bytes.uriEncode(bucket, keepSlash: false) + "/" + S3Bytes.uriEncode(key, keepSlash: true)
    }

    /// Deletes one object (S3 answers 204 whether it existed or not).
    public func delete(bucket: String, key: String) async throws(SluiceError) {
        _ = try await send(Call(operation: "DELETE", method: .delete, bucket: bucket, key: key))
    }

    /// Deletes `keys` in batches of 1,000 (DeleteObjects, quiet, with Content-MD5 as S3 requires); returns the keys
    /// S3 could not delete, with its reasons.
    @discardableResult
    public func deleteObjects(bucket: String, keys: [String]) async throws(SluiceError) -> [S3DeleteObjects.Failure] {
        var failures: [S3DeleteObjects.Failure] = []
        var start = 0
        while start < keys.count {
            let batch = Array(keys[start..<min(start + S3DeleteObjects.maxKeys, keys.count)])
            start += batch.count
            let body = S3DeleteObjects.body(keys: batch)
            var call = Call(operation: "DeleteObjects", method: .post, bucket: bucket, key: nil, query: [("delete", "")], body: body)
            call.headers.add(name: "Content-Type", value: "application/xml")
            call.headers.add(name: "Content-MD5", value: S3Bytes.base64(Array(Insecure.MD5.hash(data: body))))
            failures += try S3DeleteObjects.failures(try await send(call).body)
        }
        return failures
    }

    /// Creates a bucket (in the client's region unless it is us-east-1, which takes no configuration).
    public func createBucket(_ bucket: String) async throws(SluiceError) {
        var call = Call(operation: "CreateBucket", method: .put, bucket: bucket, key: nil, body: [])
        if configuration.region != "us-east-1" {
            call.body = Array(("<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                + "<LocationConstraint>\(configuration.region)</LocationConstraint></CreateBucketConfiguration>").utf8)
            call.headers.add(name: "Content-Type", value: "application/xml")
        }
        _ = try await send(call)
    }

    /// Deletes an empty bucket.
    public func deleteBucket(_ bucket: String) async throws(SluiceError) {
        _ = try await send(Call(operation: "DeleteBucket", method: .delete, bucket: bucket, key: nil))
    }
}

/// The byte range of a GET (RFC 9110 section 14.1.2).
public enum S3ByteRange: Sendable, Hashable {
    /// `bytes=a-(b-1)`.
    case bytes(Range<Int64>)
    /// `bytes=a-`: from `a` to the end.
    case from(Int64)
    /// `bytes=-n`: the last `n` bytes (a Parquet footer).
    case suffix(Int64)

    public func headerValue() throws(SluiceError) -> String {
        switch self {
        case .bytes(let range):
            guard range.lowerBound >= 0, !range.isEmpty else {
                throw SluiceError(.s3InvalidRequest, "the byte range \(range) is empty or negative")
            }
            return "bytes=\(range.lowerBound)-\(range.upperBound - 1)"
        case .from(let start):
            guard start >= 0 else { throw SluiceError(.s3InvalidRequest, "the byte range start \(start) is negative") }
            return "bytes=\(start)-"
        case .suffix(let count):
            guard count > 0 else { throw SluiceError(.s3InvalidRequest, "a suffix range needs a positive length, not \(count)") }
            return "bytes=-\(count)"
        }
    }
}
