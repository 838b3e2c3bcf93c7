package import NIOCore
package import SluiceCore

/// The life of one wire connection, as a value with no IO in it (docs/protocol.md §5, §8).
///
/// The channel handler feeds it events (the channel became active, a message arrived, a frame failed to
/// decode, a timer fired, the application wants to send or close, the peer closed) and runs the ``Action``
/// each event returns. Time comes in as `now` arguments, randomness (nonces, session id) through the
/// role's parameters, so every transition can be tested as a table.
package struct WireSessionStateMachine {
    /// What the driver's side needs to run a handshake.
    package struct DriverParameters: Sendable {
        package var secret: WireSecret
        package var versions: ClosedRange<UInt16>
        package var heartbeatIntervalMillis: UInt32
        package var heartbeatTimeoutMillis: UInt32
        package var sessionID: UInt64
        package var serverNonce: [UInt8]

        package init(
            secret: WireSecret, versions: ClosedRange<UInt16> = WireProtocol.supportedVersions,
            heartbeatIntervalMillis: UInt32, heartbeatTimeoutMillis: UInt32, sessionID: UInt64, serverNonce: [UInt8]
        ) {
            self.secret = secret
            self.versions = versions
            self.heartbeatIntervalMillis = heartbeatIntervalMillis
            self.heartbeatTimeoutMillis = heartbeatTimeoutMillis
            self.sessionID = sessionID
            self.serverNonce = serverNonce
        }
    }

    /// What an executor's side needs to run a handshake.
    package struct ExecutorParameters: Sendable {
        package var secret: WireSecret
        package var versions: ClosedRange<UInt16>
        package var executorID: String
        package var slots: UInt32
        package var clientNonce: [UInt8]

        package init(
            secret: WireSecret, versions: ClosedRange<UInt16> = WireProtocol.supportedVersions, executorID: String,
            slots: UInt32, clientNonce: [UInt8]
        ) {
            self.secret = secret
            self.versions = versions
            self.executorID = executorID
            self.slots = slots
            self.clientNonce = clientNonce
        }
    }

    /// Which end of the connection this machine runs.
    package enum Role: Sendable {
        case driver(DriverParameters)
        case executor(ExecutorParameters)
    }

    /// What the handler does after an event.
    package enum Action: Equatable {
        /// Nothing.
        case none
        /// Write and flush a frame the session itself sends (HELLO, CHALLENGE, AUTH, HEARTBEAT).
        case send(WireMessage)
        /// The handshake succeeded: write `reply` (WELCOME, on the driver) and announce `peer`.
        case authenticated(WireSessionPeer, reply: WireMessage?)
        /// Hand a message to the application.
        case deliver(WireMessage)
        /// Hand the peer's SHUTDOWN to the application, then close: the session ended cleanly.
        case deliverThenClose(WireMessage)
        /// The session failed: report `error` to the application. With `errorFrame`, write it, close the
        /// output and wait (up to the grace period) for the peer to close; without, close at once.
        case fail(SluiceError, errorFrame: WireMessage.ErrorReport?)
        /// Close the channel now (the outcome was already reported, or the session ended cleanly).
        case close
    }

    /// What the handler does with a frame the application wants to send.
    package enum OutboundAction: Equatable {
        /// Write it.
        case write
        /// Write and flush it (SHUTDOWN), then close the output and wait for the peer to close.
        case writeThenCloseOutput
        /// Fail the write with this error.
        case reject(SluiceError)
    }

    /// What the handler does when the application closes the channel.
    package enum CloseAction: Equatable {
        /// Write and flush this frame (SHUTDOWN), then close.
        case sendThenClose(WireMessage)
        /// Close.
        case close
    }

    /// Heartbeat bookkeeping of an established session.
    struct Liveness: Equatable {
        var interval: TimeAmount
        var timeout: TimeAmount
        /// When the last frame from the peer arrived.
        var lastHeard: NIODeadline
        /// When this side sends its next HEARTBEAT.
        var nextBeat: NIODeadline
        /// When the timer first found the peer silent for the timeout. The verdict waits for one more timer,
        /// `confirmationDelay` later, so the event loop polls the socket in between: a busy event loop must
        /// not mistake frames it has not read yet for the peer's silence.
        var silentSince: NIODeadline? = nil
    }

    /// How long a suspected heartbeat timeout waits for confirmation (see ``Liveness/silentSince``).
    static let confirmationDelay = TimeAmount.milliseconds(1)

    enum State: Equatable {
        /// The channel is not active yet.
        case idle
        /// Driver: waiting for HELLO.
        case awaitingHello(deadline: NIODeadline)
        /// Driver: CHALLENGE sent, waiting for AUTH.
        case awaitingAuth(WireMessage.Hello, WireMessage.Challenge, deadline: NIODeadline)
        /// Executor: HELLO sent, waiting for CHALLENGE.
        case awaitingChallenge(WireMessage.Hello, deadline: NIODeadline)
        /// Executor: AUTH sent, waiting for WELCOME.
        case awaitingWelcome(WireMessage.Hello, WireMessage.Challenge, deadline: NIODeadline)
        /// Authenticated; application messages flow both ways.
        case established(Liveness)
        /// This side sent SHUTDOWN; the peer's last messages are still delivered until it closes.
        case shuttingDown(deadline: NIODeadline)
        /// This side sent ERROR; everything from the peer is dropped until it closes.
        case closing(deadline: NIODeadline)
        /// Over.
        case closed
    }

    let role: Role
    let handshakeTimeout: TimeAmount
    let closeGracePeriod: TimeAmount
    private(set) var state: State = .idle
    /// The session's peer, once authenticated.
    package private(set) var peer: WireSessionPeer?
    /// The first failure, if the session failed.
    package private(set) var failure: SluiceError?
    /// The executor id HELLO announced (driver side), before it is authenticated; for logs.
    package private(set) var claimedExecutorID: String?

    package init(role: Role, handshakeTimeout: TimeAmount, closeGracePeriod: TimeAmount) {
        self.role = role
        self.handshakeTimeout = handshakeTimeout
        self.closeGracePeriod = closeGracePeriod
    }

    /// This side's role.
    package var localRole: WireRole {
        if case .driver = role { return .driver }
        return .executor
    }

    /// True between the handshake and the first SHUTDOWN, ERROR or close.
    package var isEstablished: Bool {
        if case .established = state { return true }
        return false
    }

    /// When the handler should call ``timerFired(now:inboundPaused:)`` next, or nil when no timer is needed.
    package var nextWakeup: NIODeadline? {
        switch state {
        case .awaitingHello(let deadline), .awaitingAuth(_, _, let deadline), .awaitingChallenge(_, let deadline),
            .awaitingWelcome(_, _, let deadline), .shuttingDown(let deadline), .closing(let deadline):
            return deadline
        case .established(let liveness):
            if let silentSince = liveness.silentSince {
                return min(liveness.nextBeat, silentSince + Self.confirmationDelay)
            }
            return min(liveness.nextBeat, liveness.lastHeard + liveness.timeout)
        case .idle, .closed:
            return nil
        }
    }

    // MARK: Events from the channel

    /// The TCP connection is up: the executor sends HELLO, the driver starts its handshake clock.
    package mutating func channelActive(now: NIODeadline) -> Action {
        guard case .idle = state else { return .none }
        let deadline = now + handshakeTimeout
        switch role {
        case .driver:
            state = .awaitingHello(deadline: deadline)
            return .none
        case .executor(let parameters):
            let hello = WireMessage.Hello(
                minVersion: parameters.versions.lowerBound, maxVersion: parameters.versions.upperBound,
                slots: parameters.slots, clientNonce: parameters.clientNonce, executorID: parameters.executorID)
            state = .awaitingChallenge(hello, deadline: deadline)
            return .send(.hello(hello))
        }
    }

    /// A frame arrived and decoded.
    package mutating func messageReceived(_ message: WireMessage, now: NIODeadline) -> Action {
        switch state {
        case .idle:
            return unexpected(message, expecting: "nothing before the connection is active", now: now)
        case .awaitingHello:
            if case .hello(let hello) = message { return helloReceived(hello, now: now) }
            return handshakeMismatch(message, expecting: "HELLO", now: now)
        case .awaitingAuth(let hello, let challenge, _):
            if case .auth(let auth) = message { return authReceived(auth, hello: hello, challenge: challenge, now: now) }
            return handshakeMismatch(message, expecting: "AUTH", now: now)
        case .awaitingChallenge(let hello, let deadline):
            if case .challenge(let challenge) = message {
                return challengeReceived(challenge, hello: hello, deadline: deadline, now: now)
            }
            return handshakeMismatch(message, expecting: "CHALLENGE", now: now)
        case .awaitingWelcome(let hello, let challenge, _):
            if case .welcome(let welcome) = message {
                return welcomeReceived(welcome, hello: hello, challenge: challenge, now: now)
            }
            return handshakeMismatch(message, expecting: "WELCOME", now: now)
        case .established(var liveness):
            liveness.lastHeard = now
            liveness.silentSince = nil
            state = .established(liveness)
            return sessionMessage(message, now: now)
        case .shuttingDown:
            return sessionMessage(message, now: now)
        case .closing, .closed:
            return .none
        }
    }

    /// Bytes from the peer did not decode.
    package mutating func decodingFailed(_ error: WireDecodingError, now: NIODeadline) -> Action {
        switch state {
        case .closing, .closed:
            return .none
        case .idle, .awaitingHello, .awaitingAuth, .awaitingChallenge, .awaitingWelcome, .established, .shuttingDown:
            var failure = error.sluiceError
            failure.message = "invalid frame from \(peerName): \(error.description)"
            return fail(failure, report: WireMessage.ErrorReport(code: error.wireErrorCode, message: error.description), now: now)
        }
    }

    /// The socket failed (reset, timeout).
    package mutating func connectionFailed(underlying: String) -> Action {
        switch state {
        case .idle, .awaitingHello, .awaitingAuth, .awaitingChallenge, .awaitingWelcome, .established:
            return fail(SluiceError(.wireConnectionLost, "connection to \(peerName) lost", underlying: underlying), report: nil, now: nil)
        case .shuttingDown, .closing:
            state = .closed
            return .close
        case .closed:
            return .none
        }
    }

    /// The peer closed its side of the connection (EOF).
    package mutating func inputClosed() -> Action {
        switch state {
        case .idle, .awaitingHello, .awaitingAuth, .awaitingChallenge, .awaitingWelcome:
            return fail(
                SluiceError(.wireConnectionLost, "\(peerName) closed the connection during the handshake"),
                report: nil, now: nil)
        case .established:
            return fail(
                SluiceError(.wireConnectionLost, "\(peerName) closed the connection without SHUTDOWN"),
                report: nil, now: nil)
        case .shuttingDown, .closing:
            state = .closed
            return .close
        case .closed:
            return .none
        }
    }

    /// The channel closed. Returns the failure to report if this is the first sign of one.
    package mutating func channelInactive() -> SluiceError? {
        defer { state = .closed }
        switch state {
        case .awaitingHello, .awaitingAuth, .awaitingChallenge, .awaitingWelcome:
            return record(SluiceError(.wireConnectionLost, "connection to \(peerName) closed during the handshake"))
        case .established:
            return record(SluiceError(.wireConnectionLost, "connection to \(peerName) lost"))
        case .idle, .shuttingDown, .closing, .closed:
            return nil
        }
    }

    /// The handler's timer fired. `inboundPaused` is true while the application is not reading, in which
    /// case the peer's frames wait in the socket and its silence proves nothing.
    package mutating func timerFired(now: NIODeadline, inboundPaused: Bool) -> Action {
        switch state {
        case .awaitingHello(let deadline), .awaitingAuth(_, _, let deadline), .awaitingChallenge(_, let deadline),
            .awaitingWelcome(_, _, let deadline):
            guard now >= deadline else { return .none }
            let limit = describe(handshakeTimeout)
            return fail(
                SluiceError(.wireHandshakeTimeout, "\(peerName) did not complete the handshake within \(limit)"),
                report: WireMessage.ErrorReport(code: .handshakeTimeout, message: "handshake not completed within \(limit)"),
                now: now)
        case .established(var liveness):
            if inboundPaused {
                liveness.lastHeard = max(liveness.lastHeard, now)
                liveness.silentSince = nil
            }
            let silence = now - liveness.lastHeard
            if silence >= liveness.timeout {
                if let silentSince = liveness.silentSince, now >= silentSince + Self.confirmationDelay {
                    let text = "nothing received for \(describe(silence)) (heartbeat timeout \(describe(liveness.timeout)))"
                    return fail(
                        SluiceError(.wireHeartbeatTimeout, "\(peerName) is unresponsive: \(text)"),
                        report: WireMessage.ErrorReport(code: .heartbeatTimeout, message: text), now: now)
                }
                // Suspected: look again once the event loop has polled the socket (see `Liveness.silentSince`).
                if liveness.silentSince == nil { liveness.silentSince = now }
            }
            if now >= liveness.nextBeat {
                liveness.nextBeat = now + liveness.interval
                state = .established(liveness)
                return .send(.heartbeat)
            }
            state = .established(liveness)
            return .none
        case .shuttingDown(let deadline), .closing(let deadline):
            guard now >= deadline else { return .none }
            state = .closed
            return .close
        case .idle, .closed:
            return .none
        }
    }

    // MARK: Events from the application

    /// The application wants to send a message of type `id`.
    package mutating func outboundMessage(_ id: WireMessage.ID, now: NIODeadline) -> OutboundAction {
        switch state {
        case .established:
            guard id.sender == localRole || id == .shutdown, !id.isHandshake else {
                return .reject(SluiceError(.internalError, "the \(localRole) cannot send \(id)"))
            }
            guard id.introducedIn <= negotiatedVersion else {
                return .reject(SluiceError(.wireUnsupportedVersion,
                                           "cannot send \(id) in a version-\(negotiatedVersion) session: it needs version \(id.introducedIn)"))
            }
            if id == .shutdown {
                state = .shuttingDown(deadline: now + closeGracePeriod)
                return .writeThenCloseOutput
            }
            return .write
        case .idle, .awaitingHello, .awaitingAuth, .awaitingChallenge, .awaitingWelcome:
            return .reject(SluiceError(.wireConnectionClosed, "cannot send \(id) before the handshake completed"))
        case .shuttingDown, .closing, .closed:
            return .reject(failure ?? SluiceError(.wireConnectionClosed, "cannot send \(id): the connection to \(peerName) is closed"))
        }
    }

    /// The application closes the channel. An established session says SHUTDOWN first, so the peer sees a
    /// clean end rather than a lost connection.
    package mutating func closeRequested() -> CloseAction {
        defer { state = .closed }
        switch state {
        case .established:
            return .sendThenClose(.shutdown(WireMessage.Shutdown(reason: "the \(localRole) closed the connection")))
        case .idle, .awaitingHello, .awaitingAuth, .awaitingChallenge, .awaitingWelcome:
            record(SluiceError(.wireConnectionClosed, "the connection was closed before the handshake completed"))
            return .close
        case .shuttingDown, .closing, .closed:
            return .close
        }
    }

    // MARK: Helpers

    /// The version the handshake chose (the oldest this build speaks until then).
    var negotiatedVersion: UInt16 { peer?.protocolVersion ?? WireProtocol.supportedVersions.lowerBound }

    /// How messages and errors name the other side: `executor "e-1"`, `the executor`, `the driver`.
    var peerName: String {
        switch role {
        case .driver:
            if let id = claimedExecutorID { return "executor \"\(id)\"" }
            return "the executor"
        case .executor:
            return "the driver"
        }
    }

    mutating func setClaimedExecutorID(_ id: String) {
        claimedExecutorID = id
    }

    mutating func setPeer(_ peer: WireSessionPeer) {
        self.peer = peer
    }

    mutating func setState(_ state: State) {
        self.state = state
    }

    /// Records `error` as the failure if none was recorded; returns it then, nil otherwise.
    @discardableResult
    mutating func record(_ error: SluiceError) -> SluiceError? {
        guard failure == nil else { return nil }
        failure = error
        return error
    }

    /// Fails the session. With a report, this side sends ERROR and lingers; without, it closes at once.
    mutating func fail(_ error: SluiceError, report: WireMessage.ErrorReport?, now: NIODeadline?) -> Action {
        record(error)
        if let report, let now {
            state = .closing(deadline: now + closeGracePeriod)
            return .fail(error, errorFrame: report)
        }
        state = .closed
        return .fail(error, errorFrame: nil)
    }

    /// A message that does not belong in the current state.
    mutating func unexpected(_ message: WireMessage, expecting: String, now: NIODeadline) -> Action {
        fail(
            SluiceError(.wireUnexpectedMessage, "\(peerName) sent \(message.id) where \(expecting) was expected"),
            report: WireMessage.ErrorReport(code: .unexpectedMessage, message: "unexpected \(message.id): expected \(expecting)"),
            now: now)
    }

    /// During the handshake, anything but the expected message fails it; an ERROR from the peer ends it.
    mutating func handshakeMismatch(_ message: WireMessage, expecting: String, now: NIODeadline) -> Action {
        if case .error(let report) = message { return peerReported(report) }
        return unexpected(message, expecting: expecting, now: now)
    }

    /// After the handshake: heartbeats, application messages, SHUTDOWN and ERROR.
    mutating func sessionMessage(_ message: WireMessage, now: NIODeadline) -> Action {
        switch message {
        case .heartbeat:
            return .none
        case .shutdown:
            state = .closed
            return .deliverThenClose(message)
        case .error(let report):
            return peerReported(report)
        default:
            guard message.id.sender == localRole.peer, !message.id.isHandshake else {
                return unexpected(message, expecting: "a message from the \(localRole.peer)", now: now)
            }
            guard message.id.introducedIn <= negotiatedVersion else {
                return unexpected(message, expecting: "a message of protocol version \(negotiatedVersion)", now: now)
            }
            return .deliver(message)
        }
    }

    /// The peer sent ERROR: it is closing; report its reason and close without answering.
    mutating func peerReported(_ report: WireMessage.ErrorReport) -> Action {
        let text = report.message.count > 1000 ? String(report.message.prefix(1000)) + "…" : report.message
        return fail(
            SluiceError(report.code.sluiceCode, "\(peerName) closed the connection with ERROR \(report.code.name)", underlying: text),
            report: nil, now: nil)
    }
}

/// `1.5 s`, `250 ms`: a duration for messages.
func describe(_ amount: TimeAmount) -> String {
    let nanoseconds = amount.nanoseconds
    if nanoseconds % 1_000_000_000 == 0 { return "\(nanoseconds / 1_000_000_000) s" }
    if nanoseconds >= 1_000_000_000 {
        let tenths = (nanoseconds + 50_000_000) / 100_000_000
        return "\(tenths / 10).\(tenths % 10) s"
    }
    return "\(nanoseconds / 1_000_000) ms"
}
