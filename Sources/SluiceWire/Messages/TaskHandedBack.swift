public import NIOCore

extension WireMessage {
    /// TASK_HANDED_BACK (type 0x16, protocol version 4), executor → driver: a draining executor gives back an
    /// attempt it will not finish (its grace period ran out, or the task was assigned after DRAINING). The driver
    /// runs the task again elsewhere, at once, counting the attempt neither against the task's retries nor against
    /// the executor (docs/protocol.md §6.14). Whatever the attempt staged is never committed.
    ///
    /// Payload: `taskID u64`, `attempt u32`.
    public struct TaskHandedBack: WirePayload {
        /// The task (``SluiceCore/TaskSpec/id``).
        public var taskID: UInt64
        /// The attempt handed back (``SluiceCore/TaskSpec/attempt``).
        public var attempt: UInt32

        public init(taskID: UInt64, attempt: UInt32) {
            self.taskID = taskID
            self.attempt = attempt
        }

        public static func decode(from buffer: inout ByteBuffer) throws(WireDecodingError) -> TaskHandedBack {
            let taskID = try buffer.readWireInteger(UInt64.self, field: "taskID")
            let attempt = try buffer.readWireInteger(UInt32.self, field: "attempt")
            return TaskHandedBack(taskID: taskID, attempt: attempt)
        }

        public func encode(into buffer: inout ByteBuffer) {
            buffer.writeWireInteger(taskID)
            buffer.writeWireInteger(attempt)
        }
    }
}
