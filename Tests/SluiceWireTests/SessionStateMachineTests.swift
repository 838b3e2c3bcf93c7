import NIOCore
import SluiceCore
import SluiceWire
import Testing

/// The session state machine as tables of event → expected action, with fixed nonces and an injected clock.
@Suite("Session state machine")
struct SessionStateMachineTests {
    typealias Machine = WireSessionStateMachine
    typealias Action = WireSessionStateMachine.Action

    static let secret = try! WireSecret(text: "correct horse battery staple 42")
    static let otherSecret = try! WireSecret(text: "not the cluster's secret at all")
    static let t0 = NIODeadline.uptimeNanoseconds(5_000_000_000)
    static let second = TimeAmount.seconds(1)

    static func driver(secret: WireSecret = secret, versions: ClosedRange<UInt16> = WireProtocol.supportedVersions) -> Machine {
        Machine(
            role: .driver(.init(
                secret: secret, versions: versions, heartbeatIntervalMillis: 1000, heartbeatTimeoutMillis: 3000,
                sessionID: 77, serverNonce: Fixtures.nonce(0x20))),
            handshakeTimeout: .seconds(10), closeGracePeriod: .milliseconds(500))
    }

    static func executor(secret: WireSecret = secret, versions: ClosedRange<UInt16> = WireProtocol.supportedVersions) -> Machine {
        Machine(
            role: .executor(.init(
                secret: secret, versions: versions, executorID: "exec-1", slots: 4, clientNonce: Fixtures.nonce(0))),
            handshakeTimeout: .seconds(10), closeGracePeriod: .milliseconds(500))
    }

    static let hello = WireMessage.Hello(minVersion: 4, maxVersion: 4, slots: 4, clientNonce: Fixtures.nonce(0), executorID: "exec-1")
    static let challenge = WireMessage.Challenge(version: 4, serverNonce: Fixtures.nonce(0x20))
    static let peer = WireSessionPeer(
        protocolVersion: 4, sessionID: 77, executorID: "exec-1", slots: 4, heartbeatInterval: .seconds(1),
        heartbeatTimeout: .seconds(3))

    static var auth: WireMessage {
        .auth(.init(proof: HandshakeProof.executorProof(secret: secret, hello: hello, challenge: challenge)))
    }

    static var welcome: WireMessage.Welcome {
        WireMessage.Welcome(
            proof: HandshakeProof.driverProof(
                secret: secret, hello: hello, challenge: challenge, sessionID: 77, heartbeatIntervalMillis: 1000,
                heartbeatTimeoutMillis: 3000),
            sessionID: 77, heartbeatIntervalMillis: 1000, heartbeatTimeoutMillis: 3000)
    }

    /// Both sides after a successful handshake at `t0`.
    static func established() -> (driver: Machine, executor: Machine) {
        var driver = driver()
        var executor = executor()
        _ = driver.channelActive(now: t0)
        _ = executor.channelActive(now: t0)
        _ = driver.messageReceived(.hello(hello), now: t0)
        _ = executor.messageReceived(.challenge(challenge), now: t0)
        _ = driver.messageReceived(auth, now: t0)
        _ = executor.messageReceived(.welcome(welcome), now: t0)
        return (driver, executor)
    }

