import NIOCore
import NIOEmbedded
import SluiceCore
import SluiceWire
import Testing

/// The channel handler on an `EmbeddedChannel`: real pipeline, fake time, no sockets.
@Suite("Session handler on EmbeddedChannel")
struct SessionHandlerTests {
    static let secret = SessionStateMachineTests.secret

    /// A channel with the wire pipeline (minus the async wrapper), connected, for `role`.
    final class Harness<Inbound: WireApplicationMessage> {
        let channel = EmbeddedChannel()
        let handler: WireSessionHandler<Inbound>
        let authenticated: EventLoopFuture<WireSessionPeer>
        let status = WireSessionStatus()
        private var outboundDecoder = WireFrameDecoder(maxPayloadSize: 1 << 20, handshakeMaxPayloadSize: 1 << 20)

        init(role: WireSessionStateMachine.Role, maxFrameSize: Int = 1 << 20) throws {
            let promise = channel.eventLoop.makePromise(of: WireSessionPeer.self)
            authenticated = promise.futureResult
            let machine = WireSessionStateMachine(role: role, handshakeTimeout: .seconds(10), closeGracePeriod: .seconds(1))
            try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(WireFrameDecoder(maxPayloadSize: maxFrameSize)))
            handler = WireSessionHandler<Inbound>(
                stateMachine: machine, encoder: WireFrameEncoder(maxPayloadSize: maxFrameSize), status: status,
                authenticated: promise)
            try channel.pipeline.syncOperations.addHandler(handler)
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 7077)).wait()
        }

        /// The error the handler fired towards the application (EmbeddedChannel rethrows it from the write
        /// that caused it).
        private var caught: SluiceError?

        /// Delivers bytes as a socket read would, then asks for the next read as `autoRead` does.
        func receive(_ bytes: [UInt8]) throws {
            do {
                try channel.writeInbound(ByteBuffer(bytes: bytes))
            } catch let error as SluiceError {
                caught = caught ?? error
            }
            channel.read()
        }

        func receive(_ message: WireMessage) throws {
            try receive(Array(try Fixtures.frame(message).readableBytesView))
        }

        /// Every frame written so far, decoded.
        func sent() throws -> [WireMessage] {
            var messages: [WireMessage] = []
            while var buffer = try channel.readOutbound(as: ByteBuffer.self) {
                while let message = try outboundDecoder.decode(buffer: &buffer) { messages.append(message) }
            }
            return messages
        }

        func delivered() throws -> [Inbound] {
            var messages: [Inbound] = []
            while let message = try channel.readInbound(as: Inbound.self) { messages.append(message) }
            return messages
        }

        /// The error the handler fired towards the application, if any.
        /// Consumes the error fired towards the application, if any.
        func firedError() -> SluiceError? {
            defer { caught = nil }
            do {
                try channel.throwIfErrorCaught()
                return caught
            } catch {
                return caught ?? error as? SluiceError
            }
        }

        /// Why the handshake failed; the future must already be completed.
        func authenticationError() -> SluiceError? {
            do {
                _ = try authenticated.wait()
                return nil
            } catch {
                return error as? SluiceError
            }
        }

        /// The application takes the session: held messages are passed on, reading resumes.
        func attach() {
            #expect(handler.claimConsumer())
            handler.consumerAttached()
        }
    }

    static func driverHarness() throws -> Harness<ExecutorMessage> {
        try Harness(role: .driver(.init(
            secret: secret, heartbeatIntervalMillis: 1000, heartbeatTimeoutMillis: 3000, sessionID: 77,
            serverNonce: Fixtures.nonce(0x20))))
    }

    static func executorHarness() throws -> Harness<DriverMessage> {
        try Harness(role: .executor(.init(secret: secret, executorID: "exec-1", slots: 4, clientNonce: Fixtures.nonce(0))))
    }

    /// A driver harness after a successful handshake.
    static func establishedDriver() throws -> Harness<ExecutorMessage> {
        let harness = try driverHarness()
        try harness.receive(.hello(SessionStateMachineTests.hello))
        try harness.receive(SessionStateMachineTests.auth)
        return harness
    }

    @Test("garbage: the peer gets ERROR protocol_error, the connection closes, the handshake fails")
    func garbage() throws {
        let harness = try Self.driverHarness()
        try harness.receive(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        let sent = try harness.sent()
        guard case .error(let report) = sent.first else { Issue.record("expected ERROR, got \(sent)"); return }
        #expect(report.code == .protocolError)
        #expect(report.message == "not a Sluice wire frame: starts with 0x47 0x45 where the magic 0x53 0x4C (\"SL\") belongs")
        #expect(sent.count == 1)
        #expect(!harness.channel.isActive)
        #expect(harness.authenticationError()?.code == .wireProtocolError)
        #expect(harness.firedError()?.code == .wireProtocolError)
        #expect(harness.status.failure?.code == .wireProtocolError)
    }

    @Test("a frame cut short by EOF: ERROR naming the truncation, then close")
    func truncated() throws {
        let harness = try Self.driverHarness()
        let hello = Array(try Fixtures.frame(.hello(SessionStateMachineTests.hello)).readableBytesView)
        try harness.receive(Array(hello.prefix(30)))
        #expect(try harness.sent().isEmpty)
        harness.channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        let sent = try harness.sent()
        #expect(sent == [.error(.init(code: .protocolError, message: "HELLO frame: the connection ended inside the payload (21 of 50 bytes)"))])
        #expect(!harness.channel.isActive)
    }

    @Test("an oversized frame: ERROR frame_too_large, then close, before the payload arrives")
    func oversized() throws {
        let harness = try Self.driverHarness()
        try harness.receive([0x53, 0x4C, 0x01, 0x01, 0x00, 0x7F, 0xFF, 0xFF, 0xFF])
        let sent = try harness.sent()
        #expect(sent == [.error(.init(
            code: .frameTooLarge,
            message: "HELLO frame: payload of 2147483647 bytes exceeds the limit of 65536 bytes before the handshake completed"))])
        #expect(!harness.channel.isActive)
        #expect(harness.firedError()?.code == .wireFrameTooLarge)
    }

    @Test("an application message before authentication is refused")
    func beforeAuthentication() throws {
        let harness = try Self.driverHarness()
        try harness.receive(.taskResult(Fixtures.taskResult("t")))
        #expect(try harness.sent() == [.error(.init(code: .unexpectedMessage, message: "unexpected TASK_RESULT: expected HELLO"))])
        #expect(try harness.delivered().isEmpty)
        #expect(!harness.channel.isActive)
    }

    @Test("driver side: handshake, delivery, heartbeats on the clock, then a heartbeat timeout")
    func driverSession() throws {
        let harness = try Self.driverHarness()
        try harness.receive(.hello(SessionStateMachineTests.hello))
        #expect(try harness.sent() == [.challenge(SessionStateMachineTests.challenge)])
        try harness.receive(SessionStateMachineTests.auth)
        #expect(try harness.sent() == [.welcome(SessionStateMachineTests.welcome)])
        #expect(try harness.authenticated.wait() == SessionStateMachineTests.peer)
        harness.attach()

        // Heartbeats are not delivered; application messages are.
        let progress = WireMessage.TaskProgress(taskID: 1, attempt: 1, rows: 99)
        try harness.receive(.heartbeat)
        try harness.receive(.taskProgress(progress))
        #expect(try harness.delivered() == [.taskProgress(progress)])

        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(try harness.sent() == [.heartbeat])
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(try harness.sent() == [.heartbeat])
        #expect(harness.channel.isActive)
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(try harness.sent() == [.heartbeat])
        #expect(harness.channel.isActive, "suspected, not yet confirmed")
        harness.channel.embeddedEventLoop.advanceTime(by: .milliseconds(1))
        let sent = try harness.sent()
        #expect(sent == [.error(.init(code: .heartbeatTimeout, message: "nothing received for 3.0 s (heartbeat timeout 3 s)"))])
        #expect(!harness.channel.isActive)
        #expect(harness.firedError()?.message == "executor \"exec-1\" is unresponsive: nothing received for 3.0 s (heartbeat timeout 3 s)")
    }

    @Test("executor side: HELLO on connect, AUTH, WELCOME checked, tasks delivered, SHUTDOWN ends cleanly")
    func executorSession() throws {
        let harness = try Self.executorHarness()
        #expect(try harness.sent() == [.hello(SessionStateMachineTests.hello)])
        try harness.receive(.challenge(SessionStateMachineTests.challenge))
        #expect(try harness.sent() == [SessionStateMachineTests.auth])
        try harness.receive(.welcome(SessionStateMachineTests.welcome))
        #expect(try harness.authenticated.wait() == SessionStateMachineTests.peer)
        harness.attach()

        let task = Fixtures.taskSpec("orders")
        try harness.receive(.assignTask(task))
        try harness.receive(.shutdown(.init(reason: "run finished")))
        #expect(try harness.delivered() == [.assignTask(task), .shutdown(reason: "run finished")])
        #expect(!harness.channel.isActive)
        #expect(harness.firedError() == nil)
        #expect(harness.status.failure == nil)
    }

    @Test("until the application takes the session, messages are held and the peer's silence does not count")
    func heldUntilAttached() throws {
        let harness = try Self.establishedDriver()
        _ = try harness.sent()
        let progress = WireMessage.TaskProgress(taskID: 5, attempt: 1, rows: 1)
        try harness.receive(.taskProgress(progress))
        #expect(try harness.delivered().isEmpty)
        // Reading is paused, so ten seconds without a frame are not a heartbeat timeout.
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(10))
        #expect(try harness.sent() == Array(repeating: .heartbeat, count: 10))
        #expect(harness.channel.isActive)
        harness.attach()
        #expect(try harness.delivered() == [.taskProgress(progress)])
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(3) + .milliseconds(1))
        #expect(!harness.channel.isActive, "once attached, silence counts again")
        #expect(harness.firedError()?.code == .wireHeartbeatTimeout)
    }

    @Test("a failure before the application attaches is reported when it does")
    func failureBeforeAttach() throws {
        let harness = try Self.establishedDriver()
        try harness.receive([0x00])
        #expect(harness.status.failure?.code == .wireProtocolError)
        #expect(harness.firedError()?.code == .wireProtocolError, "fired into the void before the application attached")
        #expect(harness.firedError() == nil)
        harness.attach()
        #expect(harness.firedError()?.code == .wireProtocolError, "fired again for the application")
    }

    @Test("the executor refuses a WELCOME it cannot verify")
    func executorRefusesForgedWelcome() throws {
        let harness = try Self.executorHarness()
        _ = try harness.sent()
        try harness.receive(.challenge(SessionStateMachineTests.challenge))
        _ = try harness.sent()
        var forged = SessionStateMachineTests.welcome
        forged.proof = Fixtures.nonce(0xEE)
        try harness.receive(.welcome(forged))
        #expect(try harness.sent() == [.error(.init(
            code: .authenticationFailed,
            message: "authentication failed: the driver's proof does not match the executor's shared secret"))])
        #expect(harness.authenticationError()?.code == .wireAuthenticationFailed)
        #expect(!harness.channel.isActive)
    }

    @Test("application writes go out as given; after SHUTDOWN further writes fail")
    func outbound() throws {
        let harness = try Self.establishedDriver()
        _ = try harness.sent()
        let task = Fixtures.taskSpec("t")
        let frame = try Fixtures.frame(.assignTask(task))
        try harness.channel.writeOutbound(OutboundFrame(id: .assignTask, bytes: frame))
        #expect(try harness.sent() == [.assignTask(task)])

        let shutdown = try Fixtures.frame(.shutdown(.init(reason: "bye")))
        try harness.channel.writeOutbound(OutboundFrame(id: .shutdown, bytes: shutdown))
        #expect(try harness.sent() == [.shutdown(.init(reason: "bye"))])
        let late = harness.channel.writeAndFlush(OutboundFrame(id: .assignTask, bytes: frame))
        #expect(throws: SluiceError.self) { try late.wait() }
    }

    @Test("closing an established connection sends SHUTDOWN first")
    func closeSaysShutdown() throws {
        let harness = try Self.establishedDriver()
        _ = try harness.sent()
        try harness.channel.close().wait()
        #expect(try harness.sent() == [.shutdown(.init(reason: "the driver closed the connection"))])
        #expect(harness.status.failure == nil)
    }

    @Test("EOF without SHUTDOWN after the handshake is a lost connection")
    func eofWithoutShutdown() throws {
        let harness = try Self.establishedDriver()
        harness.channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(harness.firedError()?.message == "executor \"exec-1\" closed the connection without SHUTDOWN")
        #expect(!harness.channel.isActive)
    }

    @Test("the handshake times out on the channel's clock")
    func handshakeTimeout() throws {
        let harness = try Self.driverHarness()
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(10))
        #expect(try harness.sent() == [.error(.init(code: .handshakeTimeout, message: "handshake not completed within 10 s"))])
        #expect(harness.authenticationError()?.code == .wireHandshakeTimeout)
        #expect(!harness.channel.isActive)
    }
}
