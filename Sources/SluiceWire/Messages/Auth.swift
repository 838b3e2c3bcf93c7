public import NIOCore

extension WireMessage {
    /// AUTH (type 0x03), executor → driver: HMAC-SHA256 of the handshake transcript under the shared secret,
    /// proving the executor knows the secret without sending it (docs/protocol.md §5, §6.3).
    ///
    /// Payload: `proof [32]`.
    public struct Auth: WirePayload {
        /// `HMAC-SHA256(secret, "sluice-wire executor proof" 0x00 transcript)`.
        public var proof: [UInt8]

        public init(proof: [UInt8]) {
            self.proof = proof
        }

        public static func decode(from buffer: inout ByteBuffer) throws(WireDecodingError) -> Auth {
            Auth(proof: try buffer.readWireBytes(count: WireProtocol.proofSize, field: "proof"))
        }

        public func encode(into buffer: inout ByteBuffer) {
            buffer.writeBytes(proof)
        }
    }
}
