import S3
import SluiceCore
import Testing

/// The XML parser and the response readers on broken input: truncated, garbage, deeply nested, huge and randomly
/// mutated bodies end in a ``SluiceError`` (or a result), never a crash or a hang.
struct S3XMLRobustnessTests {
    /// Real answers, as moto, Swift's s3api and AWS send them.
    static let samples: [String] = [
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>lake</Name><Prefix>events/</Prefix>\
        <KeyCount>2</KeyCount><MaxKeys>2</MaxKeys><IsTruncated>true</IsTruncated>\
        <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>\
        <Contents><Key>events/day=2026-12-05/part-0.parquet</Key><LastModified>2026-12-05T19:02:48.000Z</LastModified>\
        <ETag>&quot;d41d8cd98f00b204e9800998ecf8427e&quot;</ETag><Size>1024</Size><StorageClass>STANDARD</StorageClass></Contents>\
        <Contents><Key>events/a&amp;b &lt;c&gt; &#x65E5;&#26412;</Key><LastModified>2026-12-05T19:02:49Z</LastModified>\
        <ETag>"9b2cf535f27731c974343645a3985328-3"</ETag><Size>15728640</Size></Contents>\
        <CommonPrefixes><Prefix>events/day=2026-12-06/</Prefix></CommonPrefixes></ListBucketResult>
        """,
        """
        <?xml version='1.0' encoding='UTF-8'?>
        <Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature \
        you provided. Check your key and signing method.</Message><AWSAccessKeyId>etl:tester</AWSAccessKeyId>\
        <StringToSign>AWS4-HMAC-SHA256
        20261205T190248Z
        20261205/us-east-1/s3/aws4_request
        3ba1b2c4</StringToSign><RequestId>tx3b8f0e6b1b2c4d5e6f7a8-0067520c58</RequestId></Error>
        """,
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>lake</Bucket>\
        <Key>big.parquet</Key><UploadId>VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA</UploadId>\
        </InitiateMultipartUploadResult>
        """,
        """
        <CompleteMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Location>http://lake.s3.amazonaws.com/big</Location>\
        <Bucket>lake</Bucket><Key>big</Key><ETag>"3858f62230ac3c915f300c664312c11f-9"</ETag></CompleteMultipartUploadResult>
        """,
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Error><Key>locked</Key><Code>AccessDenied</Code>\
        <Message>Access Denied</Message></Error><!-- quiet mode --></DeleteResult>
        """,
        """
        <ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>lake</Bucket><Upload><Key>big</Key>\
        <UploadId>abc</UploadId><Initiated>2026-12-05T19:02:48.000Z</Initiated></Upload><IsTruncated>false</IsTruncated>\
        </ListMultipartUploadsResult>
        """,
        """
        <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult>\
        <Credentials><AccessKeyId>ASIARZPUZDIKAMCIOOPI</AccessKeyId><SecretAccessKey>5E6JMQvHok5mgDhkBupvzZ</SecretAccessKey>\
        <SessionToken>FQoGZXIvYXdzEBYaD4tWpO4peqYy</SessionToken><Expiration>2026-12-05T20:03:52.040995Z</Expiration>\
        </Credentials></AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>TWQc</RequestId></ResponseMetadata>\
        </AssumeRoleWithWebIdentityResponse>
        """,
        "<![CDATA[x]]>",
        "<a><![CDATA[<not>&an;element]]></a>",
    ]

    /// Every reader of a response body, applied to `bytes`. Each may throw (only ``SluiceError``, by its type) or
    /// return; the ones that return a value are asked for it so that nothing is left unevaluated.
    static func readEverything(_ bytes: [UInt8]) -> (parsed: Int, failures: [SluiceError]) {
        S3ResponseFuzzing.exercise(bytes)
    }

    @Test func theSamplesParse() throws {
        for sample in Self.samples.prefix(7) {
            _ = try S3XMLElement.parse(Array(sample.utf8))
        }
        let page = try S3ListPage.parse(Array(Self.samples[0].utf8))
        #expect(page.objects.map(\.key) == ["events/day=2026-12-05/part-0.parquet", "events/a&b <c> 日本"])
        #expect(page.objects.map(\.etag) == ["d41d8cd98f00b204e9800998ecf8427e", "9b2cf535f27731c974343645a3985328-3"])
        #expect(page.isTruncated && page.nextContinuationToken == "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=")
        #expect(page.commonPrefixes == ["events/day=2026-12-06/"])
        #expect(try S3DeleteObjects.failures(Array(Self.samples[4].utf8)).map(\.code) == ["AccessDenied"])
        #expect(try WebIdentityConfig.parseResponse(Array(Self.samples[6].utf8)).expiration == AmzDate.parseISO8601("2026-12-05T20:03:52Z"))
    }

    @Test func everyTruncationFails() {
        for sample in Self.samples.prefix(7) {
            let bytes = Array(sample.utf8)
            let end = bytes.lastIndex(of: UInt8(ascii: ">"))!
            for length in 0...end {
                let (parsed, failures) = Self.readEverything(Array(bytes[..<length]))
                #expect(parsed == 0, "\(length) of \(bytes.count) bytes parsed")
                #expect(failures.allSatisfy { $0.code == .s3InvalidResponse })
            }
        }
    }

    @Test func garbageFails() {
        var generator = SplitMix64(seed: 11)
        let alphabet = Array("<>/&;![]-?=\"' abcxyz#\n".utf8)
        for round in 0..<2_000 {
            let count = Int(generator.next() % 300)
            let bytes = (0..<count).map { _ in
                round.isMultiple(of: 2) ? UInt8(truncatingIfNeeded: generator.next()) : alphabet[Int(generator.next() % UInt64(alphabet.count))]
            }
            let (_, failures) = Self.readEverything(bytes)
            #expect(failures.allSatisfy { $0.code == .s3InvalidResponse })
        }
    }

    @Test func deepNestingIsRefusedNotRecursedInto() {
        for depth in [S3XMLElement.maximumDepth + 1, 10_000, 1_000_000] {
            let open = Array(String(repeating: "<a>", count: depth).utf8)
            let closed = open + Array(String(repeating: "</a>", count: depth).utf8)
            for bytes in [open, closed] {
                let error = #expect(throws: SluiceError.self) { try S3XMLElement.parse(bytes) }
                #expect(error?.code == .s3InvalidResponse && error?.message.contains("nested more than") == true,
                        "\(String(describing: error?.message))")
            }
        }
        let deepest = String(repeating: "<a>", count: S3XMLElement.maximumDepth) + String(repeating: "</a>", count: S3XMLElement.maximumDepth)
        #expect(throws: Never.self) { try S3XMLElement.parse(Array(deepest.utf8)) }
    }

    @Test func hugeInputsParseOrFailInLinearTime() throws {
        // A listing of 20,000 keys (about 2.4 MB) parses whole.
        let entries = (0..<20_000).map { number in
            "<Contents><Key>events/part-\(number).parquet</Key><LastModified>2026-12-05T19:02:48.000Z</LastModified>"
                + "<ETag>\"d41d8cd98f00b204e9800998ecf8427e\"</ETag><Size>1024</Size></Contents>"
        }
        let listing = "<ListBucketResult><IsTruncated>false</IsTruncated>" + entries.joined() + "</ListBucketResult>"
        let clock = ContinuousClock()
        let start = clock.now
        let page = try S3ListPage.parse(Array(listing.utf8))
        #expect(page.objects.count == 20_000)
        // 8 MiB of text, of entity references, of an unterminated comment, of an unterminated CDATA section.
        let big = 8 << 20
        #expect(try S3XMLElement.parse(Array(("<a>" + String(repeating: "x", count: big) + "</a>").utf8)).text.utf8.count == big)
        #expect(try S3XMLElement.parse(Array(("<a>" + String(repeating: "&amp;", count: big / 5) + "</a>").utf8)).text.utf8.count == big / 5)
        for body in ["<a><!--" + String(repeating: "-", count: big), "<a><![CDATA[" + String(repeating: "]", count: big),
                     "<a>" + String(repeating: "&", count: big), String(repeating: "<?", count: big / 2)] {
            #expect(throws: SluiceError.self) { try S3XMLElement.parse(Array(body.utf8)) }
        }
        let elapsed = clock.now - start
        #expect(elapsed < .seconds(60), "huge inputs took \(elapsed)")
    }

    @Test func randomMutationsOfRealResponsesNeverCrash() {
        var generator = SplitMix64(seed: 12)
        let inserts = ["<", ">", "</", "&", "&#x", ";", "<![CDATA[", "]]>", "<!--", "-->", "<?", "?>", "\"", "'", "\u{0}",
                       "&#1114112;", "&#xD800;", "<a>", "</a>", "<Contents>", "<Size>-9223372036854775809</Size>",
                       "<LastModified>99999-99-99T99:99:99Z</LastModified>", "<IsTruncated>true</IsTruncated>"].map { Array($0.utf8) }
        var parsedCount = 0
        for sample in Self.samples {
            let original = Array(sample.utf8)
            for _ in 0..<600 {
                var bytes = original
                for _ in 0..<(1 + Int(generator.next() % 4)) where !bytes.isEmpty {
                    let at = Int(generator.next() % UInt64(bytes.count))
                    switch generator.next() % 5 {
                    case 0: bytes[at] = UInt8(truncatingIfNeeded: generator.next())
                    case 1: bytes.removeSubrange(at..<min(bytes.count, at + 1 + Int(generator.next() % 40)))
                    case 2: bytes.insert(contentsOf: inserts[Int(generator.next() % UInt64(inserts.count))], at: at)
                    case 3: bytes.insert(contentsOf: bytes[at..<min(bytes.count, at + Int(generator.next() % 60))], at: at)
                    default: bytes.swapAt(at, Int(generator.next() % UInt64(bytes.count)))
                    }
                }
                let (parsed, failures) = Self.readEverything(bytes)
                parsedCount += parsed
                #expect(failures.allSatisfy { $0.code == .s3InvalidResponse }, "\(failures.map(\.description))")
            }
        }
        #expect(parsedCount > 0, "some mutations still parse")
    }
}