    /// Checks `action` is a failure with `code`, and, when `frame` is given, an ERROR frame with that code.
    func expectFailure(
        _ action: Action, _ code: SluiceError.Code, frame: WireErrorCode?, message: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard case .fail(let error, let errorFrame) = action else {
            Issue.record("expected a failure, got \(action)", sourceLocation: sourceLocation)
            return
        }
        #expect(error.code == code, sourceLocation: sourceLocation)
        #expect(errorFrame?.code == frame, sourceLocation: sourceLocation)
        if let message { #expect(error.message == message, sourceLocation: sourceLocation) }
    }

    // MARK: Handshake

    @Test("a full handshake, each side fed the other's output")
    func handshake() {
        var driver = Self.driver()
        var executor = Self.executor()
        #expect(driver.channelActive(now: Self.t0) == .none)
        #expect(driver.nextWakeup == Self.t0 + .seconds(10))
        #expect(executor.channelActive(now: Self.t0) == .send(.hello(Self.hello)))
        #expect(driver.messageReceived(.hello(Self.hello), now: Self.t0) == .send(.challenge(Self.challenge)))
        #expect(executor.messageReceived(.challenge(Self.challenge), now: Self.t0) == .send(Self.auth))
        #expect(driver.messageReceived(Self.auth, now: Self.t0) == .authenticated(Self.peer, reply: .welcome(Self.welcome)))
        #expect(executor.messageReceived(.welcome(Self.welcome), now: Self.t0) == .authenticated(Self.peer, reply: nil))
        #expect(driver.isEstablished && executor.isEstablished)
        #expect(driver.peer == Self.peer && executor.peer == Self.peer)
        #expect(driver.failure == nil && executor.failure == nil)
    }

    @Test("the driver picks the highest version both speak")
    func versionNegotiation() {
        var driver = Self.driver(versions: 1...3)
        _ = driver.channelActive(now: Self.t0)
        var hello = Self.hello
        hello.minVersion = 2
        hello.maxVersion = 5
        #expect(driver.messageReceived(.hello(hello), now: Self.t0) == .send(.challenge(.init(version: 3, serverNonce: Fixtures.nonce(0x20)))))
    }

    @Test("no common version: the driver answers ERROR unsupported_version")
    func unsupportedVersion() {
        var driver = Self.driver()
        _ = driver.channelActive(now: Self.t0)
        var hello = Self.hello
        hello.minVersion = 5
        hello.maxVersion = 6
        let action = driver.messageReceived(.hello(hello), now: Self.t0)
        expectFailure(
            action, .wireUnsupportedVersion, frame: .unsupportedVersion,
            message: "executor \"exec-1\" speaks protocol versions 5...6; this driver speaks 4...4")
        #expect(driver.nextWakeup == Self.t0 + .milliseconds(500), "lingers for the grace period")
    }

    @Test("the executor refuses a version outside its range")
    func executorRefusesVersion() {
        var executor = Self.executor()
        _ = executor.channelActive(now: Self.t0)
        let action = executor.messageReceived(.challenge(.init(version: 9, serverNonce: Fixtures.nonce(0x20))), now: Self.t0)
        expectFailure(action, .wireUnsupportedVersion, frame: .unsupportedVersion)
    }

    @Test("wrong secret on the executor: the driver answers ERROR authentication_failed, the executor reports it")
    func wrongExecutorSecret() {
        var driver = Self.driver()
        var executor = Self.executor(secret: Self.otherSecret)
        _ = driver.channelActive(now: Self.t0)
        guard case .send(let hello) = executor.channelActive(now: Self.t0),
              case .send(let challenge) = driver.messageReceived(hello, now: Self.t0),
              case .send(let auth) = executor.messageReceived(challenge, now: Self.t0)
        else { Issue.record("handshake did not reach AUTH"); return }
        let action = driver.messageReceived(auth, now: Self.t0)
        expectFailure(
            action, .wireAuthenticationFailed, frame: .authenticationFailed,
            message: "executor \"exec-1\" failed authentication: its proof does not match this driver's shared secret")
        guard case .fail(_, let frame?) = action else { return }
        let reply = executor.messageReceived(.error(frame), now: Self.t0)
        expectFailure(reply, .wireAuthenticationFailed, frame: nil, message: "the driver closed the connection with ERROR authentication_failed")
        #expect(executor.failure?.underlying == "authentication failed: the executor's proof does not match the driver's shared secret")
        #expect(executor.nextWakeup == nil, "an ERROR from the peer closes at once, without answering")
    }

    @Test("a driver that cannot prove the secret is refused by the executor")
    func rogueDriver() {
        var executor = Self.executor()
        _ = executor.channelActive(now: Self.t0)
        _ = executor.messageReceived(.challenge(Self.challenge), now: Self.t0)
        var forged = Self.welcome
        forged.proof = HandshakeProof.driverProof(
            secret: Self.otherSecret, hello: Self.hello, challenge: Self.challenge, sessionID: 77,
            heartbeatIntervalMillis: 1000, heartbeatTimeoutMillis: 3000)
        expectFailure(executor.messageReceived(.welcome(forged), now: Self.t0), .wireAuthenticationFailed, frame: .authenticationFailed)

        // A genuine proof does not cover different heartbeat settings.
        var executor2 = Self.executor()
        _ = executor2.channelActive(now: Self.t0)
        _ = executor2.messageReceived(.challenge(Self.challenge), now: Self.t0)
        var tampered = Self.welcome
        tampered.heartbeatTimeoutMillis = 1_000_000
        expectFailure(executor2.messageReceived(.welcome(tampered), now: Self.t0), .wireAuthenticationFailed, frame: .authenticationFailed)
    }

    @Test("a replayed AUTH does not work on a connection with another server nonce")
    func replay() {
        var driver = Machine(
            role: .driver(.init(
                secret: Self.secret, heartbeatIntervalMillis: 1000, heartbeatTimeoutMillis: 3000, sessionID: 78,
                serverNonce: Fixtures.nonce(0x40))),
            handshakeTimeout: .seconds(10), closeGracePeriod: .milliseconds(500))
        _ = driver.channelActive(now: Self.t0)
        _ = driver.messageReceived(.hello(Self.hello), now: Self.t0)
        expectFailure(driver.messageReceived(Self.auth, now: Self.t0), .wireAuthenticationFailed, frame: .authenticationFailed)
    }

    @Test("messages out of order during the handshake are refused", arguments: [
        // (state reached, message, expected text)
        (0, WireMessage.assignTask(Fixtures.taskSpec("t")), "the executor sent ASSIGN_TASK where HELLO was expected"),
        (0, WireMessage.heartbeat, "the executor sent HEARTBEAT where HELLO was expected"),
        (0, WireMessage.auth(.init(proof: Fixtures.nonce(1))), "the executor sent AUTH where HELLO was expected"),
        (1, WireMessage.hello(hello), "executor \"exec-1\" sent HELLO where AUTH was expected"),
        (1, WireMessage.taskResult(Fixtures.taskResult("t")), "executor \"exec-1\" sent TASK_RESULT where AUTH was expected"),
    ])
    func outOfOrderOnDriver(_ step: Int, _ message: WireMessage, _ text: String) {
        var driver = Self.driver()
        _ = driver.channelActive(now: Self.t0)
        if step >= 1 { _ = driver.messageReceived(.hello(Self.hello), now: Self.t0) }
        expectFailure(driver.messageReceived(message, now: Self.t0), .wireUnexpectedMessage, frame: .unexpectedMessage, message: text)
        #expect(!driver.isEstablished)
    }

    @Test("an executor refuses work before WELCOME")
    func workBeforeWelcome() {
        var executor = Self.executor()
        _ = executor.channelActive(now: Self.t0)
        expectFailure(
            executor.messageReceived(.runConfig(.init(runID: "r", plan: "")), now: Self.t0),
            .wireUnexpectedMessage, frame: .unexpectedMessage,
            message: "the driver sent RUN_CONFIG where CHALLENGE was expected")
        var executor2 = Self.executor()
        _ = executor2.channelActive(now: Self.t0)
        _ = executor2.messageReceived(.challenge(Self.challenge), now: Self.t0)
        expectFailure(
            executor2.messageReceived(.assignTask(Fixtures.taskSpec("t")), now: Self.t0),
            .wireUnexpectedMessage, frame: .unexpectedMessage)
    }

    @Test("handshake messages after the handshake, and the other role's messages, are refused", arguments: [
        WireMessage.hello(hello), .auth(.init(proof: Fixtures.nonce(3))), .assignTask(Fixtures.taskSpec("t")),
        .welcome(welcome), .runConfig(.init(runID: "r", plan: "")),
    ])
    func unexpectedAfterHandshake(_ message: WireMessage) {
        var (driver, _) = Self.established()
        expectFailure(driver.messageReceived(message, now: Self.t0), .wireUnexpectedMessage, frame: .unexpectedMessage)
    }

    @Test("the handshake must complete in time")
    func handshakeTimeout() {
        var driver = Self.driver()
        _ = driver.channelActive(now: Self.t0)
        #expect(driver.timerFired(now: Self.t0 + .seconds(9), inboundPaused: false) == .none)
        _ = driver.messageReceived(.hello(Self.hello), now: Self.t0 + .seconds(9))
        #expect(driver.nextWakeup == Self.t0 + .seconds(10), "the deadline covers the whole handshake")
        let action = driver.timerFired(now: Self.t0 + .seconds(10), inboundPaused: false)
        expectFailure(action, .wireHandshakeTimeout, frame: .handshakeTimeout,
                      message: "executor \"exec-1\" did not complete the handshake within 10 s")
    }

    @Test("an undecodable frame fails the session with an ERROR frame carrying the decoder's words")
    func decodingFailure() {
        var driver = Self.driver()
        _ = driver.channelActive(now: Self.t0)
        let error = WireDecodingError(.badMagic, detail: "not a Sluice wire frame: starts with 0x47 0x45 where the magic 0x53 0x4C (\"SL\") belongs")
        let action = driver.decodingFailed(error, now: Self.t0)
        #expect(action == .fail(
            SluiceError(.wireProtocolError, "invalid frame from the executor: \(error.detail)"),
            errorFrame: .init(code: .protocolError, message: error.detail)))
        var (established, _) = Self.established()
        let tooLarge = WireDecodingError(.frameTooLarge, messageType: 0x13, detail: "payload of 9 bytes exceeds the limit of 8 bytes")
        expectFailure(established.decodingFailed(tooLarge, now: Self.t0), .wireFrameTooLarge, frame: .frameTooLarge)
    }

    // MARK: Heartbeats

    @Test("heartbeats go out every interval, any frame counts as a sign of life, silence kills the session")
    func heartbeats() {
        var (driver, _) = Self.established()
        let t0 = Self.t0
        #expect(driver.nextWakeup == t0 + .seconds(1))
        #expect(driver.timerFired(now: t0 + .milliseconds(999), inboundPaused: false) == .none)
        #expect(driver.timerFired(now: t0 + .seconds(1), inboundPaused: false) == .send(.heartbeat))
        #expect(driver.nextWakeup == t0 + .seconds(2))
        #expect(driver.messageReceived(.heartbeat, now: t0 + .milliseconds(2500)) == .none)
        #expect(driver.timerFired(now: t0 + .seconds(2), inboundPaused: false) == .send(.heartbeat))
        #expect(driver.timerFired(now: t0 + .seconds(3), inboundPaused: false) == .send(.heartbeat))
        let progress = WireMessage.taskProgress(.init(taskID: 1, attempt: 1, rows: 10))
        #expect(driver.messageReceived(progress, now: t0 + .seconds(4)) == .deliver(progress))
        #expect(driver.timerFired(now: t0 + .seconds(4), inboundPaused: false) == .send(.heartbeat))
        #expect(driver.timerFired(now: t0 + .seconds(5), inboundPaused: false) == .send(.heartbeat))
        #expect(driver.timerFired(now: t0 + .seconds(6), inboundPaused: false) == .send(.heartbeat))
        #expect(driver.nextWakeup == t0 + .seconds(7), "last heard at 4 s, timeout 3 s")
        // Silence is suspected first (the heartbeat still goes out) and confirmed 1 ms later, after the event
        // loop polled the socket again.
        #expect(driver.timerFired(now: t0 + .seconds(7), inboundPaused: false) == .send(.heartbeat))
        let confirm = t0 + .seconds(7) + .milliseconds(1)
        #expect(driver.nextWakeup == confirm)
        let dead = driver.timerFired(now: confirm, inboundPaused: false)
        #expect(dead == .fail(
            SluiceError(.wireHeartbeatTimeout, "executor \"exec-1\" is unresponsive: nothing received for 3.0 s (heartbeat timeout 3 s)"),
            errorFrame: .init(code: .heartbeatTimeout, message: "nothing received for 3.0 s (heartbeat timeout 3 s)")))
        // Lingering: the peer's frames are dropped, and the grace period ends in a close.
        #expect(driver.messageReceived(progress, now: t0 + .milliseconds(7100)) == .none)
        #expect(driver.outboundMessage(.assignTask, now: t0 + .milliseconds(7100)) == .reject(driver.failure!))
        #expect(driver.timerFired(now: t0 + .milliseconds(7400), inboundPaused: false) == .none)
        #expect(driver.timerFired(now: confirm + .milliseconds(500), inboundPaused: false) == .close)
        #expect(driver.nextWakeup == nil)
    }

    @Test("a frame read between suspicion and confirmation clears the suspicion")
    func suspicionCleared() {
        var (driver, _) = Self.established()
        let t0 = Self.t0
        #expect(driver.timerFired(now: t0 + .seconds(1), inboundPaused: false) == .send(.heartbeat))
        #expect(driver.timerFired(now: t0 + .seconds(2), inboundPaused: false) == .send(.heartbeat))
        #expect(driver.timerFired(now: t0 + .seconds(3), inboundPaused: false) == .send(.heartbeat), "suspected")
        #expect(driver.nextWakeup == t0 + .seconds(3) + .milliseconds(1))
        // The peer's heartbeat was waiting in the socket; the event loop reads it before confirming.
        #expect(driver.messageReceived(.heartbeat, now: t0 + .seconds(3)) == .none)
        #expect(driver.timerFired(now: t0 + .seconds(3) + .milliseconds(1), inboundPaused: false) == .none)
        #expect(driver.isEstablished)
        #expect(driver.nextWakeup == t0 + .seconds(4))
    }

    @Test("while the application is not reading, the peer's silence does not count")
    func pausedInbound() {
        var (_, executor) = Self.established()
        let t0 = Self.t0
        #expect(executor.timerFired(now: t0 + .seconds(10), inboundPaused: true) == .send(.heartbeat))
        #expect(executor.timerFired(now: t0 + .seconds(12), inboundPaused: false) == .send(.heartbeat))
        #expect(executor.timerFired(now: t0 + .seconds(13), inboundPaused: false) == .send(.heartbeat), "suspected")
        // Paused again before the confirmation: the suspicion is dropped.
        #expect(executor.timerFired(now: t0 + .seconds(13) + .milliseconds(1), inboundPaused: true) == .none)
        #expect(executor.isEstablished)
        #expect(executor.timerFired(now: t0 + .seconds(16) + .milliseconds(2), inboundPaused: false) == .send(.heartbeat), "suspected")
        expectFailure(executor.timerFired(now: t0 + .seconds(16) + .milliseconds(3), inboundPaused: false), .wireHeartbeatTimeout,
                      frame: .heartbeatTimeout,
                      message: "the driver is unresponsive: nothing received for 3.0 s (heartbeat timeout 3 s)")
    }

    // MARK: Ending a session

    @Test("the peer's SHUTDOWN is delivered and ends the session cleanly")
    func peerShutdown() {
        var (_, executor) = Self.established()
        let shutdown = WireMessage.shutdown(.init(reason: "run finished"))
        #expect(executor.messageReceived(shutdown, now: Self.t0) == .deliverThenClose(shutdown))
        #expect(executor.failure == nil)
        #expect(executor.outboundMessage(.taskResult, now: Self.t0) == .reject(SluiceError(
            .wireConnectionClosed, "cannot send TASK_RESULT: the connection to the driver is closed")))
        #expect(executor.channelInactive() == nil)
    }

    @Test("sending SHUTDOWN closes the output; the peer's last messages still arrive; its EOF ends cleanly")
    func ownShutdown() {
        var (driver, _) = Self.established()
        #expect(driver.outboundMessage(.assignTask, now: Self.t0) == .write)
        #expect(driver.outboundMessage(.shutdown, now: Self.t0) == .writeThenCloseOutput)
        let result = WireMessage.taskResult(Fixtures.taskResult("t"))
        #expect(driver.messageReceived(result, now: Self.t0) == .deliver(result))
        #expect(driver.outboundMessage(.assignTask, now: Self.t0) != .write)
        #expect(driver.inputClosed() == .close)
        #expect(driver.failure == nil)
        #expect(driver.channelInactive() == nil)
    }

    @Test("closing an established session says SHUTDOWN; closing during the handshake does not")
    func localClose() {
        var (driver, _) = Self.established()
        #expect(driver.closeRequested() == .sendThenClose(.shutdown(.init(reason: "the driver closed the connection"))))
        #expect(driver.channelInactive() == nil)
        var executor = Self.executor()
        _ = executor.channelActive(now: Self.t0)
        #expect(executor.closeRequested() == .close)
        #expect(executor.failure?.code == .wireConnectionClosed)
    }

    @Test("a connection that ends without SHUTDOWN is lost, whichever way it ends", arguments: [0, 1, 2])
    func lostConnection(_ way: Int) {
        var (driver, _) = Self.established()
        switch way {
        case 0:
            expectFailure(driver.inputClosed(), .wireConnectionLost, frame: nil,
                          message: "executor \"exec-1\" closed the connection without SHUTDOWN")
            #expect(driver.channelInactive() == nil, "reported once")
        case 1:
            let action = driver.connectionFailed(underlying: "Connection reset by peer (errno: 104)")
            expectFailure(action, .wireConnectionLost, frame: nil, message: "connection to executor \"exec-1\" lost")
            #expect(driver.failure?.underlying == "Connection reset by peer (errno: 104)")
        default:
            #expect(driver.channelInactive()?.code == .wireConnectionLost)
        }
    }

    @Test("the peer's ERROR after the handshake ends the session with the peer's code")
    func peerError() {
        var (driver, _) = Self.established()
        let action = driver.messageReceived(.error(.init(code: .heartbeatTimeout, message: "nothing received for 3 s")), now: Self.t0)
        expectFailure(action, .wireHeartbeatTimeout, frame: nil,
                      message: "executor \"exec-1\" closed the connection with ERROR heartbeat_timeout")
        var (_, executor) = Self.established()
        expectFailure(executor.messageReceived(.error(.init(code: WireErrorCode(rawValue: 999), message: "?")), now: Self.t0),
                      .wirePeerError, frame: nil)
    }

    @Test("nothing can be sent before the handshake")
    func sendBeforeHandshake() {
        var driver = Self.driver()
        _ = driver.channelActive(now: Self.t0)
        guard case .reject(let error) = driver.outboundMessage(.assignTask, now: Self.t0) else {
            Issue.record("expected a rejection")
            return
        }
        #expect(error.code == .wireConnectionClosed)
    }
}
