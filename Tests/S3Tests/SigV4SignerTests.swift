import Crypto
import HTTPTransport
import S3
import Testing

/// The examples of "Signature Calculations for the Authorization Header" in the S3 API reference
/// (https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html), with their published signatures.
struct SigV4SignerTests {
    let credentials = AWSCredentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    let date = AmzDate(secondsSinceEpoch: 1_369_353_600)  // 2013-05-24T00:00:00Z
    let signer = SigV4Signer(region: "us-east-1")
    let host = ("host", "examplebucket.s3.amazonaws.com")

    @Test func dateSpellings() {
        #expect(date.timestamp == "20130524T000000Z")
        #expect(date.dateStamp == "20130524")
        #expect(AmzDate.parseISO8601("2013-05-24T00:00:00.000Z") == date)
        #expect(AmzDate.parseISO8601("2013-05-24T02:00:00+02:00") == date)
        #expect(AmzDate(secondsSinceEpoch: 1_700_000_000).timestamp == "20231114T221320Z")
    }

    @Test func getObjectWithRange() {
        let request = SigV4Signer.Request(
            method: "GET", encodedPath: "/test.txt",
            headers: [host, ("Range", "bytes=0-9"), ("x-amz-content-sha256", SigV4Signer.emptyPayloadHash), ("x-amz-date", "20130524T000000Z")],
            payloadHash: SigV4Signer.emptyPayloadHash)
        #expect(signer.canonicalRequest(request) == """
            GET
            /test.txt

            host:examplebucket.s3.amazonaws.com
            range:bytes=0-9
            x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            x-amz-date:20130524T000000Z

            host;range;x-amz-content-sha256;x-amz-date
            e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            """)
        #expect(signer.stringToSign(request, date: date) == """
            AWS4-HMAC-SHA256
            20130524T000000Z
            20130524/us-east-1/s3/aws4_request
            7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972
            """)
        #expect(signer.signature(request, date: date, credentials: credentials)
            == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
        #expect(signer.authorization(request, date: date, credentials: credentials)
            == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    @Test func putObject() {
        let payload = Array("Welcome to Amazon S3.".utf8)
        let hash = SigV4Signer.sha256Hex(payload)
        #expect(hash == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
        let endpoint = try! S3Endpoint(url: "https://s3.amazonaws.com", addressing: .virtualHosted)
        let location = endpoint.location(bucket: "examplebucket", key: "test$file.text")
        #expect(location.encodedPath == "/test%24file.text")
        #expect(location.host == "examplebucket.s3.amazonaws.com")
        let request = SigV4Signer.Request(
            method: "PUT", encodedPath: location.encodedPath,
            headers: [("Date", "Fri, 24 May 2013 00:00:00 GMT"), host, ("x-amz-date", "20130524T000000Z"),
                      ("x-amz-storage-class", "REDUCED_REDUNDANCY"), ("x-amz-content-sha256", hash)],
            payloadHash: hash)
        #expect(signer.signature(request, date: date, credentials: credentials)
            == "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
    }

    @Test func getBucketLifecycle() {
        let request = SigV4Signer.Request(
            method: "GET", encodedPath: "/", query: [("lifecycle", "")],
            headers: [host, ("x-amz-date", "20130524T000000Z"), ("x-amz-content-sha256", SigV4Signer.emptyPayloadHash)],
            payloadHash: SigV4Signer.emptyPayloadHash)
        #expect(signer.canonicalRequest(request).contains("\n/\nlifecycle=\nhost:"))
        #expect(signer.signature(request, date: date, credentials: credentials)
            == "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543")
    }

    @Test func listObjects() {
        let request = SigV4Signer.Request(
            method: "GET", encodedPath: "/", query: [("prefix", "J"), ("max-keys", "2")],
            headers: [host, ("x-amz-date", "20130524T000000Z"), ("x-amz-content-sha256", SigV4Signer.emptyPayloadHash)],
            payloadHash: SigV4Signer.emptyPayloadHash)
        #expect(signer.canonicalRequest(request).contains("\nmax-keys=2&prefix=J\n"))
        #expect(signer.signature(request, date: date, credentials: credentials)
            == "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")
    }

    /// The signing-key example of the general SigV4 documentation ("Examples of how to derive a signing key").
    @Test func signingKey() {
        let key = SigV4Signer(region: "us-east-1", service: "iam")
            .signingKey(secret: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", date: AmzDate(secondsSinceEpoch: 1_329_264_000))
        let bytes = key.withUnsafeBytes { Array($0) }
        #expect(bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
            == "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d")
    }

    @Test func canonicalHeadersFoldSpacesAndJoinRepeats() {
        let headers = SigV4Signer.canonicalHeaders([("X-Amz-Meta-A", "  a   b  "), ("Host", "h"), ("x-amz-meta-a", "c")])
        #expect(headers.lines == "host:h\nx-amz-meta-a:a b,c\n")
        #expect(headers.signed == "host;x-amz-meta-a")
    }

    @Test func queryIsSortedAndEncoded() {
        #expect(SigV4Signer.canonicalQuery([("prefix", "a/b c"), ("list-type", "2"), ("continuation-token", "x+y=")])
            == "continuation-token=x%2By%3D&list-type=2&prefix=a%2Fb%20c")
        #expect(SigV4Signer.canonicalQuery([("uploads", "")]) == "uploads=")
    }

    @Test func signAddsTheAmzHeadersAndTheToken() {
        var headers: HTTPHeaders = ["Host": "127.0.0.1:9000"]
        let temporary = AWSCredentials(accessKeyID: "ASIA", secretAccessKey: "s", sessionToken: "tok")
        signer.sign(method: "GET", encodedPath: "/b/k", query: [], headers: &headers, payloadHash: SigV4Signer.unsignedPayload,
                    date: date, credentials: temporary)
        #expect(headers["x-amz-security-token"] == "tok")
        #expect(headers["x-amz-content-sha256"] == "UNSIGNED-PAYLOAD")
        #expect(headers["Authorization"]?.contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,") == true)
    }
}
