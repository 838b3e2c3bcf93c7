import HTTPTransport
public import SluiceCore

/// Reads bytes `range` of the body being uploaded (a slice of memory, a file, a spill).
public typealias S3PartReader = @Sendable (_ range: Range<Int64>) async throws(SluiceError) -> [UInt8]

extension S3Client {
    /// Uploads a body of `size` bytes as a multipart upload: parts of ``S3Configuration/partSize`` (the last one
    /// shorter), up to ``S3Configuration/maxConcurrentParts`` at once, each retried on its own. On any failure the
    /// upload is aborted, so that no parts stay stored (and billed), and the first error is thrown. Returns the ETag.
    @discardableResult
    public func uploadMultipart(bucket: String, key: String, size: Int64, contentType: String = "application/octet-stream",
                                metadata: [String: String] = [:], partSize: Int? = nil,
                                read: @escaping S3PartReader) async throws(SluiceError) -> String {
        try await multipart(bucket: bucket, key: key, size: size, partSize: Int64(partSize ?? configuration.partSize),
                            contentType: contentType, metadata: metadata) { uploadID, number, range throws(SluiceError) in
            let bytes = try await read(range)
            guard Int64(bytes.count) == range.upperBound - range.lowerBound else {
                throw SluiceError(.s3InvalidRequest, "the body reader gave \(bytes.count) bytes for part \(number) "
                                  + "(\(range)) of bucket '\(bucket)' key '\(key)'")
            }
            return try await self.uploadPart(bucket: bucket, key: key, uploadID: uploadID, number: number, bytes: bytes)
        }
    }

    /// Copies `source` (an object of the bucket, as HEAD described it) to `destination` part by part: UploadPartCopy of
    /// ``S3Configuration/copyPartSize`` byte ranges, up to ``S3Configuration/maxConcurrentParts`` at once, into a
    /// multipart upload carrying the source's content type and metadata. On any failure the upload is aborted. Returns
    /// the copy's ETag.
    @discardableResult
    public func copyMultipart(bucket: String, key source: String, to destination: String,
                              source info: ObjectInfo) async throws(SluiceError) -> String {
        try await multipart(bucket: bucket, key: destination, size: info.size, partSize: configuration.copyPartSize,
                            contentType: info.contentType ?? "application/octet-stream", metadata: info.metadata) { uploadID, number, range throws(SluiceError) in
            try await self.uploadPartCopy(bucket: bucket, key: destination, uploadID: uploadID, number: number, source: source, range: range)
        }
    }

    /// Copies bytes `range` of `source` as part `number` (UploadPartCopy). The source must not change while its parts are
    /// copied (Sluice copies only files it wrote itself; `x-amz-copy-source-if-match` would say so, but OpenStack Swift
    /// refuses it for a source that was itself uploaded in parts).
    public func uploadPartCopy(bucket: String, key: String, uploadID: String, number: Int, source: String,
                               range: Range<Int64>) async throws(SluiceError) -> String {
        var call = Call(operation: "UploadPartCopy \(number)", method: .put, bucket: bucket, key: key,
                        query: [("partNumber", "\(number)"), ("uploadId", uploadID)])
        call.headers.add(name: "x-amz-copy-source", value: Self.copySource(bucket: bucket, key: source))
        call.headers.add(name: "x-amz-copy-source-range", value: "bytes=\(range.lowerBound)-\(range.upperBound - 1)")
        let response = try await send(call)
        // Like CopyObject, a part copy may fail after S3 sent 200: the body says so.
        switch S3MultipartResponse.completedETag(response.body, requestIDHeader: response.headers["x-amz-request-id"]) {
        case .success(let etag) where !etag.isEmpty: return etag
        case .success: throw SluiceError(.s3InvalidResponse, "S3 UploadPartCopy \(number) bucket '\(bucket)' key '\(key)': no ETag in the answer")
        case .failure(let details): throw details.error(operation: "UploadPartCopy \(number)", bucket: bucket, key: key)
        }
    }

    public func initiateMultipart(bucket: String, key: String, contentType: String = "application/octet-stream",
                                  metadata: [String: String] = [:]) async throws(SluiceError) -> String {
        var call = Call(operation: "CreateMultipartUpload", method: .post, bucket: bucket, key: key, query: [("uploads", "")], body: [])
        call.headers.add(name: "Content-Type", value: contentType)
        Self.add(metadata, to: &call.headers)
        return try S3MultipartResponse.uploadID(try await send(call).body)
    }

    /// Uploads one part; returns its ETag.
    public func uploadPart(bucket: String, key: String, uploadID: String, number: Int,
                           bytes: [UInt8]) async throws(SluiceError) -> String {
        let call = Call(operation: "UploadPart \(number)", method: .put, bucket: bucket, key: key,
                        query: [("partNumber", "\(number)"), ("uploadId", uploadID)], body: bytes)
        let response = try await send(call)
        guard let etag = response.headers["ETag"], !etag.isEmpty else {
            throw SluiceError(.s3InvalidResponse, "S3 UploadPart \(number) bucket '\(bucket)' key '\(key)': no ETag in the answer")
        }
        return S3Object.unquoted(etag)
    }

