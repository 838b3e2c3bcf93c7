public import NIOCore

extension WireMessage {
    /// DRAINING (type 0x15, protocol version 4), executor → driver: the executor is stopping (SIGTERM, a rollout) and
    /// takes no new task; it lets the tasks it runs finish for at most `graceMillis`, then hands back the rest
    /// (TASK_HANDED_BACK) and ends the session with SHUTDOWN (docs/protocol.md §6.13).
    ///
    /// Payload: `reason string`, `graceMillis u32`.
    public struct Draining: WirePayload {
        /// Why the executor drains (`SIGTERM`), for the driver's log.
        public var reason: String
        /// How long the executor lets its running tasks finish before it hands them back.
        public var graceMillis: UInt32

        public init(reason: String, graceMillis: UInt32) {
            self.reason = reason
            self.graceMillis = graceMillis
        }

        public static func decode(from buffer: inout ByteBuffer) throws(WireDecodingError) -> Draining {
            let reason = try buffer.readWireString(field: "reason")
            let graceMillis = try buffer.readWireInteger(UInt32.self, field: "graceMillis")
            return Draining(reason: reason, graceMillis: graceMillis)
        }

        public func encode(into buffer: inout ByteBuffer) {
            buffer.writeWireString(reason)
            buffer.writeWireInteger(graceMillis)
        }
    }
}
