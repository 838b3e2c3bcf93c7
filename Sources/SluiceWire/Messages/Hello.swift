public import NIOCore

extension WireMessage {
    /// HELLO (type 0x01), executor → driver: the first frame of every connection (docs/protocol.md §6.1).
    ///
    /// Payload: `minVersion u16`, `maxVersion u16`, `slots u32`, `clientNonce [32]`, `executorID string`.
    public struct Hello: WirePayload {
        /// Lowest protocol version the executor speaks.
        public var minVersion: UInt16
        /// Highest protocol version the executor speaks.
        public var maxVersion: UInt16
        /// How many tasks the executor runs at once; at least 1.
        public var slots: UInt32
        /// 32 bytes from a CSPRNG, fresh for every connection.
        public var clientNonce: [UInt8]
        /// The executor's name: 1 to 256 bytes of UTF-8 without control characters.
        public var executorID: String

        public init(minVersion: UInt16, maxVersion: UInt16, slots: UInt32, clientNonce: [UInt8], executorID: String) {
            self.minVersion = minVersion
            self.maxVersion = maxVersion
            self.slots = slots
            self.clientNonce = clientNonce
            self.executorID = executorID
        }

        public static func decode(from buffer: inout ByteBuffer) throws(WireDecodingError) -> Hello {
            let minVersion = try buffer.readWireInteger(UInt16.self, field: "minVersion")
            let maxVersion = try buffer.readWireInteger(UInt16.self, field: "maxVersion")
            guard minVersion <= maxVersion else {
                throw .malformed("maxVersion", "version range \(minVersion)...\(maxVersion) is empty")
            }
            let slots = try buffer.readWireInteger(UInt32.self, field: "slots")
            guard slots >= 1 else { throw .malformed("slots", "must be at least 1") }
            let clientNonce = try buffer.readWireBytes(count: WireProtocol.nonceSize, field: "clientNonce")
            let executorID = try buffer.readWireString(field: "executorID")
            if let problem = Hello.problem(withExecutorID: executorID) {
                throw .malformed("executorID", problem)
            }
            return Hello(
                minVersion: minVersion, maxVersion: maxVersion, slots: slots, clientNonce: clientNonce,
                executorID: executorID)
        }

        public func encode(into buffer: inout ByteBuffer) {
            buffer.writeWireInteger(minVersion)
            buffer.writeWireInteger(maxVersion)
            buffer.writeWireInteger(slots)
            buffer.writeBytes(clientNonce)
            buffer.writeWireString(executorID)
        }

        /// What is wrong with `executorID` as an executor id, or nil when it is fine.
        public static func problem(withExecutorID executorID: String) -> String? {
            let length = executorID.utf8.count
            guard (1...WireProtocol.maxExecutorIDLength).contains(length) else {
                return "must be 1 to \(WireProtocol.maxExecutorIDLength) bytes of UTF-8, got \(length)"
            }
            if executorID.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                return "must not contain control characters"
            }
            return nil
        }
    }
}
