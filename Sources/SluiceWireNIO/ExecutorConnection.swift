import NIOCore
public import SluiceCore
public import SluiceWire

/// The driver's side of one authenticated executor connection, as ``WireServer/connections`` yields it.
///
/// Use it in one scope, which closes it at the end:
///
/// ```swift
/// try await connection.executeThenClose { inbound, outbound in
///     try await outbound.send(.runConfig(config))
///     try await outbound.send(.assignTask(task))
///     for try await message in inbound { ... }   // ends on SHUTDOWN, throws on failure
/// }
/// ```
///
/// `outbound` may be handed to other tasks (a scheduler) while the scope runs. Closing an established
/// connection sends SHUTDOWN first, so the executor sees a clean end. Heartbeats are sent and checked by the
/// transport; a silent executor makes `inbound` throw `wire_heartbeat_timeout`. If the connection is
/// dropped without being used, it is closed when the last reference to it goes away.
public final class ExecutorConnection: Sendable {
    /// The executor's id, as it announced it in HELLO and proved with the shared secret.
    public let executorID: String
    /// How many tasks the executor runs at once.
    public let slots: Int
    /// The session id the driver gave this connection (appears in both sides' logs).
    public let sessionID: UInt64
    /// The protocol version in use.
    public let protocolVersion: Int
    /// The executor's address, `[IPv4]127.0.0.1/127.0.0.1:51234` as NIO prints it.
    public let remoteAddress: String
    /// How often both sides send HEARTBEAT.
    public let heartbeatInterval: Duration
    /// How long either side may stay silent before the other declares it dead.
    public let heartbeatTimeout: Duration

    let session: WireSession<ExecutorMessage, DriverMessage>

    init(session: WireSession<ExecutorMessage, DriverMessage>, peer: WireSessionPeer, remoteAddress: String) {
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

    /// Runs `body` with the connection's inbound messages and its sender, then closes the connection
    /// (saying SHUTDOWN if the session is still open) and waits until it is closed.
    public func executeThenClose<Result>(
        isolation actor: isolated (any Actor)? = #isolation,
        _ body: (_ inbound: WireInbound<ExecutorMessage>, _ outbound: WireOutbound<DriverMessage>) async throws
            -> sending Result
    ) async throws -> sending Result {
        try await session.executeThenClose(isolation: actor, body)
    }

    /// Closes the connection without using it (saying SHUTDOWN if the session is open) and waits until it is
    /// closed. Safe to call more than once and while ``executeThenClose(isolation:_:)`` runs.
    public func close() async {
        await session.close()
    }

    /// Why the session failed, once it did; nil while it is healthy or after a clean end.
    public var failure: SluiceError? { session.status.failure }
}
