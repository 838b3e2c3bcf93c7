public import NIOCore

extension WireMessage {
    /// WELCOME (type 0x04), driver → executor: the driver's own proof of the shared secret, the session id
    /// and the heartbeat timing both sides use from now on (docs/protocol.md §5, §6.4).
    ///
    /// Payload: `proof [32]`, `sessionID u64`, `heartbeatIntervalMillis u32`, `heartbeatTimeoutMillis u32`.
    public struct Welcome: WirePayload {
        /// `HMAC-SHA256(secret, "sluice-wire driver proof" 0x00 transcript sessionID interval timeout)`.
        public var proof: [UInt8]
        /// Names this session in both sides' logs.
        public var sessionID: UInt64
        /// How often each side sends HEARTBEAT, in milliseconds; at least 1.
        public var heartbeatIntervalMillis: UInt32
        /// How long a side may be silent before the other declares it dead, in milliseconds; at least the interval.
        public var heartbeatTimeoutMillis: UInt32

        public init(proof: [UInt8], sessionID: UInt64, heartbeatIntervalMillis: UInt32, heartbeatTimeoutMillis: UInt32) {
            self.proof = proof
            self.sessionID = sessionID
            self.heartbeatIntervalMillis = heartbeatIntervalMillis
            self.heartbeatTimeoutMillis = heartbeatTimeoutMillis
        }

        public static func decode(from buffer: inout ByteBuffer) throws(WireDecodingError) -> Welcome {
            let proof = try buffer.readWireBytes(count: WireProtocol.proofSize, field: "proof")
            let sessionID = try buffer.readWireInteger(UInt64.self, field: "sessionID")
            let interval = try buffer.readWireInteger(UInt32.self, field: "heartbeatIntervalMillis")
            guard interval >= 1 else { throw .malformed("heartbeatIntervalMillis", "must be at least 1") }
            let timeout = try buffer.readWireInteger(UInt32.self, field: "heartbeatTimeoutMillis")
            guard timeout >= interval else {
                throw .malformed("heartbeatTimeoutMillis", "\(timeout) is shorter than the interval \(interval)")
            }
            return Welcome(
                proof: proof, sessionID: sessionID, heartbeatIntervalMillis: interval, heartbeatTimeoutMillis: timeout)
        }

        public func encode(into buffer: inout ByteBuffer) {
            buffer.writeBytes(proof)
            buffer.writeWireInteger(sessionID)
            buffer.writeWireInteger(heartbeatIntervalMillis)
            buffer.writeWireInteger(heartbeatTimeoutMillis)
        }
    }
}
