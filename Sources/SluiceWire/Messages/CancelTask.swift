public import NIOCore

extension WireMessage {
    /// CANCEL_TASK (type 0x17, since version 4), driver → executor: stop one attempt of a task and remove what it
    /// wrote (docs/protocol.md §6.13). The driver sends it when the attempt stalled past `run.task_stall_timeout` or
    /// when another attempt of the task (a speculative copy) staged first; it has already stopped counting on the
    /// attempt, so the executor sends nothing back, and a result that crosses this message is discarded.
    ///
    /// Payload: `taskID u64`, `attempt u32`. An attempt the executor is not running is ignored.
    public struct CancelTask: WirePayload {
        /// The task (``SluiceCore/TaskSpec/id``).
        public var taskID: UInt64
        /// The attempt to stop; another attempt of the same task on this executor is left alone.
        public var attempt: UInt32

        public init(taskID: UInt64, attempt: UInt32) {
            self.taskID = taskID
            self.attempt = attempt
        }

        public static func decode(from buffer: inout ByteBuffer) throws(WireDecodingError) -> CancelTask {
            let taskID = try buffer.readWireInteger(UInt64.self, field: "taskID")
            let attempt = try buffer.readWireInteger(UInt32.self, field: "attempt")
            return CancelTask(taskID: taskID, attempt: attempt)
        }

        public func encode(into buffer: inout ByteBuffer) {
            buffer.writeWireInteger(taskID)
            buffer.writeWireInteger(attempt)
        }
    }
}
