import Foundation
import HTTPTransport
import SluiceCore
import Synchronization
import Testing

/// Requests against a real HTTP/1.1 server (Python's http.server in a subprocess).
@Suite struct HTTPClientTests {
    /// One server for the whole suite (it exits with the test process).
    static let sharedServer = Result { try TestHTTPServer() }

    let server: TestHTTPServer
    let client = HTTPClient()

    init() throws {
        server = try Self.sharedServer.get()
    }

    @Test func simpleGet() async throws {
        let response = try await client.execute(HTTPRequest(url: "\(server.base)/hello"))
        #expect(response.status == 200)
        #expect(response.bodyText == "hello")
        #expect(response.headers["content-length"] == "5")
    }

    @Test func postBytesWithCustomHeaders() async throws {
        let body = Array("payload \u{1F30A} ü".utf8)
        let request = HTTPRequest(method: .post, url: "\(server.base)/echo", headers: ["X-Custom": "v 1"], body: .bytes(body))
        // The blocking entry point, on a thread of its own as callers must use it.
        let response = try await BlockingIO.run { () throws(SluiceError) -> HTTPResponse in try client.executeBlocking(request) }
        #expect(response.status == 200)
        #expect(response.body == body)
        #expect(response.headers["X-Got-Length"] == String(body.count))
        #expect(response.headers["X-Got-Chunked"] == "0")
        #expect(response.headers["X-Got-Custom"] == "v 1")
        #expect(response.headers["X-Got-Content-Type"] == "application/octet-stream")
        #expect(response.headers["X-Got-Expect"] == "<absent>")
    }

    @Test func putBytesAndEmptyPut() async throws {
        let body = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let put = try await client.execute(HTTPRequest(method: .put, url: "\(server.base)/echo",
                                                         headers: ["Content-Type": "application/x-parquet"], body: .bytes(body)))
        #expect(put.headers["X-Got-Method"] == "PUT")
        #expect(put.headers["X-Got-Content-Type"] == "application/x-parquet")
        #expect(put.body == body)
        let empty = try await client.execute(HTTPRequest(method: .put, url: "\(server.base)/echo"))
        #expect(empty.headers["X-Got-Length"] == "0")
        #expect(empty.headers["X-Got-Chunked"] == "0")
    }

    @Test func headDeleteAndCustomMethods() async throws {
        let head = try await client.execute(HTTPRequest(method: .head, url: "\(server.base)/hello"))
        #expect(head.status == 200)
        #expect(head.headers["X-Head"] == "1")
        #expect(head.body.isEmpty)
        let delete = try await client.execute(HTTPRequest(method: .delete, url: "\(server.base)/echo"))
        #expect(delete.headers["X-Got-Method"] == "DELETE")
        #expect(delete.headers["X-Got-Length"] == "0")
        let patch = try await client.execute(HTTPRequest(method: HTTPMethod("PATCH"), url: "\(server.base)/echo", body: .bytes([1, 2, 3])))
        #expect(patch.headers["X-Got-Method"] == "PATCH")
        #expect(patch.body == [1, 2, 3])
    }

    /// A 12 MB body pulled from a producer in uneven pieces, sent chunked (unknown length) and with a
    /// Content-Length (known length); the server echoes it and it must come back byte for byte.
    @Test(arguments: [false, true])
    func streamingUpload(knownLength: Bool) async throws {
        let total = 12_000_017
        let source = PatternSource(total: total)
        let request = HTTPRequest(method: .post, url: "\(server.base)/echo",
                                  body: .stream(length: knownLength ? Int64(total) : nil) { buffer in source.fill(buffer) })
        let response = try await client.execute(request)
        #expect(response.status == 200)
        #expect(response.headers["X-Got-Length"] == String(total))
        #expect(response.headers["X-Got-Chunked"] == (knownLength ? "0" : "1"))
        #expect(response.body.count == total)
        #expect(response.body == PatternSource.expected(total))
        #expect(source.calls > 1)
    }

