import Crypto
import NIOCore

/// The HMAC-SHA256 proofs of the handshake (docs/protocol.md §5.2).
///
/// Both proofs cover a transcript of everything the handshake negotiated, so a proof cannot be replayed on
/// another connection (fresh nonces on both sides), moved to another executor id or version, or reflected
/// from one role to the other (each role has its own label):
///
///     transcript      = u16 version, u16 minVersion, u16 maxVersion, u32 slots,
///                       clientNonce[32], serverNonce[32], string executorID
///     executor proof  = HMAC-SHA256(secret, "sluice-wire executor proof" 0x00 transcript)
///     driver proof    = HMAC-SHA256(secret, "sluice-wire driver proof" 0x00 transcript
///                                   u64 sessionID, u32 heartbeatIntervalMillis, u32 heartbeatTimeoutMillis)
package enum HandshakeProof {
    package static let executorLabel = "sluice-wire executor proof"
    package static let driverLabel = "sluice-wire driver proof"

    /// The bytes the executor's proof covers.
    package static func executorInput(hello: WireMessage.Hello, challenge: WireMessage.Challenge) -> [UInt8] {
        var buffer = ByteBuffer()
        writeTranscript(label: executorLabel, hello: hello, challenge: challenge, into: &buffer)
        return Array(buffer.readableBytesView)
    }

    /// The bytes the driver's proof covers.
    package static func driverInput(
        hello: WireMessage.Hello, challenge: WireMessage.Challenge, sessionID: UInt64,
        heartbeatIntervalMillis: UInt32, heartbeatTimeoutMillis: UInt32
    ) -> [UInt8] {
        var buffer = ByteBuffer()
        writeTranscript(label: driverLabel, hello: hello, challenge: challenge, into: &buffer)
        buffer.writeWireInteger(sessionID)
        buffer.writeWireInteger(heartbeatIntervalMillis)
        buffer.writeWireInteger(heartbeatTimeoutMillis)
        return Array(buffer.readableBytesView)
    }

    /// The executor's proof for AUTH.
    package static func executorProof(secret: WireSecret, hello: WireMessage.Hello, challenge: WireMessage.Challenge) -> [UInt8] {
        mac(secret, executorInput(hello: hello, challenge: challenge))
    }

    /// The driver's proof for WELCOME.
    package static func driverProof(
        secret: WireSecret, hello: WireMessage.Hello, challenge: WireMessage.Challenge, sessionID: UInt64,
        heartbeatIntervalMillis: UInt32, heartbeatTimeoutMillis: UInt32
    ) -> [UInt8] {
        mac(secret, driverInput(
            hello: hello, challenge: challenge, sessionID: sessionID,
            heartbeatIntervalMillis: heartbeatIntervalMillis, heartbeatTimeoutMillis: heartbeatTimeoutMillis))
    }

    /// True when `proof` is the HMAC of `input` under `secret`, compared in constant time.
    package static func isValid(_ proof: [UInt8], for input: [UInt8], secret: WireSecret) -> Bool {
        guard proof.count == WireProtocol.proofSize else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(proof, authenticating: input, using: secret.key)
    }

    private static func mac(_ secret: WireSecret, _ input: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: input, using: secret.key))
    }

    private static func writeTranscript(
        label: String, hello: WireMessage.Hello, challenge: WireMessage.Challenge, into buffer: inout ByteBuffer
    ) {
        buffer.writeString(label)
        buffer.writeInteger(0 as UInt8)
        buffer.writeWireInteger(challenge.version)
        buffer.writeWireInteger(hello.minVersion)
        buffer.writeWireInteger(hello.maxVersion)
        buffer.writeWireInteger(hello.slots)
        buffer.writeBytes(hello.clientNonce)
        buffer.writeBytes(challenge.serverNonce)
        buffer.writeWireString(hello.executorID)
    }
}
