public import NIOCore
public import SluiceCore

/// TASK_RESULT (type 0x13), executor → driver: the payload is a ``SluiceCore/TaskResult``
/// (docs/protocol.md §6.11).
///
/// Payload: `taskID u64`, `attempt u32`, `rowsExtracted u64`, `rowsLoaded u64`, `shardBytes u64`,
/// `rowsFiltered u64`, `extractMicroseconds u64`, `loadMicroseconds u64`, `shardPath string`,
/// `maxCursor optional string`, `nulledValues count u32` then per entry `column string`, `count u64`,
/// entries in ascending byte order of the column name; a repeated column is malformed.
extension TaskResult: WirePayload {
    /// Smallest encoded `nulledValues` entry: an empty name and the count.
    static let minimumNulledEntrySize = 4 + 8

    public static func decode(from buffer: inout ByteBuffer) throws(WireDecodingError) -> TaskResult {
        let taskID = try buffer.readWireInteger(UInt64.self, field: "taskID")
        let attempt = try buffer.readWireInteger(UInt32.self, field: "attempt")
        let rowsExtracted = try buffer.readWireInteger(UInt64.self, field: "rowsExtracted")
        let rowsLoaded = try buffer.readWireInteger(UInt64.self, field: "rowsLoaded")
        let shardBytes = try buffer.readWireInteger(UInt64.self, field: "shardBytes")
        let rowsFiltered = try buffer.readWireInteger(UInt64.self, field: "rowsFiltered")
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
        return TaskResult(
            taskID: taskID, attempt: attempt, rowsExtracted: rowsExtracted, rowsLoaded: rowsLoaded,
            shardPath: shardPath, shardBytes: shardBytes, maxCursor: maxCursor, nulledValues: nulledValues,
            rowsFiltered: rowsFiltered, extractMicroseconds: extractMicroseconds, loadMicroseconds: loadMicroseconds)
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeWireInteger(taskID)
        buffer.writeWireInteger(attempt)
        buffer.writeWireInteger(rowsExtracted)
        buffer.writeWireInteger(rowsLoaded)
        buffer.writeWireInteger(shardBytes)
        buffer.writeWireInteger(rowsFiltered)
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
    }
}
