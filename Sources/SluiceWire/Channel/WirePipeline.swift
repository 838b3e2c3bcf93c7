package import NIOCore
import SluiceCore

/// A connection's channel after ``WirePipeline`` set it up.
package struct WireSessionSetup<Inbound: WireApplicationMessage>: Sendable {
    package var channel: any Channel
    package var handler: NIOLoopBound<WireSessionHandler<Inbound>>
    /// Succeeds with the peer once the handshake succeeded; fails with the reason otherwise.
    package var authenticated: EventLoopFuture<WireSessionPeer>
    /// The session's outcome, readable from any thread.
    package var status: WireSessionStatus
    package var configuration: WireConfiguration

    /// The session, for the application, once authenticated.
    package func session<Outbound: WireApplicationMessage>(sending _: Outbound.Type = Outbound.self) -> WireSession<Inbound, Outbound> {
        WireSession(
            channel: channel, handler: handler, status: status,
            encoder: WireFrameEncoder(maxPayloadSize: configuration.maxFrameSize),
            inboundBufferSize: configuration.inboundBufferSize)
    }
}

/// Builds the pipeline of a wire connection, the same on both sides and in tests:
/// `ByteToMessageHandler(WireFrameDecoder)` → ``WireSessionHandler`` (→ `NIOAsyncChannel` once the
/// application takes the session).
package enum WirePipeline {
    /// Adds the wire handlers to `channel`. Must run on the channel's event loop, before the channel becomes
    /// active (in a bootstrap's channel initializer).
    package static func configure<Inbound: WireApplicationMessage>(
        _ channel: any Channel, role: WireSessionStateMachine.Role, configuration: WireConfiguration,
        inbound: Inbound.Type = Inbound.self
    ) throws -> WireSessionSetup<Inbound> {
        let stateMachine = WireSessionStateMachine(
            role: role, handshakeTimeout: TimeAmount(configuration.handshakeTimeout),
            closeGracePeriod: TimeAmount(configuration.closeGracePeriod))
        let status = WireSessionStatus()
        let authenticated = channel.eventLoop.makePromise(of: WireSessionPeer.self)
        let handler = WireSessionHandler<Inbound>(
            stateMachine: stateMachine, encoder: WireFrameEncoder(maxPayloadSize: configuration.maxFrameSize),
            status: status, authenticated: authenticated)
        do {
            let operations = channel.pipeline.syncOperations
            try operations.addHandler(ByteToMessageHandler(WireFrameDecoder(maxPayloadSize: configuration.maxFrameSize)))
            try operations.addHandler(handler)
        } catch {
            authenticated.fail(error)
            throw error
        }
        return WireSessionSetup(
            channel: channel, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop),
            authenticated: authenticated.futureResult, status: status, configuration: configuration)
    }

    /// The driver's role for a new connection: fresh session id and nonce.
    package static func driverRole(secret: WireSecret, configuration: WireConfiguration) -> WireSessionStateMachine.Role {
        .driver(.init(
            secret: secret, heartbeatIntervalMillis: max(configuration.heartbeatInterval.wireMilliseconds, 1),
            heartbeatTimeoutMillis: max(configuration.heartbeatTimeout.wireMilliseconds, 1),
            sessionID: WireRandom.sessionID(), serverNonce: WireRandom.nonce()))
    }

    /// An executor's role for a new connection: fresh nonce.
    package static func executorRole(secret: WireSecret, executorID: String, slots: UInt32) -> WireSessionStateMachine.Role {
        .executor(.init(secret: secret, executorID: executorID, slots: slots, clientNonce: WireRandom.nonce()))
    }
}
