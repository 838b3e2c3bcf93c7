@testable import HTTPTransport
import Testing

@Suite struct URLTextTests {
    @Test(arguments: [
        ("http://user:secret@example.com:8123/path?q=1", "http://example.com:8123/path?q=1"),
        ("https://u@host/", "https://host/"),
        ("http://a:b@c@host:1/x", "http://host:1/x"),
        ("http://host/?user=etl&password=etlpw&query=SELECT", "http://host/?user=etl&password=***&query=SELECT"),
        ("https://s3/b/k?X-Amz-Signature=abc&X-Amz-Credential=AK%2F&x=1", "https://s3/b/k?X-Amz-Signature=***&X-Amz-Credential=***&x=1"),
        ("http://host:80/p#frag", "http://host:80/p"),
        ("http://[::1]:8123/", "http://[::1]:8123/"),
    ])
    func redactsCredentials(url: String, expected: String) {
        #expect(URLText.redacted(url) == expected)
    }

    @Test(arguments: [
        ("http://user:pw@example.com/x", "example.com:80"),
        ("https://example.com", "example.com:443"),
        ("HTTPS://example.com?x", "example.com:443"),
        ("http://127.0.0.1:28123/?query=1", "127.0.0.1:28123"),
        ("http://[::1]/", "[::1]:80"),
        ("http://[::1]:9000/", "[::1]:9000"),
    ])
    func hostAndPort(url: String, expected: String) {
        #expect(URLText.hostAndPort(url) == expected)
    }

    @Test func credentialsNeverPrinted() {
        let credentials = HTTPRequest.BasicCredentials(user: "etl", password: "hunter2")
        #expect(!"\(credentials)".contains("hunter2"))
        let request = HTTPRequest(url: "http://etl:hunter2@host/?password=hunter2", credentials: credentials)
        #expect(!request.redactedDescription.contains("hunter2"))
    }
}

@Suite struct HTTPHeadersTests {
    @Test func caseInsensitiveLookupKeepsOrderAndSpelling() {
        var headers: HTTPHeaders = ["Content-Type": "text/plain", "X-A": "1"]
        headers.add(name: "x-a", value: "2")
        #expect(headers["content-type"] == "text/plain")
        #expect(headers.values(of: "X-A") == ["1", "2"])
        headers.replaceOrAdd(name: "X-a", value: "3")
        #expect(headers.values(of: "x-A") == ["3"])
        #expect(headers.fields.map(\.name) == ["Content-Type", "X-a"])
        headers.remove(name: "CONTENT-TYPE")
        #expect(headers.count == 1)
    }

    @Test func rejectsInjection() {
        #expect(HTTPHeaders.isValid(name: "X-Ok", value: "a b\tc"))
        #expect(!HTTPHeaders.isValid(name: "X-Bad", value: "a\r\nX-Evil: 1"))
        #expect(!HTTPHeaders.isValid(name: "X Bad", value: "1"))
        #expect(!HTTPHeaders.isValid(name: "", value: "1"))
        #expect(!HTTPHeaders.isValid(name: "X:Bad", value: "1"))
    }

    @Test func durationsRoundUpToMilliseconds() {
        #expect(Duration.seconds(2).roundedUpMilliseconds == 2000)
        #expect(Duration.microseconds(1500).roundedUpMilliseconds == 2)
        #expect(Duration.nanoseconds(1).roundedUpMilliseconds == 1)
        #expect(Duration.zero.roundedUpMilliseconds == 1)
    }

    @Test func excerptCutsLongBodies() {
        #expect(HTTPResponse.excerpt(of: Array("short\n".utf8)) == "short")
        let long = HTTPResponse.excerpt(of: Array(repeating: UInt8(ascii: "x"), count: 600), limit: 10)
        #expect(long == "xxxxxxxxxx...")
    }
}
