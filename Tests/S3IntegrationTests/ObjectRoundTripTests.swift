import Crypto
import S3
import SluiceCore
import Testing

/// PUT, GET, HEAD and DELETE of single objects against both servers, with keys that need encoding.
struct ObjectRoundTripTests {
    /// Keys whose bytes SigV4's canonical URI and the servers' decoding must agree on, with bodies of 0, 1 and more bytes.
    static let objects: [(key: String, bytes: [UInt8])] = [
        ("empty", []),
        ("one-byte", [0x2A]),
        ("with spaces in it.txt", randomBytes(1_000, seed: 1)),
        ("ünïcødé/日本語/ключ.bin", randomBytes(333, seed: 2)),
        ("plus+sign", Array("+".utf8)),
        ("equals=sign&ampersand", Array("=&".utf8)),
        ("percent%20literal%", Array("%".utf8)),
        ("nested/a/b/c/deep.parquet", randomBytes(4_096, seed: 3)),
        ("tilde~dash-under_score.dot", randomBytes(17, seed: 4)),
        ("brackets(1)[2]{3}!$'*,;:@", randomBytes(5, seed: 5)),
    ]

    @Test(arguments: S3Store.allCases)
    func putThenGetReturnsTheSameBytesForKeysThatNeedEncoding(store: S3Store) async throws {
        try await S3TestBucket.with(store, "roundtrip") { bucket in
            let client = bucket.client
            for (key, bytes) in Self.objects {
                let etag = try await client.put(bucket: bucket.name, key: key, bytes: bytes)
                #expect(etag == hex(Insecure.MD5.hash(data: bytes)), "\(key): the ETag of a single PUT is the body's MD5")
                let read = try await client.get(bucket: bucket.name, key: key)
                #expect(read == bytes, "\(key): \(read.count) bytes read back, \(bytes.count) written")
                let info = try await client.head(bucket: bucket.name, key: key)
                #expect(info.size == Int64(bytes.count), "\(key)")
            }
            let listed = try await client.listAll(bucket: bucket.name)
            #expect(listed.map(\.key) == Self.objects.map(\.key).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) },
                    "a listing returns every key, decoded, in UTF-8 byte order")
            #expect(listed.map(\.size) == listed.map { object in Int64(Self.objects.first { $0.key == object.key }?.bytes.count ?? -1) })
        }
    }

    @Test(arguments: S3Store.allCases)
    func headReportsSizeETagAndLastModified(store: S3Store) async throws {
        try await S3TestBucket.with(store, "head") { bucket in
            let client = bucket.client
            let bytes = randomBytes(12_345, seed: 6)
            try await client.put(bucket: bucket.name, key: "shard.parquet", bytes: bytes, contentType: "application/vnd.apache.parquet")
            let info = try await client.head(bucket: bucket.name, key: "shard.parquet")
            #expect(info.size == 12_345)
            #expect(info.etag == hex(Insecure.MD5.hash(data: bytes)))
            #expect(info.contentType == "application/vnd.apache.parquet")
            let lastModified = try #require(info.lastModified)
            #expect(lastModified.hasSuffix(" GMT") && lastModified.count == 29, "an IMF-fixdate: \(lastModified)")
            let listed = try #require(try await client.listAll(bucket: bucket.name).first)
            #expect(listed.etag == info.etag && listed.size == info.size)
            let modified = try #require(listed.lastModified)
            #expect(abs(modified.secondsSinceEpoch - AmzDate.now().secondsSinceEpoch) < 300, "the listing's LastModified is about now")
        }
    }

    @Test(arguments: S3Store.allCases)
    func aMissingKeyIsNotFoundAndTheErrorNamesEverything(store: S3Store) async throws {
        try await S3TestBucket.with(store, "missing") { bucket in
            let client = bucket.client, name = bucket.name
            let head = await #expect(throws: SluiceError.self) { try await client.head(bucket: name, key: "no/such key") }
            #expect(head?.code == .s3NotFound && head?.retryable == false)
            #expect(head?.message.contains("HEAD bucket '\(name)' key 'no/such key'") == true, "\(String(describing: head))")
            #expect(head?.message.contains("HTTP 404") == true, "\(String(describing: head))")

            let get = await #expect(throws: SluiceError.self) { try await client.get(bucket: name, key: "no/such key") }
            #expect(get?.code == .s3NotFound && get?.retryable == false)
            #expect(get?.message.contains("S3 NoSuchKey on GET bucket '\(name)' key 'no/such key': HTTP 404, request id ") == true,
                    "\(String(describing: get))")
            #expect(get?.message.hasSuffix("request id none") == false, "the server's request id is named: \(String(describing: get))")

            let noBucket = await #expect(throws: SluiceError.self) { try await client.get(bucket: name + "-gone", key: "k") }
            #expect(noBucket?.code == .s3NotFound && noBucket?.message.contains("NoSuchBucket") == true, "\(String(describing: noBucket))")
        }
    }

    @Test(arguments: S3Store.allCases)
    func deleteRemovesAnObjectAndIsIdempotent(store: S3Store) async throws {
        try await S3TestBucket.with(store, "delete") { bucket in
            let client = bucket.client, name = bucket.name
            try await client.put(bucket: name, key: "a b+c", bytes: [1, 2, 3])
            try await client.delete(bucket: name, key: "a b+c")
            try await client.delete(bucket: name, key: "a b+c")
            await #expect(throws: SluiceError.self) { try await client.head(bucket: name, key: "a b+c") }
            #expect(try await client.listAll(bucket: name).isEmpty)
        }
    }

    /// Virtual-hosted addressing puts the bucket in the host name: `http://<bucket>.localhost:<port>/<key>` (libcurl
    /// resolves every `*.localhost` name to loopback). moto reads the bucket from the host name.
    @Test func virtualHostedAddressingAgainstMoto() async throws {
        try await S3TestBucket.with(.moto, "virtual") { bucket in
            let port = try #require(bucket.server.url.split(separator: ":").last)
            let client = try bucket.server.client(url: "http://localhost:\(port)", addressing: .virtualHosted)
            try await client.put(bucket: bucket.name, key: "dir/a b.txt", bytes: Array("virtual".utf8))
            #expect(try await client.get(bucket: bucket.name, key: "dir/a b.txt") == Array("virtual".utf8))
            // The same object through path-style requests: the two addressings name the same thing.
            #expect(try await bucket.client.get(bucket: bucket.name, key: "dir/a b.txt") == Array("virtual".utf8))
            #expect(try await client.listAll(bucket: bucket.name).map(\.key) == ["dir/a b.txt"])
        }
    }
}

/// Lowercase hex, as ETags print an MD5.
func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}
