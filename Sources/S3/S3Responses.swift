public import SluiceCore

/// One object of a listing.
public struct S3Object: Sendable, Hashable {
    public var key: String
    public var size: Int64
    /// The ETag as S3 sends it, quotes removed (`d41d8cd9...`, or `...-3` for a multipart upload).
    public var etag: String
    public var lastModified: AmzDate?

    public init(key: String, size: Int64, etag: String, lastModified: AmzDate?) {
        self.key = key
        self.size = size
        self.etag = etag
        self.lastModified = lastModified
    }
}

/// One page of ListObjectsV2 (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html).
public struct S3ListPage: Sendable, Hashable {
    public var objects: [S3Object]
    public var commonPrefixes: [String]
    public var isTruncated: Bool
    public var nextContinuationToken: String?

    public static func parse(_ body: [UInt8]) throws(SluiceError) -> S3ListPage {
        let root = try S3XMLElement.parse(body)
        guard root.name == "ListBucketResult" else { throw unexpected(root, "ListBucketResult") }
        var objects: [S3Object] = []
        for item in root.children("Contents") {
            guard let key = item.text("Key"), let size = item.text("Size").flatMap({ Int64($0) }) else {
                throw SluiceError(.s3InvalidResponse, "a ListObjectsV2 entry without Key or Size")
            }
            objects.append(S3Object(key: key, size: size, etag: S3Object.unquoted(item.text("ETag") ?? ""),
                                    lastModified: item.text("LastModified").flatMap(AmzDate.parseISO8601)))
        }
        let truncated = root.text("IsTruncated")?.lowercased() == "true"
        let token = root.text("NextContinuationToken").flatMap { $0.isEmpty ? nil : $0 }
        if truncated, token == nil {
            throw SluiceError(.s3InvalidResponse, "a truncated ListObjectsV2 page without NextContinuationToken")
        }
        return S3ListPage(objects: objects, commonPrefixes: root.children("CommonPrefixes").compactMap { $0.text("Prefix") },
                          isTruncated: truncated, nextContinuationToken: token)
    }
}

extension S3Object {
    static func unquoted(_ etag: String) -> String {
        var text = Substring(etag)
        if text.hasPrefix("\"") { text = text.dropFirst() }
        if text.hasSuffix("\"") { text = text.dropLast() }
        return String(text)
    }
}

/// The answers of the multipart-upload calls.
public enum S3MultipartResponse {
    /// InitiateMultipartUploadResult → UploadId.
    public static func uploadID(_ body: [UInt8]) throws(SluiceError) -> String {
        let root = try S3XMLElement.parse(body)
        guard root.name == "InitiateMultipartUploadResult" else { throw unexpected(root, "InitiateMultipartUploadResult") }
        guard let id = root.text("UploadId"), !id.isEmpty else {
            throw SluiceError(.s3InvalidResponse, "InitiateMultipartUploadResult without UploadId")
        }
        return id
    }

    /// CompleteMultipartUpload answers 200 and may still carry an `<Error>` in its body (the failure happened after
    /// the status was sent): that is returned as an error, otherwise the final ETag. The result's root is
    /// `CompleteMultipartUploadResult` on AWS; S3-compatible stores name it otherwise (moto:
    /// `CompleteMultipartUploadResponse`), so any root but `<Error>` is a success.
    public static func completedETag(_ body: [UInt8], requestIDHeader: String?) -> Result<String, S3ErrorDetails> {
        guard let root = try? S3XMLElement.parse(body) else {
            return .failure(S3ErrorDetails(code: "InvalidResponse", message: "the store answered 200 with an unreadable body",
                                           requestID: requestIDHeader, status: 200))
        }
        if root.name == "Error" { return .failure(S3ErrorDetails.parse(status: 200, body: body, requestIDHeader: requestIDHeader)) }
        return .success(S3Object.unquoted(root.text("ETag") ?? ""))
    }

    /// ListMultipartUploadsResult → (key, upload id) of each upload still open.
    public static func openUploads(_ body: [UInt8]) throws(SluiceError) -> [(key: String, uploadID: String)] {
        let root = try S3XMLElement.parse(body)
        guard root.name == "ListMultipartUploadsResult" else { throw unexpected(root, "ListMultipartUploadsResult") }
        return root.children("Upload").compactMap { upload in
            guard let key = upload.text("Key"), let id = upload.text("UploadId") else { return nil }
            return (key, id)
        }
    }

    /// The body of CompleteMultipartUpload: parts in ascending order with their ETags.
    public static func completeBody(parts: [(number: Int, etag: String)]) -> [UInt8] {
        var text = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        for part in parts.sorted(by: { $0.number < $1.number }) {
            text += "<Part><PartNumber>\(part.number)</PartNumber><ETag>\"\(S3Bytes.xmlEscape(part.etag))\"</ETag></Part>"
        }
        text += "</CompleteMultipartUpload>"
        return Array(text.utf8)
    }
}

/// DeleteObjects (https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html): the request body and
/// the per-key errors of its answer.
public enum S3DeleteObjects {
    /// S3 takes at most this many keys per request.
    public static let maxKeys = 1000

    /// A quiet `<Delete>` document: S3 then answers only the keys it could not delete.
    public static func body(keys: [String]) -> [UInt8] {
        var text = "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>true</Quiet>"
        for key in keys { text += "<Object><Key>\(S3Bytes.xmlEscape(key))</Key></Object>" }
        text += "</Delete>"
        return Array(text.utf8)
    }

    /// One key S3 did not delete.
    public struct Failure: Sendable, Hashable {
        public var key: String
        public var code: String
        public var message: String?
    }

    /// The `<Error>` entries of a DeleteResult.
    public static func failures(_ body: [UInt8]) throws(SluiceError) -> [Failure] {
        let root = try S3XMLElement.parse(body)
        guard root.name == "DeleteResult" else { throw unexpected(root, "DeleteResult") }
        return root.children("Error").map { Failure(key: $0.text("Key") ?? "", code: $0.text("Code") ?? "", message: $0.text("Message")) }
    }
}

func unexpected(_ root: S3XMLElement, _ expected: String) -> SluiceError {
    SluiceError(.s3InvalidResponse, "S3 answered <\(root.name)> where <\(expected)> was expected")
}
