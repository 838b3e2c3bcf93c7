import NIOCore
import NIOPosix
import SluiceCore
import SluiceWire

/// Peers that speak frames but run the protocol by hand, so tests can make them misbehave: go silent,
/// vanish without SHUTDOWN, or send garbage.
enum RawPeers {
    typealias FrameChannel = NIOAsyncChannel<WireMessage, ByteBuffer>
    typealias ByteChannel = NIOAsyncChannel<ByteBuffer, ByteBuffer>

    static func addFrameDecoder(_ channel: any Channel) throws -> FrameChannel {
        try channel.pipeline.syncOperations.addHandler(
            ByteToMessageHandler(WireFrameDecoder(maxPayloadSize: 1 << 20, handshakeMaxPayloadSize: 1 << 20)))
        return try FrameChannel(wrappingChannelSynchronously: channel)
    }

    /// A TCP connection to `port` that exchanges whole frames.
    static func frameClient(port: Int) async throws -> FrameChannel {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try addFrameDecoder(channel) }
            }
    }

    /// A TCP connection to `port` that exchanges raw bytes.
    static func byteClient(port: Int) async throws -> ByteChannel {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try ByteChannel(wrappingChannelSynchronously: channel) }
            }
    }

    /// A listening socket whose connections exchange whole frames.
    static func frameServer() async throws -> NIOAsyncChannel<FrameChannel, Never> {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture { try addFrameDecoder(channel) }
            }
    }

    static func frame(_ message: WireMessage) -> ByteBuffer {
        try! WireFrameEncoder().encode(message)
    }

    /// Runs the executor's half of the handshake by hand and returns the WELCOME.
    static func executorHandshake(
        _ inbound: inout NIOAsyncChannelInboundStream<WireMessage>.AsyncIterator,
        _ outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, secret: WireSecret, executorID: String
    ) async throws -> WireMessage.Welcome {
        let hello = WireMessage.Hello(minVersion: 4, maxVersion: 4, slots: 2, clientNonce: Fixtures.nonce(9), executorID: executorID)
        try await outbound.write(frame(.hello(hello)))
        guard case .challenge(let challenge) = try await inbound.next() else {
            throw SluiceError(.internalError, "raw executor: expected CHALLENGE")
        }
        let proof = HandshakeProof.executorProof(secret: secret, hello: hello, challenge: challenge)
        try await outbound.write(frame(.auth(.init(proof: proof))))
        guard case .welcome(let welcome) = try await inbound.next() else {
            throw SluiceError(.internalError, "raw executor: expected WELCOME")
        }
        return welcome
    }

    /// Runs the driver's half of the handshake by hand, announcing the given heartbeat timing.
    static func driverHandshake(
        _ inbound: inout NIOAsyncChannelInboundStream<WireMessage>.AsyncIterator,
        _ outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, secret: WireSecret,
        intervalMillis: UInt32, timeoutMillis: UInt32
    ) async throws {
        guard case .hello(let hello) = try await inbound.next() else {
            throw SluiceError(.internalError, "raw driver: expected HELLO")
        }
        let challenge = WireMessage.Challenge(version: 4, serverNonce: Fixtures.nonce(0x77))
        try await outbound.write(frame(.challenge(challenge)))
        guard case .auth = try await inbound.next() else {
            throw SluiceError(.internalError, "raw driver: expected AUTH")
        }
        let proof = HandshakeProof.driverProof(
            secret: secret, hello: hello, challenge: challenge, sessionID: 5, heartbeatIntervalMillis: intervalMillis,
            heartbeatTimeoutMillis: timeoutMillis)
        try await outbound.write(frame(.welcome(.init(
            proof: proof, sessionID: 5, heartbeatIntervalMillis: intervalMillis, heartbeatTimeoutMillis: timeoutMillis))))
    }

    /// Sends `bytes` on a fresh raw connection (optionally closing the sending side afterwards) and returns
    /// every frame the server answers, until it closes the connection.
    static func answer(to bytes: [UInt8], port: Int, closeOutput: Bool = false) async throws -> [WireMessage] {
        let channel = try await byteClient(port: port)
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(bytes: bytes))
            if closeOutput { outbound.finish(); try await channel.channel.close(mode: .output) }
            var received = ByteBuffer()
            for try await chunk in inbound { received.writeImmutableBuffer(chunk) }
            var decoder = WireFrameDecoder(maxPayloadSize: 1 << 20, handshakeMaxPayloadSize: 1 << 20)
            var messages: [WireMessage] = []
            while let message = try decoder.decode(buffer: &received) { messages.append(message) }
            return messages
        }
    }
}
