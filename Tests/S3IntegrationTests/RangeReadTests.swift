import S3
import SluiceCore
import Testing

/// GET with a `Range` header (RFC 9110 section 14.1.2): what a Parquet reader asks for (a footer, a column chunk).
struct RangeReadTests {
    static let size = 1_000
    static let body = randomBytes(size, seed: 7)

    @Test(arguments: S3Store.allCases)
    func rangesReadTheBytesAskedFor(store: S3Store) async throws {
        try await S3TestBucket.with(store, "ranges") { bucket in
            let client = bucket.client
            try await client.put(bucket: bucket.name, key: "object", bytes: Self.body)
            let cases: [(range: S3ByteRange, expected: ArraySlice<UInt8>)] = [
                (.bytes(0..<1), Self.body[0..<1]),
                (.bytes(0..<100), Self.body[0..<100]),
                (.bytes(400..<600), Self.body[400..<600]),
                (.bytes(999..<1_000), Self.body[999..<1_000]),
                // A range that runs past the end is cut at the end.
                (.bytes(990..<5_000), Self.body[990..<1_000]),
                (.from(900), Self.body[900...]),
                (.suffix(8), Self.body[992...]),
                // A suffix longer than the object is the whole object.
                (.suffix(5_000), Self.body[...]),
            ]
            for (range, expected) in cases {
                let read = try await client.get(bucket: bucket.name, key: "object", range: range)
                #expect(read == Array(expected), "\(range): \(read.count) bytes, \(expected.count) expected")
            }
        }
    }

    @Test(arguments: S3Store.allCases)
    func aRangeThatStartsPastTheEndIsInvalidRange(store: S3Store) async throws {
        try await S3TestBucket.with(store, "badrange") { bucket in
            let client = bucket.client, name = bucket.name
            try await client.put(bucket: name, key: "object", bytes: Self.body)
            for range in [S3ByteRange.bytes(1_000..<1_010), .from(5_000)] {
                let error = await #expect(throws: SluiceError.self, "\(range)") {
                    try await client.get(bucket: name, key: "object", range: range)
                }
                #expect(error?.retryable == false, "\(String(describing: error))")
                #expect(error?.message.hasPrefix("S3 InvalidRange on GET bucket '\(name)' key 'object': HTTP 416, request id ") == true,
                        "\(String(describing: error))")
                #expect(error?.message.contains("attempts") == false, "not retried: \(String(describing: error))")
            }
        }
    }
}
