public import NIOCore

extension WireMessage {
    /// TASK_PROGRESS (type 0x12), executor → driver: how far a running task got (docs/protocol.md §6.10).
    ///
    /// Payload: `taskID u64`, `attempt u32`, `rows u64`.
    public struct TaskProgress: WirePayload {
        /// The task (``SluiceCore/TaskSpec/id``).
        public var taskID: UInt64
        /// The attempt (``SluiceCore/TaskSpec/attempt``).
        public var attempt: UInt32
        /// Rows extracted so far by this attempt.
        public var rows: UInt64

        public init(taskID: UInt64, attempt: UInt32, rows: UInt64) {
            self.taskID = taskID
            self.attempt = attempt
            self.rows = rows
        }

        public static func decode(from buffer: inout ByteBuffer) throws(WireDecodingError) -> TaskProgress {
            let taskID = try buffer.readWireInteger(UInt64.self, field: "taskID")
            let attempt = try buffer.readWireInteger(UInt32.self, field: "attempt")
            let rows = try buffer.readWireInteger(UInt64.self, field: "rows")
            return TaskProgress(taskID: taskID, attempt: attempt, rows: rows)
        }

        public func encode(into buffer: inout ByteBuffer) {
            buffer.writeWireInteger(taskID)
            buffer.writeWireInteger(attempt)
            buffer.writeWireInteger(rows)
        }
    }
}
