public import NIOCore
public import SluiceCore

/// TASK_RESULT (type 0x13), executor → driver: the payload is a ``SluiceCore/TaskResult``
/// (docs/protocol.md §6.11).
///
/// Payload: `taskID u64`, `attempt u32`, `rowsExtracted u64`, `rowsStaged u64`, `rowsDeleted u64`, `rowsDropped u64`,
/// `shardBytes u64`, `extractMicroseconds u64`, `loadMicroseconds u64`, `shardPath string`, `maxCursor optional string`,
/// `nulledValues count u32` then per entry `column string`, `count u64` (entries in ascending byte order of the
/// column name; a repeated column is malformed), then `receipt` (a connector payload: `kind string`, `bytes blob`).
extension TaskResult: WirePayload {
    /// Smallest encoded `nulledValues` entry: an empty name and the count.
    static let minimumNulledEntrySize = 4 + 8

    public static func decode(from buffer: inout ByteBuffer) throws(WireDecodingError) -> TaskResult {
        let taskID = try buffer.readWireInteger(UInt64.self, field: "taskID")
        let attempt = try buffer.readWireInteger(UInt32.self, field: "attempt")
        let rowsExtracted = try buffer.readWireInteger(UInt64.self, field: "rowsExtracted")
        let rowsStaged = try buffer.readWireInteger(UInt64.self, field: "rowsStaged")
        let rowsDeleted = try buffer.readWireInteger(UInt64.self, field: "rowsDeleted")
        let rowsDropped = try buffer.readWireInteger(UInt64.self, field: "rowsDropped")
        let shardBytes = try buffer.readWireInteger(UInt64.self, field: "shardBytes")
        let extractMicroseconds = try buffer.readWireInteger(UInt64.self, field: "extractMicroseconds")
        let loadMicroseconds = try buffer.readWireInteger(UInt64.self, field: "loadMicroseconds")
        let shardPath = try buffer.readWireString(field: "shardPath")
        let maxCursor = try buffer.readWireOptionalString(field: "maxCursor")
        let count = try buffer.readWireCount(field: "nulledValues", minimumElementSize: minimumNulledEntrySize)
        var nulledValues: [String: UInt64] = [:]
        nulledValues.reserveCapacity(count)
        for _ in 0..<count {
            let column = try buffer.readWireString(field: "nulledValues.column")
            let nulled = try buffer.readWireInteger(UInt64.self, field: "nulledValues.count")
            guard nulledValues.updateValue(nulled, forKey: column) == nil else {
                // Quoted and cut short: the name comes from the peer and ends up in logs and an ERROR frame.
                throw .malformed("nulledValues.column", "column \(String(column.prefix(100)).debugDescription) appears twice")
            }
        }
        let receipt = try ConnectorPayload.decode(from: &buffer, field: "receipt")
        return TaskResult(
            taskID: taskID, attempt: attempt, rowsExtracted: rowsExtracted, rowsStaged: rowsStaged, rowsDeleted: rowsDeleted,
            rowsDropped: rowsDropped, nulledValues: nulledValues, maxCursor: maxCursor, shardPath: shardPath,
            shardBytes: shardBytes, receipt: receipt, extractMicroseconds: extractMicroseconds, loadMicroseconds: loadMicroseconds)
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeWireInteger(taskID)
        buffer.writeWireInteger(attempt)
        buffer.writeWireInteger(rowsExtracted)
        buffer.writeWireInteger(rowsStaged)
        buffer.writeWireInteger(rowsDeleted)
        buffer.writeWireInteger(rowsDropped)
        buffer.writeWireInteger(shardBytes)
        buffer.writeWireInteger(extractMicroseconds)
        buffer.writeWireInteger(loadMicroseconds)
        buffer.writeWireString(shardPath)
        buffer.writeWireOptionalString(maxCursor)
        buffer.writeWireCount(nulledValues.count)
        // Sorted so that equal results encode to equal bytes.
        for (column, nulled) in nulledValues.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            buffer.writeWireString(column)
            buffer.writeWireInteger(nulled)
        }
        receipt.encode(into: &buffer)
    }
}
