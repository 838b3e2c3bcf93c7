public import Logging
public import NIOCore
import NIOPosix
public import SluiceCore
public import SluiceWire

/// An executor's authenticated connection to the driver.
///
/// ```swift
/// let connection = try await DriverConnection.connect(
///     host: "driver", port: 7077, secret: try .fromEnvironment(), executorID: "executor-1", slots: 4,
///     logger: logger)
/// try await connection.executeThenClose { inbound, outbound in
///     for try await message in inbound {       // ends after the driver's SHUTDOWN
///         switch message { case .assignTask(let task): ... }
///     }
/// }
/// ```
///
/// The handshake proves both ways that the other side knows the shared secret; a driver that cannot prove
/// it is refused, so a rogue driver cannot hand this executor work. Heartbeats are sent and checked by the
/// transport; a silent driver makes `inbound` throw `wire_heartbeat_timeout`.
public final class DriverConnection: Sendable {
    /// This executor's id, as sent in HELLO.
    public let executorID: String
    /// How many tasks this executor announced it runs at once.
    public let slots: Int
    /// The session id the driver chose (appears in both sides' logs).
    public let sessionID: UInt64
    /// The protocol version in use.
    public let protocolVersion: Int
    /// The driver's address as NIO prints it.
    public let remoteAddress: String
    /// How often both sides send HEARTBEAT, as the driver decided.
    public let heartbeatInterval: Duration
    /// How long either side may stay silent, as the driver decided.
    public let heartbeatTimeout: Duration

    let session: WireSession<DriverMessage, ExecutorMessage>

    init(session: WireSession<DriverMessage, ExecutorMessage>, peer: WireSessionPeer, remoteAddress: String) {
        self.session = session
        self.executorID = peer.executorID
        self.slots = Int(peer.slots)
        self.sessionID = peer.sessionID
        self.protocolVersion = Int(peer.protocolVersion)
        self.remoteAddress = remoteAddress
        self.heartbeatInterval = Duration(peer.heartbeatInterval)
        self.heartbeatTimeout = Duration(peer.heartbeatTimeout)
    }

    deinit {
        session.channel.close(promise: nil)
    }

    /// Connects to the driver at `host:port` and runs the handshake.
    ///
    /// - Parameters:
    ///   - secret: the cluster's shared secret (``SluiceWire/WireSecret/fromEnvironment(_:environment:)``).
    ///   - executorID: this executor's name, 1 to 256 bytes of UTF-8 without control characters.
    ///   - slots: how many tasks this executor runs at once, at least 1.
    ///   - tls: TLS towards the driver, whose certificate must chain to its CA (nil: plain TCP).
    ///   - configuration: frame limit, connect and handshake timeouts (heartbeat timing comes from the driver).
    ///   - eventLoopGroup: where the connection's IO runs; NIO's shared singleton group when nil.
    ///   - logger: receives `connected to driver`, `driver handshake failed` and `driver connection closed`.
    /// - Throws: ``SluiceCore/SluiceError``: `wire_connect_failed` when no TCP connection could be made,
    ///   `wire_authentication_failed` when either side's proof did not match (wrong secret),
    ///   `wire_unsupported_version`, `wire_handshake_timeout`, `wire_protocol_error`, `wire_connection_lost`,
    ///   `wire_tls_failed` when TLS could not be set up (an untrusted certificate, a driver without TLS),
    ///   `wire_invalid_configuration` for bad arguments.
    public static func connect(
        host: String, port: Int, secret: WireSecret, executorID: String, slots: Int, tls: WireClientTLS? = nil,
        configuration: WireConfiguration = WireConfiguration(),
        eventLoopGroup: (any EventLoopGroup)? = nil,
        logger: Logger
    ) async throws -> DriverConnection {
        try configuration.validate()
        if let problem = WireMessage.Hello.problem(withExecutorID: executorID) {
            throw SluiceError(.wireInvalidConfiguration, "executor id \(problem)", context: ErrorContext(key: "executorID"))
        }
        guard let slots32 = UInt32(exactly: slots), slots32 >= 1 else {
            throw SluiceError(
                .wireInvalidConfiguration, "slots must be between 1 and \(UInt32.max), got \(slots)",
                context: ErrorContext(key: "slots"))
        }
        var logger = logger
        logger[metadataKey: WireLog.executorID] = .string(executorID)
        logger[metadataKey: WireLog.remoteAddress] = .string("\(host):\(port)")

        let role = WirePipeline.executorRole(secret: secret, executorID: executorID, slots: slots32)
        let setup: WireSessionSetup<DriverMessage>
        do {
            setup = try await ClientBootstrap(group: eventLoopGroup ?? MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(TimeAmount(configuration.connectTimeout))
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelOption(.allowRemoteHalfClosure, value: true)
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tls { try channel.pipeline.syncOperations.addHandler(try tls.handler(host: host)) }
                        return try WirePipeline.configure(channel, role: role, configuration: configuration, inbound: DriverMessage.self)
                    }
                }
        } catch {
            let failure = SluiceError(
                .wireConnectFailed, "cannot connect to the driver at \(host):\(port)", underlying: String(describing: error))
            // Debug only: an executor waiting for its driver fails here every second or two, and logs that itself, rarely.
            logger.debug("driver connection failed", metadata: metadata(of: failure))
            throw failure
        }

