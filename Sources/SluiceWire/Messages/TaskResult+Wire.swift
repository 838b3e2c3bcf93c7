public import NIOCore
public import SluiceCore

/// TASK_RESULT (type 0x13), executor → driver: the payload is a ``SluiceCore/TaskResult``
/// (docs/protocol.md §6.11).
///
/// Payload: `taskID u64`, `attempt u32`, `extractMicroseconds u64`, `loadMicroseconds u64`, `maxCursor optional string`,
/// `output` (a task output), `related count u32` then that many task outputs.
///
/// A task output: `table string`, `rowsExtracted u64`, `rowsStaged u64`, `rowsDeleted u64`, `rowsDropped u64`,
/// `rowsFiltered u64`, `shardBytes u64`, `shardPath string`, `quarantinePath optional string`, `nulledValues` and
/// `quarantined` (each a map: `count u32` then per entry `name string`, `count u64`, in ascending byte order of the
/// name; a repeated name is malformed), then `receipt` (a connector payload: `kind string`, `bytes blob`).
extension TaskResult: WirePayload {
    public static func decode(from buffer: inout ByteBuffer) throws(WireDecodingError) -> TaskResult {
        let taskID = try buffer.readWireInteger(UInt64.self, field: "taskID")
        let attempt = try buffer.readWireInteger(UInt32.self, field: "attempt")
        let extractMicroseconds = try buffer.readWireInteger(UInt64.self, field: "extractMicroseconds")
        let loadMicroseconds = try buffer.readWireInteger(UInt64.self, field: "loadMicroseconds")
        let maxCursor = try buffer.readWireOptionalString(field: "maxCursor")
        let output = try TaskOutput.decode(from: &buffer, field: "output")
        let count = try buffer.readWireCount(field: "related", minimumElementSize: TaskOutput.minimumSize)
        var related: [TaskOutput] = []
        related.reserveCapacity(count)
        for _ in 0..<count { related.append(try TaskOutput.decode(from: &buffer, field: "related")) }
        return TaskResult(taskID: taskID, attempt: attempt, maxCursor: maxCursor, output: output, related: related,
                          extractMicroseconds: extractMicroseconds, loadMicroseconds: loadMicroseconds)
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeWireInteger(taskID)
        buffer.writeWireInteger(attempt)
        buffer.writeWireInteger(extractMicroseconds)
        buffer.writeWireInteger(loadMicroseconds)
        buffer.writeWireOptionalString(maxCursor)
        output.encode(into: &buffer)
        buffer.writeWireCount(related.count)
        for output in related { output.encode(into: &buffer) }
    }
}

extension TaskOutput {
    /// The smallest encoded output: an empty table name and shard path, six counters, no quarantine path, two
    /// empty maps and an empty receipt.
    static let minimumSize = 4 + 6 * 8 + 4 + 1 + 4 + 4 + 4 + 4
    /// The smallest encoded map entry: an empty name and the count.
    static let minimumEntrySize = 4 + 8

    static func decode(from buffer: inout ByteBuffer, field: String) throws(WireDecodingError) -> TaskOutput {
        let table = try buffer.readWireString(field: field + ".table")
        let rowsExtracted = try buffer.readWireInteger(UInt64.self, field: field + ".rowsExtracted")
        let rowsStaged = try buffer.readWireInteger(UInt64.self, field: field + ".rowsStaged")
        let rowsDeleted = try buffer.readWireInteger(UInt64.self, field: field + ".rowsDeleted")
        let rowsDropped = try buffer.readWireInteger(UInt64.self, field: field + ".rowsDropped")
        let rowsFiltered = try buffer.readWireInteger(UInt64.self, field: field + ".rowsFiltered")
        let shardBytes = try buffer.readWireInteger(UInt64.self, field: field + ".shardBytes")
        let shardPath = try buffer.readWireString(field: field + ".shardPath")
        let quarantinePath = try buffer.readWireOptionalString(field: field + ".quarantinePath")
        let nulledValues = try readCounts(from: &buffer, field: field + ".nulledValues")
        let quarantined = try readCounts(from: &buffer, field: field + ".quarantined")
        let receipt = try ConnectorPayload.decode(from: &buffer, field: field + ".receipt")
        return TaskOutput(table: table, rowsExtracted: rowsExtracted, rowsStaged: rowsStaged, rowsDeleted: rowsDeleted,
                          rowsDropped: rowsDropped, rowsFiltered: rowsFiltered, quarantined: quarantined,
                          nulledValues: nulledValues, shardPath: shardPath, shardBytes: shardBytes,
                          quarantinePath: quarantinePath, receipt: receipt)
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeWireString(table)
        buffer.writeWireInteger(rowsExtracted)
        buffer.writeWireInteger(rowsStaged)
        buffer.writeWireInteger(rowsDeleted)
        buffer.writeWireInteger(rowsDropped)
        buffer.writeWireInteger(rowsFiltered)
        buffer.writeWireInteger(shardBytes)
        buffer.writeWireString(shardPath)
        buffer.writeWireOptionalString(quarantinePath)
        Self.writeCounts(nulledValues, into: &buffer)
        Self.writeCounts(quarantined, into: &buffer)
        receipt.encode(into: &buffer)
    }

    private static func readCounts(from buffer: inout ByteBuffer, field: String) throws(WireDecodingError) -> [String: UInt64] {
        let count = try buffer.readWireCount(field: field, minimumElementSize: minimumEntrySize)
        var counts: [String: UInt64] = [:]
        counts.reserveCapacity(count)
        for _ in 0..<count {
            let name = try buffer.readWireString(field: field + ".name")
            let value = try buffer.readWireInteger(UInt64.self, field: field + ".count")
            guard counts.updateValue(value, forKey: name) == nil else {
                // Quoted and cut short: the name comes from the peer and ends up in logs and an ERROR frame.
                throw .malformed(field + ".name", "\(String(name.prefix(100)).debugDescription) appears twice")
            }
        }
        return counts
    }

    /// Sorted so that equal results encode to equal bytes.
    private static func writeCounts(_ counts: [String: UInt64], into buffer: inout ByteBuffer) {
        buffer.writeWireCount(counts.count)
        for (name, value) in counts.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            buffer.writeWireString(name)
            buffer.writeWireInteger(value)
        }
    }
}