    @Test func streamingDownloadOfChunkedResponse() async throws {
        let total = 5_000_000
        let received = Mutex<(count: Int, mismatch: Int?)>((0, nil))
        let request = HTTPRequest(url: "\(server.base)/bytes?n=\(total)", responseBody: .stream { bytes in
            received.withLock { state in
                for (i, byte) in bytes.enumerated() where state.mismatch == nil && byte != UInt8((state.count + i) % 251) {
                    state.mismatch = state.count + i
                }
                state.count += bytes.count
            }
        })
        let response = try await client.execute(request)
        #expect(response.status == 200)
        #expect(response.headers["Transfer-Encoding"] == "chunked")
        #expect(response.body.isEmpty)
        #expect(received.withLock { $0.count } == total)
        #expect(received.withLock { $0.mismatch } == nil)
    }

    @Test func collectedChunkedResponse() async throws {
        let response = try await client.execute(HTTPRequest(url: "\(server.base)/bytes?n=100000"))
        #expect(response.body == (0..<100_000).map { UInt8($0 % 251) })
    }

    @Test func rangeGet() async throws {
        let response = try await client.execute(.rangeGet(url: "\(server.base)/range", range: 990..<1000))
        #expect(response.status == 206)
        #expect(response.headers["Content-Range"] == "bytes 990-999/1000")
        #expect(response.body == (990..<1000).map { UInt8($0 % 251) })
    }

    @Test func basicAuthentication() async throws {
        let request = HTTPRequest(url: "\(server.base)/auth", credentials: .init(user: "etl", password: "pä:ss"))
        let response = try await client.execute(request)
        #expect(response.bodyText == "Basic " + Data("etl:pä:ss".utf8).base64EncodedString())
    }

    @Test func errorStatusIsAResponseAndRequireSuccessNamesIt() async throws {
        let request = HTTPRequest(url: "\(server.base)/status/404")
        let response = try await client.execute(request)
        #expect(response.status == 404)
        #expect(response.bodyText == "status 404 body")
        let error = #expect(throws: SluiceError.self) { try response.requireSuccess(for: request) }
        #expect(error?.code == .httpStatus)
        #expect(error?.message.contains("HTTP 404") == true)
        #expect(error?.underlying == "status 404 body")
    }

    @Test func errorBodyOfAStreamedRequestIsCollected() async throws {
        let consumed = Mutex(0)
        let request = HTTPRequest(url: "\(server.base)/status/503", responseBody: .stream { bytes in
            consumed.withLock { $0 += bytes.count }
        })
        let response = try await client.execute(request)
        #expect(response.status == 503)
        #expect(response.bodyText == "status 503 body")
        #expect(consumed.withLock { $0 } == 0)
    }

    @Test func responseLargerThanLimitFails() async {
        let request = HTTPRequest(url: "\(server.base)/bytes?n=200000", responseBody: .collect(limit: 100_000))
        let error = await #expect(throws: SluiceError.self) { try await client.execute(request) }
        #expect(error?.code == .httpResponseTooLarge)
    }

    @Test func producerErrorIsWhatTheRequestThrows() async {
        let calls = Mutex(0)
        let request = HTTPRequest(method: .post, url: "\(server.base)/echo", body: .stream(length: nil) { (buffer) throws(SluiceError) -> Int in
            let n = calls.withLock { $0 += 1; return $0 }
            if n == 3 { throw SluiceError(.invalidValue, "bad row", context: ErrorContext(column: "c", row: 7)) }
            buffer.initializeMemory(as: UInt8.self, repeating: 1)
            return buffer.count
        })
        let error = await #expect(throws: SluiceError.self) { try await client.execute(request) }
        #expect(error?.code == .invalidValue)
        #expect(error?.context.row == 7)
    }

    @Test func producerThatEndsEarlyFailsAKnownLengthRequest() async {
        let request = HTTPRequest(method: .post, url: "\(server.base)/echo", body: .stream(length: 100) { _ in 0 })
        let error = await #expect(throws: SluiceError.self) { try await client.execute(request) }
        #expect(error?.message.contains("ended after 0 of the declared 100 bytes") == true)
    }

