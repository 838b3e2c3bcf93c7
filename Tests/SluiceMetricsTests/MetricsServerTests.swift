import NIOCore
import NIOPosix
import SluiceCore
import SluiceMetrics
import Testing

/// The server over a real loopback socket: requests on a kept-alive connection, a closing one, a taken port, and a
/// server that stops when its task is cancelled.
@Suite struct MetricsServerTests {
    let routes = MetricsRoutes(exposition: { "sluice_up 1\n" }, readiness: { Readiness(ready: false, reason: "stopping") })

    @Test func answersRequestAfterRequestOnOneConnectionThenCloses() async throws {
        let server = try await MetricsServer.bind(host: "127.0.0.1", port: 0)
        #expect(server.port > 0, "port 0 becomes the port the system chose")
        let serving = Task { try await server.serve(routes) }
        defer { serving.cancel() }
        let text = try await RawHTTP.exchange(port: server.port, """
            GET /metrics HTTP/1.1\r\nHost: x\r\n\r\nGET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n
            """)
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(text)")
        #expect(text.contains("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"))
        #expect(text.contains("\r\n\r\nsluice_up 1\n"))
        #expect(text.contains("HTTP/1.1 503 Service Unavailable\r\n"), "the second request was answered on the same connection")
        #expect(text.hasSuffix("not ready: stopping\n"), "then the server closed the connection: \(text)")
    }

    @Test func aHeadRequestGetsTheLengthButNoBody() async throws {
        let server = try await MetricsServer.bind(host: "127.0.0.1", port: 0)
        let serving = Task { try await server.serve(routes) }
        defer { serving.cancel() }
        let text = try await RawHTTP.exchange(port: server.port, "HEAD /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n") && text.contains("Content-Length: 3\r\n"), "\(text)")
        #expect(text.hasSuffix("\r\n\r\n"), "no body: \(text)")
    }

    @Test func aTakenPortIsAnErrorNamingTheAddress() async throws {
        let first = try await MetricsServer.bind(host: "127.0.0.1", port: 0)
        let serving = Task { try await first.serve(routes) }
        defer { serving.cancel() }
        await #expect {
            _ = try await MetricsServer.bind(host: "127.0.0.1", port: first.port)
        } throws: { error in
            (error as? SluiceError)?.code == .metricsListenFailed && "\(error)".contains("127.0.0.1:\(first.port)")
        }
    }

    @Test func cancellingServeClosesTheListeningSocket() async throws {
        let server = try await MetricsServer.bind(host: "127.0.0.1", port: 0)
        let serving = Task { try await server.serve(routes) }
        _ = try await RawHTTP.exchange(port: server.port, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        serving.cancel()
        _ = try? await serving.value
        await #expect(throws: (any Error).self) {
            _ = try await RawHTTP.exchange(port: server.port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        }
    }
}

/// Sends bytes as written and reads until the server closes the connection.
enum RawHTTP {
    static func exchange(port: Int, _ request: String) async throws -> String {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: request))
            var text = ""
            for try await buffer in inbound { text += String(buffer: buffer) }
            return text
        }
    }
}
