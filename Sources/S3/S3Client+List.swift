import HTTPTransport
public import SluiceCore

extension S3Client {
    /// One page of ListObjectsV2. With a `delimiter`, keys that hold it after `prefix` are rolled up into
    /// ``S3ListPage/commonPrefixes`` (one entry per "directory").
    public func listPage(bucket: String, prefix: String = "", delimiter: String? = nil, continuationToken: String? = nil,
                         maxKeys: Int? = nil) async throws(SluiceError) -> S3ListPage {
        var query: [(name: String, value: String)] = [("list-type", "2"), ("prefix", prefix)]
        if let delimiter { query.append(("delimiter", delimiter)) }
        if let continuationToken { query.append(("continuation-token", continuationToken)) }
        if let maxKeys { query.append(("max-keys", "\(maxKeys)")) }
        let response = try await send(Call(operation: "ListObjectsV2", method: .get, bucket: bucket, key: nil, query: query))
        return try S3ListPage.parse(response.body)
    }

    /// The objects under `prefix`, page by page, following continuation tokens.
    public func list(bucket: String, prefix: String = "", pageSize: Int? = nil) -> S3ObjectPages {
        S3ObjectPages(client: self, bucket: bucket, prefix: prefix, pageSize: pageSize)
    }

    /// Every object under `prefix` (all pages collected).
    public func listAll(bucket: String, prefix: String = "", pageSize: Int? = nil) async throws(SluiceError) -> [S3Object] {
        try await collectPages(bucket: bucket, prefix: prefix, delimiter: nil, pageSize: pageSize).objects
    }

    /// The objects directly under `prefix` and the common prefixes below it (all pages collected): one level of the
    /// key tree, `delimiter` separating the levels.
    public func listDirectory(bucket: String, prefix: String = "", delimiter: String = "/",
                              pageSize: Int? = nil) async throws(SluiceError) -> (objects: [S3Object], commonPrefixes: [String]) {
        try await collectPages(bucket: bucket, prefix: prefix, delimiter: delimiter, pageSize: pageSize)
    }

    private func collectPages(bucket: String, prefix: String, delimiter: String?,
                              pageSize: Int?) async throws(SluiceError) -> (objects: [S3Object], commonPrefixes: [String]) {
        var objects: [S3Object] = []
        var prefixes: [String] = []
        var token: String?
        repeat {
            let page = try await listPage(bucket: bucket, prefix: prefix, delimiter: delimiter, continuationToken: token,
                                          maxKeys: pageSize)
            objects += page.objects
            prefixes += page.commonPrefixes
            token = page.isTruncated ? page.nextContinuationToken : nil
        } while token != nil
        return (objects, prefixes)
    }
}

/// The pages of a listing as an async sequence: each element is one ListObjectsV2 page's objects.
public struct S3ObjectPages: AsyncSequence, Sendable {
    public typealias Element = [S3Object]
    public typealias Failure = SluiceError
    let client: S3Client
    let bucket: String
    let prefix: String
    let pageSize: Int?

    public struct AsyncIterator: AsyncIteratorProtocol {
        public typealias Element = [S3Object]
        public typealias Failure = SluiceError
        let pages: S3ObjectPages
        var token: String?
        var done = false

        public mutating func next() async throws(SluiceError) -> [S3Object]? {
            guard !done else { return nil }
            let page = try await pages.client.listPage(bucket: pages.bucket, prefix: pages.prefix, continuationToken: token,
                                                       maxKeys: pages.pageSize)
            token = page.isTruncated ? page.nextContinuationToken : nil
            done = token == nil
            return page.objects
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(pages: self) }
}
