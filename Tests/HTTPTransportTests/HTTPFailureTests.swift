import Foundation
import HTTPTransport
import SluiceCore
import Testing

/// Transport failures against real sockets: nothing listening, a listener that never accepts, a server
/// that is slow or stalls, a TLS server with a self-signed certificate, and a cancelled task.
@Suite struct HTTPFailureTests {
    let client = HTTPClient()

    @Test func connectionRefusedNamesHostAndPortWithoutCredentials() async throws {
        let port = try TestSupport.closedPort()
        let request = HTTPRequest(url: "http://etl:hunter2@127.0.0.1:\(port)/x?password=hunter2",
                                  credentials: .init(user: "etl", password: "hunter2"))
        let error = await #expect(throws: SluiceError.self) { try await client.execute(request) }
        #expect(error?.code == .httpUnreachable && error?.retryable == true)
        #expect(error?.message == "cannot connect to 127.0.0.1:\(port) (connection refused)")
        #expect(error.map { !"\($0)".contains("hunter2") } == true)
    }

    @Test func unknownHost() async {
        let error = await #expect(throws: SluiceError.self) {
            try await client.execute(HTTPRequest(url: "http://no-such-host.invalid:8123/"))
        }
        #expect(error?.code == .httpUnreachable)
        #expect(error?.message.contains("no-such-host.invalid:8123") == true)
    }

    @Test func connectTimeout() async throws {
        let blackhole = try TestHTTPServer(certificate: "blackhole")
        let request = HTTPRequest(url: "http://127.0.0.1:\(blackhole.port)/", timeouts: .init(connect: .milliseconds(400)))
        let error = await #expect(throws: SluiceError.self) { try await client.execute(request) }
        #expect(error?.code == .httpUnreachable)
        #expect(error?.message == "cannot connect to 127.0.0.1:\(blackhole.port) (connect timeout)")
    }

    @Test func totalTimeout() async throws {
        let server = try TestHTTPServer()
        // Without the limit the server would answer 200 after 30 s.
        let request = HTTPRequest(url: "\(server.base)/slow?s=30", timeouts: .init(total: .milliseconds(500)))
        let error = await #expect(throws: SluiceError.self) { try await client.execute(request) }
        #expect(error?.code == .httpTimeout)
        #expect(error?.message.contains("127.0.0.1:\(server.port)") == true)
        // The same on a reused connection: still a timeout, not "cannot connect".
        let warm = HTTPClient(configuration: .init(maxIdleConnectionTime: .seconds(60)))
        _ = try await warm.execute(HTTPRequest(url: "\(server.base)/hello"))
        let reused = await #expect(throws: SluiceError.self) { try await warm.execute(request) }
        #expect(reused?.code == .httpTimeout)
    }

    @Test func lowSpeedLimitCatchesAStalledResponse() async throws {
        let server = try TestHTTPServer()
        let request = HTTPRequest(url: "\(server.base)/stall",
                                  timeouts: .init(lowSpeed: .init(bytesPerSecond: 100, duration: .seconds(1))))
        let error = await #expect(throws: SluiceError.self) { try await client.execute(request) }
        #expect(error?.code == .httpTimeout)
    }

    @Test func tlsVerification() async throws {
        let (certificate, serverPEM) = try TestSupport.selfSignedCertificate()
        let server = try TestHTTPServer(certificate: serverPEM)
        let request = HTTPRequest(url: "\(server.base)/hello")

        let error = await #expect(throws: SluiceError.self) { try await client.execute(request) }
        #expect(error?.code == .httpTLS)
        #expect(error?.message == "TLS with 127.0.0.1:\(server.port) failed")

        let trusting = HTTPClient(configuration: .init(tls: .init(caFile: certificate)))
        #expect(try await trusting.execute(request).bodyText == "hello")

        let insecure = HTTPClient(configuration: .init(tls: .init(insecureSkipVerify: true)))
        #expect(try await insecure.execute(request).bodyText == "hello")
    }

    @Test func plainHTTPToATLSServerIsATransferError() async throws {
        let (_, serverPEM) = try TestSupport.selfSignedCertificate()
        let server = try TestHTTPServer(certificate: serverPEM)
        let error = await #expect(throws: SluiceError.self) {
            try await client.execute(HTTPRequest(url: "http://127.0.0.1:\(server.port)/hello",
                                                   timeouts: .init(total: .seconds(5))))
        }
        #expect(error?.code == .httpTransfer || error?.code == .httpTimeout)
    }

    @Test func cancellingTheTaskAbortsTheRequest() async throws {
        let server = try TestHTTPServer()
        let client = client
        let task = Task { try await client.execute(HTTPRequest(url: "\(server.base)/slow?s=30")) }
        try await Task.sleep(for: .milliseconds(300))
        let cancelled = ContinuousClock.now
        task.cancel()
        let result = await task.result
        // libcurl calls the progress callback about once a second while it waits; allow for a loaded machine.
        #expect(ContinuousClock.now - cancelled < .seconds(15))
        guard case .failure(let error as SluiceError) = result else {
            Issue.record("expected a SluiceError, got \(result)")
            return
        }
        #expect(error.code == .httpCancelled)
    }
}