    @Test func consumerErrorIsWhatTheRequestThrows() async {
        let request = HTTPRequest(url: "\(server.base)/bytes?n=1000000", responseBody: .stream { (_) throws(SluiceError) in
            throw SluiceError(.invalidValue, "disk full")
        })
        let error = await #expect(throws: SluiceError.self) { try await client.execute(request) }
        #expect(error?.message == "disk full")
    }

    @Test func connectionsAreReused() async throws {
        // Idle connections normally expire after 2 s; allow more on a loaded test machine.
        // The shared test server may drop an idle connection while dozens of other tests load it, so
        // try a few fresh clients: reuse must happen, though not necessarily on the first try.
        var client = HTTPClient(configuration: .init(maxIdleConnectionTime: .seconds(60)))
        var first = try await client.execute(HTTPRequest(url: "\(server.base)/peer"))
        var second = try await client.execute(HTTPRequest(url: "\(server.base)/peer"))
        for _ in 0..<4 where !second.reusedConnection {
            client = HTTPClient(configuration: .init(maxIdleConnectionTime: .seconds(60)))
            first = try await client.execute(HTTPRequest(url: "\(server.base)/peer"))
            second = try await client.execute(HTTPRequest(url: "\(server.base)/peer"))
        }
        #expect(!first.reusedConnection)
        #expect(second.reusedConnection)
        #expect(first.bodyText == second.bodyText)
        #expect(client.idleHandleCount == 1)
        // After the server closes the connection, the next request opens a new one.
        _ = try await client.execute(HTTPRequest(url: "\(server.base)/close"))
        let third = try await client.execute(HTTPRequest(url: "\(server.base)/peer"))
        #expect(!third.reusedConnection)
        #expect(third.bodyText != first.bodyText)
    }

    @Test func concurrentRequestsEachGetAHandle() async throws {
        let client = HTTPClient(configuration: .init(maxIdleHandles: 3))
        let bodies = try await withThrowingTaskGroup(of: [UInt8].self) { group in
            for i in 0..<12 {
                group.addTask {
                    try await client.execute(HTTPRequest(method: .post, url: "\(server.base)/echo", body: .bytes(Array("r\(i)".utf8)))).body
                }
            }
            return try await group.reduce(into: Set<[UInt8]>()) { $0.insert($1) }
        }
        #expect(bodies.count == 12)
        #expect(client.idleHandleCount <= 3)
    }

    @Test func invalidRequestsAreRejectedBeforeSending() async {
        let scheme = await #expect(throws: SluiceError.self) { try await client.execute(HTTPRequest(url: "file:///etc/passwd")) }
        #expect(scheme?.code == .httpInvalidRequest)
        let header = await #expect(throws: SluiceError.self) {
            try await client.execute(HTTPRequest(url: "\(server.base)/hello", headers: ["X-A": "1\r\nX-B: 2"]))
        }
        #expect(header?.code == .httpInvalidRequest)
        let space = await #expect(throws: SluiceError.self) { try await client.execute(HTTPRequest(url: "\(server.base)/a b")) }
        #expect(space?.code == .httpInvalidRequest)
    }
}

/// Deterministic bytes handed out in uneven pieces, counting the calls.
final class PatternSource: Sendable {
    private let state = Mutex<(offset: Int, calls: Int)>((0, 0))
    let total: Int

    init(total: Int) { self.total = total }

    var calls: Int { state.withLock { $0.calls } }

    func fill(_ buffer: UnsafeMutableRawBufferPointer) -> Int {
        state.withLock { state in
            state.calls += 1
            // Uneven sizes: sometimes less than the buffer, never more.
            let want = min(buffer.count, total - state.offset, state.calls % 3 == 0 ? 1000 : buffer.count)
            for i in 0..<want { buffer[i] = Self.byte(at: state.offset + i) }
            state.offset += want
            return want
        }
    }

    static func byte(at index: Int) -> UInt8 { UInt8(truncatingIfNeeded: index &* 2_654_435_761 >> 7) }

    static func expected(_ total: Int) -> [UInt8] { (0..<total).map(byte(at:)) }
}
