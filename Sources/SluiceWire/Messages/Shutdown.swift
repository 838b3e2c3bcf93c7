public import NIOCore

extension WireMessage {
    /// SHUTDOWN (type 0x07), both ways: the sender ends the session cleanly and closes its side; the receiver
    /// hands the reason to its application and closes too (docs/protocol.md §6.7).
    ///
    /// Payload: `reason string`.
    public struct Shutdown: WirePayload {
        /// Why the session ends (`run finished`, `executor draining`).
        public var reason: String

        public init(reason: String) {
            self.reason = reason
        }

        public static func decode(from buffer: inout ByteBuffer) throws(WireDecodingError) -> Shutdown {
            Shutdown(reason: try buffer.readWireString(field: "reason"))
        }

        public func encode(into buffer: inout ByteBuffer) {
            buffer.writeWireString(reason)
        }
    }
}
