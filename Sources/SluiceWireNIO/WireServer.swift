public import Logging
public import NIOCore
import NIOPosix
import SluiceCore
public import SluiceWire

/// The driver's listening side of the wire protocol: accepts executor connections, runs each handshake on
/// its event loop, and yields only authenticated connections.
///
/// ```swift
/// let server = try await WireServer.start(host: "0.0.0.0", port: 7077, secret: secret, logger: logger)
/// try await withThrowingDiscardingTaskGroup { group in
///     for await connection in server.connections {
///         group.addTask { try await connection.executeThenClose { inbound, outbound in ... } }
///     }
/// }
/// ```
///
/// No task runs inside the server: accepting, handshakes, heartbeats and timeouts happen on NIO event loops,
/// so the caller's structured concurrency owns every connection it takes. A handshake that fails (wrong
/// secret, no common version, garbage, timeout) is logged (`executor handshake failed`) and closed; the
/// peer gets an ERROR frame saying why, and the server goes on serving others.
public final class WireServer: Sendable {
    /// The address the server listens on.
    public let localAddress: SocketAddress
    /// The port the server listens on (the one the system chose when started with port 0).
    public let port: Int
    /// Authenticated executor connections, in the order their handshakes completed. A single consumer;
    /// ends when the server is closed.
    public let connections: AsyncStream<ExecutorConnection>

    private let channel: any Channel
    private let registry: Registry

    private init(channel: any Channel, localAddress: SocketAddress, connections: AsyncStream<ExecutorConnection>, registry: Registry) {
        self.channel = channel
        self.localAddress = localAddress
        self.port = localAddress.port ?? 0
        self.connections = connections
        self.registry = registry
    }

    deinit {
        for pending in registry.close() { pending.close(promise: nil) }
        channel.close(promise: nil)
    }

    /// Starts listening on `host:port` (port 0 lets the system choose; see ``port``).
    ///
    /// - Parameters:
    ///   - secret: the cluster's shared secret; executors must prove they know it.
    ///   - tls: the listener's certificate and key (nil: plain TCP); executors then connect with TLS.
    ///   - configuration: frame limit, heartbeat interval and misses, handshake timeout.
    ///   - eventLoopGroup: where connections' IO runs; NIO's shared singleton group when nil.
    ///   - logger: receives `wire server listening`, `executor authenticated`, `executor handshake failed`,
    ///     `executor connection closed` / `executor connection failed` and `wire server closed`, with
    ///     `sluice.executor.id`, `sluice.wire.session.id`, `sluice.wire.remote` metadata. Never the secret.
    /// - Throws: ``SluiceCore/SluiceError`` `wire_invalid_configuration` or `wire_listen_failed`.
    public static func start(
        host: String, port: Int, secret: WireSecret, tls: WireServerTLS? = nil, configuration: WireConfiguration = WireConfiguration(),
        eventLoopGroup: (any EventLoopGroup)? = nil, logger: Logger
    ) async throws -> WireServer {
        try configuration.validate()
        let (connections, continuation) = AsyncStream.makeStream(of: ExecutorConnection.self)
        let registry = Registry(continuation: continuation, logger: logger)

        let channel: any Channel
        do {
            channel = try await ServerBootstrap(group: eventLoopGroup ?? MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .serverChannelOption(.backlog, value: 256)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelOption(.allowRemoteHalfClosure, value: true)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tls {
                            try channel.pipeline.syncOperations.addHandler(TLSRequiredHandler())
                            try channel.pipeline.syncOperations.addHandler(tls.handler())
                        }
                        let role = WirePipeline.driverRole(secret: secret, configuration: configuration)
                        let setup = try WirePipeline.configure(
                            channel, role: role, configuration: configuration, inbound: ExecutorMessage.self)
                        registry.handshakeStarted(channel: channel, setup: setup)
                    }
                }
                .bind(host: host, port: port)
                .get()
        } catch {
            continuation.finish()
            throw SluiceError(.wireListenFailed, "cannot listen on \(host):\(port)", underlying: String(describing: error))
        }
        guard let address = channel.localAddress else {
            try? await channel.close()
            continuation.finish()
            throw SluiceError(.wireListenFailed, "the listening socket on \(host):\(port) has no address")
        }
        logger.debug("wire server listening", metadata: [WireLog.localAddress: "\(address)"])
        return WireServer(channel: channel, localAddress: address, connections: connections, registry: registry)
    }

    /// Stops listening, ends ``connections``, and closes connections still in their handshake. Connections
    /// already yielded belong to their owners and stay open. Safe to call more than once.
    public func close() async {
        for pending in registry.close() { pending.close(promise: nil) }
        channel.close(promise: nil)
        try? await channel.closeFuture.get()
        registry.logger.debug("wire server closed", metadata: [WireLog.localAddress: "\(localAddress)"])
    }
}
