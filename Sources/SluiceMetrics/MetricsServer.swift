public import NIOCore
import NIOHTTP1
import NIOPosix
public import SluiceCore

/// A tiny HTTP/1.1 server for ``MetricsRoutes``: Prometheus scrapes and Kubernetes probes, nothing else. It binds in
/// ``bind(host:port:eventLoopGroup:)`` (so a port already taken fails before the run starts, and port 0's choice is
/// known at once) and serves in ``serve(_:)`` until that task is cancelled: one child task per connection, in a
/// discarding task group, the shape of SwiftNIO's `NIOTCPEchoServer`. Keep-alive connections (Prometheus keeps
/// one open between scrapes) are answered request after request; request bodies are read and ignored.
public final class MetricsServer: Sendable {
    typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    /// The address it listens on, as given (`0.0.0.0`).
    public let host: String
    /// The port it listens on: the one the system chose when bound to port 0.
    public let port: Int
    private let listener: NIOAsyncChannel<Connection, Never>

    private init(host: String, port: Int, listener: NIOAsyncChannel<Connection, Never>) {
        self.host = host
        self.port = port
        self.listener = listener
    }

    /// Listens on `host:port` (0: any free port; see ``port``), on NIO's shared event loops unless given others.
    /// - Throws: `metrics_listen_failed` naming the address (taken, not local, not an address).
    public static func bind(host: String, port: Int, eventLoopGroup: (any EventLoopGroup)? = nil) async throws(SluiceError) -> MetricsServer {
        do {
            let listener = try await ServerBootstrap(group: eventLoopGroup ?? MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .bind(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                        return try Connection(wrappingChannelSynchronously: channel)
                    }
                }
            return MetricsServer(host: host, port: listener.channel.localAddress?.port ?? port, listener: listener)
        } catch {
            throw SluiceError(.metricsListenFailed, "cannot serve metrics on \(host):\(port)", underlying: "\(error)")
        }
    }

    /// Answers requests with `routes` until the calling task is cancelled, then closes the listening socket and
    /// every open connection.
    public func serve(_ routes: MetricsRoutes) async throws {
        try await withThrowingDiscardingTaskGroup { group in
            try await listener.executeThenClose { connections in
                for try await connection in connections {
                    group.addTask { await Self.answer(connection, routes: routes) }
                }
            }
        }
    }

    /// One connection: each complete request gets its response, until the client closes or asks to.
    private static func answer(_ connection: Connection, routes: MetricsRoutes) async {
        // A client that goes away mid-request is no error of ours.
        try? await connection.executeThenClose { inbound, outbound in
            var request: HTTPRequestHead?
            for try await part in inbound {
                switch part {
                case .head(let head):
                    request = head
                case .body:
                    continue
                case .end:
                    guard let head = request else { continue }
                    request = nil
                    let response = await routes.respond(method: head.method.rawValue, uri: head.uri)
                    try await write(response, to: head, on: outbound)
                    if !head.isKeepAlive { return }
                }
            }
        }
    }

    private static func write(_ response: MetricsResponse, to request: HTTPRequestHead,
                              on outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>) async throws {
        let body = ByteBuffer(string: response.body)
        var headers = HTTPHeaders([("Content-Type", response.contentType), ("Content-Length", "\(body.readableBytes)")])
        if !request.isKeepAlive { headers.add(name: "Connection", value: "close") }
        let head = HTTPResponseHead(version: request.version, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
        try await outbound.write(.head(head))
        if request.method != .HEAD { try await outbound.write(.body(.byteBuffer(body))) }
        try await outbound.write(.end(nil))
    }
}

extension SluiceError.Code {
    /// The metrics port is taken or the address cannot be bound: a configuration problem, not worth a retry.
    public static let metricsListenFailed = Self("metrics_listen_failed", retryable: false)
}
