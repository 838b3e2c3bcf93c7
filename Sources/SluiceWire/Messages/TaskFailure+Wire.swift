public import NIOCore
public import SluiceCore

/// TASK_FAILED (type 0x14), executor → driver: the payload is a ``SluiceCore/TaskFailure`` with its whole
/// ``SluiceCore/SluiceError`` (docs/protocol.md §6.12).
///
/// Payload: `taskID u64`, `attempt u32`, `retryable bool` (the error's ``SluiceCore/SluiceError/retryable``), then
/// the error: `code string`, `message string`, `underlying optional string`, and its context: `file optional string`,
/// `line optional i64`, `key optional string`, `table optional string`, `column optional string`, `row optional i64`,
/// `task optional string`.
extension TaskFailure: WirePayload {
    public static func decode(from buffer: inout ByteBuffer) throws(WireDecodingError) -> TaskFailure {
        let taskID = try buffer.readWireInteger(UInt64.self, field: "taskID")
        let attempt = try buffer.readWireInteger(UInt32.self, field: "attempt")
        let retryable = try buffer.readWireBool(field: "retryable")
        var error = try SluiceError.decodeWire(from: &buffer)
        error.retryable = retryable
        return TaskFailure(taskID: taskID, attempt: attempt, error: error)
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeWireInteger(taskID)
        buffer.writeWireInteger(attempt)
        buffer.writeWireBool(retryable)
        error.encodeWire(into: &buffer)
    }
}

/// A ``SluiceCore/SluiceError`` inside TASK_FAILED: `code string`, `message string`, `underlying optional
/// string`, then the ``SluiceCore/ErrorContext`` fields in declaration order (`line` and `row` as optional i64).
extension SluiceError {
    static func decodeWire(from buffer: inout ByteBuffer) throws(WireDecodingError) -> SluiceError {
        let code = try buffer.readWireString(field: "error.code")
        let message = try buffer.readWireString(field: "error.message")
        let underlying = try buffer.readWireOptionalString(field: "error.underlying")
        let file = try buffer.readWireOptionalString(field: "error.context.file")
        let line = try readInt(&buffer, field: "error.context.line")
        let key = try buffer.readWireOptionalString(field: "error.context.key")
        let table = try buffer.readWireOptionalString(field: "error.context.table")
        let column = try buffer.readWireOptionalString(field: "error.context.column")
        let row = try readInt(&buffer, field: "error.context.row")
        let task = try buffer.readWireOptionalString(field: "error.context.task")
        let context = ErrorContext(file: file, line: line, key: key, table: table, column: column, row: row, task: task)
        // The class travels before the error (`retryable`); TaskFailure.decode sets it.
        return SluiceError(Code(code), message, context: context, underlying: underlying)
    }

    func encodeWire(into buffer: inout ByteBuffer) {
        buffer.writeWireString(code.name)
        buffer.writeWireString(message)
        buffer.writeWireOptionalString(underlying)
        buffer.writeWireOptionalString(context.file)
        buffer.writeWireOptionalInt64(context.line.map(Int64.init))
        buffer.writeWireOptionalString(context.key)
        buffer.writeWireOptionalString(context.table)
        buffer.writeWireOptionalString(context.column)
        buffer.writeWireOptionalInt64(context.row.map(Int64.init))
        buffer.writeWireOptionalString(context.task)
    }

    /// An optional i64 that must fit this platform's `Int`.
    private static func readInt(_ buffer: inout ByteBuffer, field: String) throws(WireDecodingError) -> Int? {
        guard let value = try buffer.readWireOptionalInt64(field: field) else { return nil }
        guard let int = Int(exactly: value) else { throw .malformed(field, "\(value) does not fit in Int") }
        return int
    }
}
