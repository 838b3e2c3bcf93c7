public import NIOCore

extension WireMessage {
    /// CHALLENGE (type 0x02), driver → executor: the protocol version the driver chose from the executor's
    /// range and the driver's nonce (docs/protocol.md §6.2).
    ///
    /// Payload: `version u16`, `serverNonce [32]`.
    public struct Challenge: WirePayload {
        /// The version both sides speak from now on.
        public var version: UInt16
        /// 32 bytes from a CSPRNG, fresh for every connection.
        public var serverNonce: [UInt8]

        public init(version: UInt16, serverNonce: [UInt8]) {
            self.version = version
            self.serverNonce = serverNonce
        }

        public static func decode(from buffer: inout ByteBuffer) throws(WireDecodingError) -> Challenge {
            let version = try buffer.readWireInteger(UInt16.self, field: "version")
            let serverNonce = try buffer.readWireBytes(count: WireProtocol.nonceSize, field: "serverNonce")
            return Challenge(version: version, serverNonce: serverNonce)
        }

        public func encode(into buffer: inout ByteBuffer) {
            buffer.writeWireInteger(version)
            buffer.writeBytes(serverNonce)
        }
    }
}