    public func completeMultipart(bucket: String, key: String, uploadID: String,
                                  parts: [(number: Int, etag: String)]) async throws(SluiceError) -> String {
        var call = Call(operation: "CompleteMultipartUpload", method: .post, bucket: bucket, key: key,
                        query: [("uploadId", uploadID)], body: S3MultipartResponse.completeBody(parts: parts))
        call.headers.add(name: "Content-Type", value: "application/xml")
        let response = try await send(call)
        switch S3MultipartResponse.completedETag(response.body, requestIDHeader: response.headers["x-amz-request-id"]) {
        case .success(let etag): return etag
        case .failure(let details):
            throw details.error(operation: "CompleteMultipartUpload", bucket: bucket, key: key)
        }
    }

    public func abortMultipart(bucket: String, key: String, uploadID: String) async throws(SluiceError) {
        _ = try await send(Call(operation: "AbortMultipartUpload", method: .delete, bucket: bucket, key: key,
                                query: [("uploadId", uploadID)]))
    }

    /// Uploads still open under `prefix` (ListMultipartUploads, first page): (key, upload id).
    public func openMultipartUploads(bucket: String, prefix: String = "") async throws(SluiceError) -> [(key: String, uploadID: String)] {
        let call = Call(operation: "ListMultipartUploads", method: .get, bucket: bucket, key: nil,
                        query: [("uploads", ""), ("prefix", prefix)])
        return try S3MultipartResponse.openUploads(try await send(call).body)
    }

    /// A multipart upload of `size` bytes into `key`: parts of `partSize` bytes (the last one shorter), each made by
    /// `part(uploadID, number, byteRange)` (which returns its ETag), up to ``S3Configuration/maxConcurrentParts`` at
    /// once. On any failure the upload is aborted, so that no parts stay stored (and billed), and the first error is
    /// thrown. Returns the object's ETag.
    private func multipart(bucket: String, key: String, size: Int64, partSize: Int64, contentType: String, metadata: [String: String],
                           part: @escaping @Sendable (String, Int, Range<Int64>) async throws(SluiceError) -> String)
        async throws(SluiceError) -> String
    {
        guard size > 0, partSize > 0 else {
            throw SluiceError(.s3InvalidRequest, "a multipart upload of \(size) bytes in parts of \(partSize) bytes to bucket '\(bucket)' key '\(key)'")
        }
        let partCount = Int((size + partSize - 1) / partSize)
        guard partCount <= S3Configuration.maximumParts else {
            throw SluiceError(.s3InvalidRequest, "\(size) bytes in parts of \(partSize) make \(partCount) parts, more than S3's "
                              + "\(S3Configuration.maximumParts) (bucket '\(bucket)' key '\(key)'): raise the part size")
        }
        let uploadID = try await initiateMultipart(bucket: bucket, key: key, contentType: contentType, metadata: metadata)
        do {
            let etags = try await inParts(count: partCount) { number throws(SluiceError) in
                let lower = Int64(number - 1) * partSize
                return try await part(uploadID, number, lower..<min(lower + partSize, size))
            }
            return try await completeMultipart(bucket: bucket, key: key, uploadID: uploadID, parts: etags)
        } catch {
            // Abort even when this task was cancelled: the abort runs in a task of its own.
            let client = self
            await Task { try? await client.abortMultipart(bucket: bucket, key: key, uploadID: uploadID) }.value
            throw error
        }
    }

    /// Runs `part` for parts 1...`count`, up to ``S3Configuration/maxConcurrentParts`` at once; returns their ETags, or
    /// the first error (the other parts are cancelled).
    private func inParts(count partCount: Int, _ part: @escaping @Sendable (Int) async throws(SluiceError) -> String)
        async throws(SluiceError) -> [(number: Int, etag: String)]
    {
        let width = min(configuration.maxConcurrentParts, partCount)
        let result: Result<[(number: Int, etag: String)], SluiceError> = await withTaskGroup(
            of: Result<(number: Int, etag: String), SluiceError>.self
        ) { group in
            var next = 1
            func start(_ number: Int) {
                group.addTask {
                    do throws(SluiceError) {
                        return .success((number, try await part(number)))
                    } catch {
                        return .failure(error)
                    }
                }
            }
            while next <= width {
                start(next)
                next += 1
            }
            var etags: [(number: Int, etag: String)] = []
            while let outcome = await group.next() {
                switch outcome {
                case .success(let part):
                    etags.append(part)
                    if next <= partCount {
                        start(next)
                        next += 1
                    }
                case .failure(let error):
                    group.cancelAll()
                    return .failure(error)
                }
            }
            return .success(etags)
        }
        return try result.get()
    }
}
