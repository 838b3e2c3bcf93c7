import Foundation
import SluiceCore
import SluiceWire
import Testing

@Suite("Shared secret and configuration")
struct WireSecretTests {
    static let token = "0123456789abcdef-token"

    /// Two secrets are the same key when they produce the same proof.
    func sameKey(_ a: WireSecret, _ b: WireSecret) -> Bool {
        let hello = Fixtures.hello
        let challenge = WireMessage.Challenge(version: 1, serverNonce: Fixtures.nonce(1))
        return HandshakeProof.executorProof(secret: a, hello: hello, challenge: challenge)
            == HandshakeProof.executorProof(secret: b, hello: hello, challenge: challenge)
    }

    @Test("from the environment: trailing newlines trimmed, the variable named in errors, the value never")
    func environment() throws {
        let reference = try WireSecret(text: Self.token)
        for value in [Self.token, Self.token + "\n", Self.token + "\r\n", Self.token + "\n\n"] {
            #expect(sameKey(try WireSecret.fromEnvironment(environment: ["SLUICE_TOKEN": value]), reference))
        }
        #expect(!sameKey(try WireSecret.fromEnvironment(environment: ["SLUICE_TOKEN": " " + Self.token]), reference),
                "only newlines are trimmed")
        #expect(sameKey(try WireSecret.fromEnvironment("OTHER", environment: ["OTHER": Self.token]), reference))

        let missing = #expect(throws: SluiceError.self) { try WireSecret.fromEnvironment(environment: [:]) }
        #expect(missing?.code == .wireInvalidSecret)
        #expect(missing?.message.hasPrefix("environment variable SLUICE_TOKEN is not set") == true)
        let empty = #expect(throws: SluiceError.self) { try WireSecret.fromEnvironment(environment: ["SLUICE_TOKEN": "\n"]) }
        #expect(empty?.message.hasPrefix("environment variable SLUICE_TOKEN is empty") == true)
        let short = #expect(throws: SluiceError.self) { try WireSecret.fromEnvironment(environment: ["SLUICE_TOKEN": "changeme"]) }
        #expect(short?.message == "environment variable SLUICE_TOKEN is too short (8 bytes); use a random token of at least 16 bytes")
        #expect(short.map { "\($0)" }?.contains("changeme") == false)
    }

    @Test("from a file: trailing newline trimmed; unreadable, empty and short files named in the error")
    func file() throws {
        let directory = NSTemporaryDirectory() + "wire-secret-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/token"
        try Data((Self.token + "\n").utf8).write(to: URL(fileURLWithPath: path))
        #expect(sameKey(try WireSecret.fromFile(path), try WireSecret(text: Self.token)))
        #expect(sameKey(try WireSecret.load(file: path, environment: [:]), try WireSecret(text: Self.token)))
        #expect(sameKey(try WireSecret.load(file: nil, environment: ["SLUICE_TOKEN": Self.token]), try WireSecret(text: Self.token)))

        let missing = #expect(throws: SluiceError.self) { try WireSecret.fromFile(directory + "/nope") }
        #expect(missing?.code == .wireInvalidSecret)
        #expect(missing?.context.file == directory + "/nope")
        #expect(missing?.message == "cannot read the shared secret file")

        try Data("short\n".utf8).write(to: URL(fileURLWithPath: path))
        let short = #expect(throws: SluiceError.self) { try WireSecret.fromFile(path) }
        #expect(short?.message == "the shared secret file is too short (5 bytes); use a random token of at least 16 bytes")
        #expect(short?.context.file == path)
        #expect(short.map { "\($0)" }?.contains(path) == true)

        try Data().write(to: URL(fileURLWithPath: path))
        let empty = #expect(throws: SluiceError.self) { try WireSecret.fromFile(path) }
        #expect(empty?.message.hasPrefix("the shared secret file is empty") == true)
    }

    @Test("the secret never shows in descriptions, debug output or reflection")
    func redacted() throws {
        let secret = try WireSecret(text: Self.token)
        var dumped = ""
        dump(secret, to: &dumped)
        for text in ["\(secret)", String(describing: secret), String(reflecting: secret), dumped, "\([secret])"] {
            #expect(!text.contains(Self.token))
            #expect(!text.contains("0123456789"))
        }
        #expect("\(secret)" == "WireSecret(redacted)")
    }

    @Test("configuration: defaults, derived timeout, and every range check names its key")
    func configuration() throws {
        let defaults = WireConfiguration()
        #expect(defaults.maxFrameSize == 64 << 20)
        #expect(defaults.heartbeatTimeout == .seconds(15))
        try defaults.validate()
        let bad: [(WireConfiguration, String)] = [
            (WireConfiguration(maxFrameSize: 1000), "maxFrameSize"),
            (WireConfiguration(maxFrameSize: Int(UInt32.max) + 1), "maxFrameSize"),
            (WireConfiguration(heartbeatInterval: .microseconds(10)), "heartbeatInterval"),
            (WireConfiguration(missedHeartbeats: 0), "missedHeartbeats"),
            (WireConfiguration(heartbeatInterval: .seconds(10_000_000)), "heartbeatInterval"),
            (WireConfiguration(handshakeTimeout: .zero), "handshakeTimeout"),
            (WireConfiguration(connectTimeout: .seconds(-1)), "connectTimeout"),
            (WireConfiguration(closeGracePeriod: .seconds(-1)), "closeGracePeriod"),
            (WireConfiguration(inboundBufferSize: 0), "inboundBufferSize"),
        ]
        for (configuration, key) in bad {
            let error = #expect(throws: SluiceError.self) { try configuration.validate() }
            #expect(error?.code == .wireInvalidConfiguration)
            #expect(error?.context.key == key)
        }
    }

    @Test("error codes: names from the spec, and the SluiceError code each maps to")
    func errorCodes() {
        let expected: [(WireErrorCode, String, SluiceError.Code)] = [
            (.protocolError, "protocol_error", .wireProtocolError),
            (.frameTooLarge, "frame_too_large", .wireFrameTooLarge),
            (.unsupportedVersion, "unsupported_version", .wireUnsupportedVersion),
            (.authenticationFailed, "authentication_failed", .wireAuthenticationFailed),
            (.unexpectedMessage, "unexpected_message", .wireUnexpectedMessage),
            (.handshakeTimeout, "handshake_timeout", .wireHandshakeTimeout),
            (.heartbeatTimeout, "heartbeat_timeout", .wireHeartbeatTimeout),
            (.shuttingDown, "shutting_down", .wirePeerShuttingDown),
            (.internalError, "internal_error", .wirePeerError),
            (WireErrorCode(rawValue: 77), "code_77", .wirePeerError),
        ]
        for (code, name, sluiceCode) in expected {
            #expect(code.name == name)
            #expect(code.sluiceCode == sluiceCode)
        }
        #expect(WireErrorCode.protocolError.rawValue == 1 && WireErrorCode.internalError.rawValue == 9)
    }

    @Test("nonces are 32 fresh bytes each time")
    func nonces() {
        let nonces = (0..<100).map { _ in WireRandom.nonce() }
        #expect(nonces.allSatisfy { $0.count == 32 })
        #expect(Set(nonces).count == 100)
        #expect(Set((0..<100).map { _ in WireRandom.sessionID() }).count == 100)
    }
}
