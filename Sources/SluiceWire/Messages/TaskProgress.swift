public import NIOCore

extension WireMessage {
    /// TASK_PROGRESS (type 0x12), executor → driver: how far a running task got (docs/protocol.md §6.10). The
    /// driver's stall timeout (`run.task_stall_timeout`) restarts whenever an attempt's counts move.
    ///
    /// Payload: `taskID u64`, `attempt u32`, `rows u64`, `phase u8` (since version 4).
    public struct TaskProgress: WirePayload {
        /// What the attempt is doing, which says what ``rows`` counts.
        public enum Phase: UInt8, Sendable, Hashable {
            /// Reading the partition into the shard: `rows` were read from the source.
            case extracting = 0
            /// Staging the shard in the sink: `rows` were handed to the sink.
            case loading = 1
        }

        /// The task (``SluiceCore/TaskSpec/id``).
        public var taskID: UInt64
        /// The attempt (``SluiceCore/TaskSpec/attempt``).
        public var attempt: UInt32
        /// Rows extracted, or loaded, so far by this attempt (see ``phase``).
        public var rows: UInt64
        public var phase: Phase

        public init(taskID: UInt64, attempt: UInt32, rows: UInt64, phase: Phase = .extracting) {
            self.taskID = taskID
            self.attempt = attempt
            self.rows = rows
            self.phase = phase
        }

        public static func decode(from buffer: inout ByteBuffer) throws(WireDecodingError) -> TaskProgress {
            let taskID = try buffer.readWireInteger(UInt64.self, field: "taskID")
            let attempt = try buffer.readWireInteger(UInt32.self, field: "attempt")
            let rows = try buffer.readWireInteger(UInt64.self, field: "rows")
            let code = try buffer.readWireInteger(UInt8.self, field: "phase")
            guard let phase = Phase(rawValue: code) else {
                throw .malformed("phase", "phase byte is \(code), expected 0 (extracting) or 1 (loading)")
            }
            return TaskProgress(taskID: taskID, attempt: attempt, rows: rows, phase: phase)
        }

        public func encode(into buffer: inout ByteBuffer) {
            buffer.writeWireInteger(taskID)
            buffer.writeWireInteger(attempt)
            buffer.writeWireInteger(rows)
            buffer.writeWireInteger(phase.rawValue)
        }
    }
}
