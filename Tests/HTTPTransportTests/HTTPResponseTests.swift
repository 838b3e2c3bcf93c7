import HTTPTransport
import SluiceCore
import Testing

@Suite struct HTTPResponseTests {
    @Test(arguments: [(500, true), (502, true), (503, true), (504, true), (408, true), (429, true),
                      (400, false), (401, false), (403, false), (404, false), (413, false), (301, false)])
    func anUnexpectedStatusIsRetryableWhenTheServerFailed(status: Int, retryable: Bool) {
        let error = HTTPResponse(status: status, body: Array("nope".utf8)).statusError(for: HTTPRequest(url: "http://h:1/x"))
        #expect(error.code == .httpStatus && error.retryable == retryable)
        #expect(error.message.hasPrefix("HTTP \(status) from"))
    }
}
