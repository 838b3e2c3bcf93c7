import NIOCore
import SluiceCore

/// The four handshake steps (docs/protocol.md §5.1).
extension WireSessionStateMachine {
    /// Driver: HELLO arrived. Choose the highest version both speak and answer CHALLENGE.
    mutating func helloReceived(_ hello: WireMessage.Hello, now: NIODeadline) -> Action {
        guard case .driver(let parameters) = role, case .awaitingHello(let deadline) = state else {
            return unexpected(.hello(hello), expecting: "no HELLO", now: now)
        }
        setClaimedExecutorID(hello.executorID)
        let low = max(parameters.versions.lowerBound, hello.minVersion)
        let high = min(parameters.versions.upperBound, hello.maxVersion)
        guard low <= high else {
            let ours = "\(parameters.versions.lowerBound)...\(parameters.versions.upperBound)"
            let theirs = "\(hello.minVersion)...\(hello.maxVersion)"
            return fail(
                SluiceError(
                    .wireUnsupportedVersion,
                    "\(peerName) speaks protocol versions \(theirs); this driver speaks \(ours)"),
                report: WireMessage.ErrorReport(
                    code: .unsupportedVersion,
                    message: "no common protocol version: the executor offers \(theirs), the driver speaks \(ours)"),
                now: now)
        }
        let challenge = WireMessage.Challenge(version: high, serverNonce: parameters.serverNonce)
        setState(.awaitingAuth(hello, challenge, deadline: deadline))
        return .send(.challenge(challenge))
    }

    /// Driver: AUTH arrived. Check the executor's proof; answer WELCOME with the driver's own proof.
    mutating func authReceived(
        _ auth: WireMessage.Auth, hello: WireMessage.Hello, challenge: WireMessage.Challenge, now: NIODeadline
    ) -> Action {
        guard case .driver(let parameters) = role else {
            return unexpected(.auth(auth), expecting: "no AUTH", now: now)
        }
        let input = HandshakeProof.executorInput(hello: hello, challenge: challenge)
        guard HandshakeProof.isValid(auth.proof, for: input, secret: parameters.secret) else {
            return fail(
                SluiceError(
                    .wireAuthenticationFailed,
                    "\(peerName) failed authentication: its proof does not match this driver's shared secret"),
                report: WireMessage.ErrorReport(
                    code: .authenticationFailed,
                    message: "authentication failed: the executor's proof does not match the driver's shared secret"),
                now: now)
        }
        let proof = HandshakeProof.driverProof(
            secret: parameters.secret, hello: hello, challenge: challenge, sessionID: parameters.sessionID,
            heartbeatIntervalMillis: parameters.heartbeatIntervalMillis,
            heartbeatTimeoutMillis: parameters.heartbeatTimeoutMillis)
        let welcome = WireMessage.Welcome(
            proof: proof, sessionID: parameters.sessionID, heartbeatIntervalMillis: parameters.heartbeatIntervalMillis,
            heartbeatTimeoutMillis: parameters.heartbeatTimeoutMillis)
        let peer = establish(hello: hello, challenge: challenge, welcome: welcome, now: now)
        return .authenticated(peer, reply: .welcome(welcome))
    }

    /// Executor: CHALLENGE arrived. Check the chosen version; answer AUTH.
    mutating func challengeReceived(
        _ challenge: WireMessage.Challenge, hello: WireMessage.Hello, deadline: NIODeadline, now: NIODeadline
    ) -> Action {
        guard case .executor(let parameters) = role else {
            return unexpected(.challenge(challenge), expecting: "no CHALLENGE", now: now)
        }
        guard parameters.versions.contains(challenge.version) else {
            let ours = "\(parameters.versions.lowerBound)...\(parameters.versions.upperBound)"
            return fail(
                SluiceError(
                    .wireUnsupportedVersion,
                    "the driver chose protocol version \(challenge.version); this executor speaks \(ours)"),
                report: WireMessage.ErrorReport(
                    code: .unsupportedVersion,
                    message: "version \(challenge.version) is outside the offered range \(ours)"),
                now: now)
        }
        let proof = HandshakeProof.executorProof(secret: parameters.secret, hello: hello, challenge: challenge)
        setState(.awaitingWelcome(hello, challenge, deadline: deadline))
        return .send(.auth(WireMessage.Auth(proof: proof)))
    }

    /// Executor: WELCOME arrived. Check the driver's proof; the session is established.
    mutating func welcomeReceived(
        _ welcome: WireMessage.Welcome, hello: WireMessage.Hello, challenge: WireMessage.Challenge, now: NIODeadline
    ) -> Action {
        guard case .executor(let parameters) = role else {
            return unexpected(.welcome(welcome), expecting: "no WELCOME", now: now)
        }
        let input = HandshakeProof.driverInput(
            hello: hello, challenge: challenge, sessionID: welcome.sessionID,
            heartbeatIntervalMillis: welcome.heartbeatIntervalMillis,
            heartbeatTimeoutMillis: welcome.heartbeatTimeoutMillis)
        guard HandshakeProof.isValid(welcome.proof, for: input, secret: parameters.secret) else {
            return fail(
                SluiceError(
                    .wireAuthenticationFailed,
                    "the driver failed authentication: its proof does not match this executor's shared secret"),
                report: WireMessage.ErrorReport(
                    code: .authenticationFailed,
                    message: "authentication failed: the driver's proof does not match the executor's shared secret"),
                now: now)
        }
        let peer = establish(hello: hello, challenge: challenge, welcome: welcome, now: now)
        return .authenticated(peer, reply: nil)
    }

    /// Moves to `established` with the heartbeat timing from WELCOME.
    private mutating func establish(
        hello: WireMessage.Hello, challenge: WireMessage.Challenge, welcome: WireMessage.Welcome, now: NIODeadline
    ) -> WireSessionPeer {
        let interval = TimeAmount.milliseconds(Int64(welcome.heartbeatIntervalMillis))
        let timeout = TimeAmount.milliseconds(Int64(welcome.heartbeatTimeoutMillis))
        let peer = WireSessionPeer(
            protocolVersion: challenge.version, sessionID: welcome.sessionID, executorID: hello.executorID,
            slots: hello.slots, heartbeatInterval: interval, heartbeatTimeout: timeout)
        setPeer(peer)
        setState(.established(Liveness(interval: interval, timeout: timeout, lastHeard: now, nextBeat: now + interval)))
        return peer
    }
}