        let channel = setup.channel
        let peer: WireSessionPeer
        do {
            peer = try await withTaskCancellationHandler {
                try await setup.authenticated.get()
            } onCancel: {
                channel.close(promise: nil)
            }
        } catch {
            channel.close(promise: nil)
            var failure = error as? SluiceError
                ?? SluiceError(.wireConnectionLost, "the handshake with the driver failed", underlying: String(describing: error))
            if WireTLSFiles.isTLSFailure(error) || failure.underlying.map(WireTLSFiles.mentionsTLSFailure) == true {
                failure = SluiceError(
                    .wireTLSFailed,
                    tls == nil
                        ? "the driver at \(host):\(port) speaks TLS: give this executor the CA that signed its certificate (--tls-ca)"
                        : "TLS with the driver at \(host):\(port) failed: its certificate must be signed by the CA in --tls-ca and name \(host), and the driver must listen with TLS (--tls-cert, --tls-key)",
                    underlying: failure.underlying ?? failure.message)
            }
            logger.warning("driver handshake failed", metadata: metadata(of: failure))
            throw failure
        }

        logger[metadataKey: WireLog.sessionID] = WireLog.session(peer.sessionID)
        logger.debug(
            "connected to driver",
            metadata: [WireLog.protocolVersion: "\(peer.protocolVersion)", WireLog.slots: "\(peer.slots)"])
        let status = setup.status
        let closeLogger = logger
        channel.closeFuture.whenComplete { _ in
            if let failure = status.failure {
                closeLogger.warning("driver connection failed", metadata: metadata(of: failure))
            } else {
                closeLogger.debug("driver connection closed")
            }
        }
        let remote = channel.remoteAddress.map { "\($0)" } ?? "\(host):\(port)"
        return DriverConnection(session: setup.session(), peer: peer, remoteAddress: remote)
    }

    /// Runs `body` with the driver's messages and a sender, then closes the connection (saying SHUTDOWN if the
    /// session is still open) and waits until it is closed.
    public func executeThenClose<Result>(
        isolation actor: isolated (any Actor)? = #isolation,
        _ body: (_ inbound: WireInbound<DriverMessage>, _ outbound: WireOutbound<ExecutorMessage>) async throws
            -> sending Result
    ) async throws -> sending Result {
        try await session.executeThenClose(isolation: actor, body)
    }

    /// Closes the connection (saying SHUTDOWN if the session is open) and waits until it is closed.
    public func close() async {
        await session.close()
    }

    /// Why the session failed, once it did; nil while it is healthy or after a clean end.
    public var failure: SluiceError? { session.status.failure }
}

private func metadata(of error: SluiceError) -> Logger.Metadata {
    var metadata: Logger.Metadata = [:]
    WireLog.add(error, to: &metadata)
    return metadata
}
