import S3
import SluiceCore
import Testing

/// ListObjectsV2: continuation over more than one page, delimiters, and DeleteObjects of more than 1,000 keys.
struct ListingTests {
    @Test(arguments: S3Store.allCases)
    func listsAndBatchDeletesMoreThanAThousandKeys(store: S3Store) async throws {
        try await S3TestBucket.with(store, "many") { bucket in
            let client = bucket.client
            let keys = (0..<1_050).map { "many/part-\(String(1_000_000 + $0).dropFirst()).parquet" }
            try await putAll(client, bucket: bucket.name, keys.map { ($0, Array($0.utf8)) })
            try await client.put(bucket: bucket.name, key: "other/outside-the-prefix", bytes: [1])

            // S3's pages hold at most 1,000 keys: two pages, the second found through the continuation token.
            var pages: [[S3Object]] = []
            for try await page in client.list(bucket: bucket.name, prefix: "many/") { pages.append(page) }
            #expect(pages.map(\.count) == [1_000, 50])
            #expect(pages.flatMap { $0 }.map(\.key) == keys)
            #expect(pages.flatMap { $0 }.allSatisfy { $0.size == Int64($0.key.utf8.count) })
            let small = try await client.listAll(bucket: bucket.name, prefix: "many/", pageSize: 400)
            #expect(small.map(\.key) == keys, "pages of 400 (three requests) list the same keys")

            // DeleteObjects takes 1,000 keys at most: the client sends two requests (through a proxy that counts them).
            let requests = try await FaultProxy.with(upstream: bucket.server.url, faults: []) { proxy in
                let counted = try bucket.server.client(url: proxy.url)
                let failures = try await counted.deleteObjects(bucket: bucket.name, keys: keys + ["many/never-existed"])
                #expect(failures.isEmpty, "\(failures)")
                return try await proxy.requests()
            }
            #expect(requests.count == 2 && requests.allSatisfy { $0.method == "POST" && $0.path.hasSuffix("?delete") }, "\(requests)")
            #expect(try await client.listAll(bucket: bucket.name).map(\.key) == ["other/outside-the-prefix"])
        }
    }

    @Test(arguments: S3Store.allCases)
    func aDelimiterRollsKeysUpIntoCommonPrefixes(store: S3Store) async throws {
        try await S3TestBucket.with(store, "delimiter") { bucket in
            let client = bucket.client
            let keys = ["a/1", "a/2", "b/1", "c.txt", "d/e/f", "d/e/g", "d/h", "z"]
            try await putAll(client, bucket: bucket.name, keys.map { ($0, [0]) })
            let top = try await client.listDirectory(bucket: bucket.name)
            #expect(top.objects.map(\.key) == ["c.txt", "z"])
            #expect(top.commonPrefixes == ["a/", "b/", "d/"])
            let d = try await client.listDirectory(bucket: bucket.name, prefix: "d/")
            #expect(d.objects.map(\.key) == ["d/h"])
            #expect(d.commonPrefixes == ["d/e/"])
            // One entry per page: common prefixes count against max-keys and the continuation crosses them.
            let paged = try await client.listDirectory(bucket: bucket.name, pageSize: 1)
            #expect(paged.objects.map(\.key) == top.objects.map(\.key))
            #expect(paged.commonPrefixes == top.commonPrefixes)
        }
    }
}
