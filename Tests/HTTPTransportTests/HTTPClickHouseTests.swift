import Foundation
import HTTPTransport
import SluiceCore
import Testing

/// The transport against the ClickHouse 18.16 server started by `scripts/services.sh start`.
@Suite struct HTTPClickHouseTests {
    static func environment() throws -> (url: String, user: String, password: String) {
        let env = ProcessInfo.processInfo.environment
        guard let url = env["SLUICE_CLICKHOUSE_URL"], let user = env["SLUICE_CLICKHOUSE_USER"],
              let password = env["SLUICE_CH_PASSWORD"] else {
            Issue.record("SLUICE_CLICKHOUSE_URL / SLUICE_CLICKHOUSE_USER / SLUICE_CH_PASSWORD are not set: run scripts/services.sh start and source /tmp/sluice-services/services.env")
            throw CancellationError()
        }
        return (url, user, password)
    }

    @Test func pingAndQuery() async throws {
        let (url, user, password) = try Self.environment()
        let client = HTTPClient()
        let ping = try await client.execute(HTTPRequest(url: "\(url)/ping"))
        #expect(ping.status == 200)
        #expect(ping.bodyText == "Ok.\n")
        let query = HTTPRequest(method: .post, url: "\(url)/", body: .bytes(Array("SELECT 1 + 1".utf8)),
                                credentials: .init(user: user, password: password))
        let response = try await client.execute(query)
        try response.requireSuccess(for: query)
        #expect(response.bodyText == "2\n")
    }

    @Test func streamedChunkedInsertBodyAndWrongPassword() async throws {
        let (url, user, password) = try Self.environment()
        let client = HTTPClient()
        let credentials = HTTPRequest.BasicCredentials(user: user, password: password)
        // A chunked POST body holding the query itself (about 110 KB, under max_query_size), handed out
        // in pieces of at most 997 bytes: 20,000 numbers summed by the server.
        let text = Array(("SELECT sum(x) FROM (SELECT arrayJoin([" + (1...20_000).map(String.init).joined(separator: ",") + "]) AS x)").utf8)
        let offset = SendableBox(0)
        let request = HTTPRequest(method: .post, url: "\(url)/", body: .stream(length: nil) { buffer in
            offset.update { position in
                let n = min(buffer.count, text.count - position, 997)
                buffer.copyBytes(from: text[position..<position + n])
                position += n
                return n
            }
        }, credentials: credentials)
        let response = try await client.execute(request)
        #expect(response.bodyText == "200010000\n")

        let wrong = HTTPRequest(method: .post, url: "\(url)/", body: .bytes(Array("SELECT 1".utf8)),
                                credentials: .init(user: user, password: "wrong"))
        let denied = try await client.execute(wrong)
        #expect(denied.status == 401 || denied.status == 500)
        #expect(denied.bodyText.contains("Code: 193"))
    }
}

/// A lock-protected value for test closures.
final class SendableBox<Value: Sendable>: @unchecked Sendable {
    // @unchecked: every access holds `lock`.
    private var value: Value
    private let lock = NSLock()

    init(_ value: Value) { self.value = value }

    func update<R>(_ body: (inout Value) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}
