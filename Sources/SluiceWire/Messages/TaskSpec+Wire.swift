public import NIOCore
public import SluiceCore

/// ASSIGN_TASK (type 0x11), driver → executor: the payload is a ``SluiceCore/TaskSpec`` (docs/protocol.md §6.9).
///
/// Payload: `id u64`, `attempt u32`, `partitionIndex u32`, `partitionCount u32`, `runID string`,
/// `table string`, `shardPath string`, `read` (a connector payload: `kind string`, `bytes blob`), then
/// `related count u32` and per child table `table string`, `shardPath string`, `read` (a connector payload).
extension TaskSpec: WirePayload {
    public static func decode(from buffer: inout ByteBuffer) throws(WireDecodingError) -> TaskSpec {
        let id = try buffer.readWireInteger(UInt64.self, field: "id")
        let attempt = try buffer.readWireInteger(UInt32.self, field: "attempt")
        let partitionIndex = try buffer.readWireInteger(UInt32.self, field: "partitionIndex")
        let partitionCount = try buffer.readWireInteger(UInt32.self, field: "partitionCount")
        let runID = try buffer.readWireString(field: "runID")
        let table = try buffer.readWireString(field: "table")
        let shardPath = try buffer.readWireString(field: "shardPath")
        let read = try ConnectorPayload.decode(from: &buffer, field: "read")
        // The smallest child entry: two empty strings and an empty payload.
        let count = try buffer.readWireCount(field: "related", minimumElementSize: 4 + 4 + 4 + 4)
        var related: [RelatedRead] = []
        related.reserveCapacity(count)
        for _ in 0..<count {
            let table = try buffer.readWireString(field: "related.table")
            let shardPath = try buffer.readWireString(field: "related.shardPath")
            let read = try ConnectorPayload.decode(from: &buffer, field: "related.read")
            related.append(RelatedRead(table: table, read: read, shardPath: shardPath))
        }
        return TaskSpec(
            id: id, attempt: attempt, runID: runID, table: table, partitionIndex: partitionIndex,
            partitionCount: partitionCount, read: read, shardPath: shardPath, related: related)
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeWireInteger(id)
        buffer.writeWireInteger(attempt)
        buffer.writeWireInteger(partitionIndex)
        buffer.writeWireInteger(partitionCount)
        buffer.writeWireString(runID)
        buffer.writeWireString(table)
        buffer.writeWireString(shardPath)
        read.encode(into: &buffer)
        buffer.writeWireCount(related.count)
        for child in related {
            buffer.writeWireString(child.table)
            buffer.writeWireString(child.shardPath)
            child.read.encode(into: &buffer)
        }
    }
}

/// A connector's payload on the wire: `kind string`, `bytes blob`. The protocol carries it without reading it.
extension ConnectorPayload {
    static func decode(from buffer: inout ByteBuffer, field: String) throws(WireDecodingError) -> ConnectorPayload {
        let kind = try buffer.readWireString(field: field + ".kind")
        let bytes = try buffer.readWireBlob(field: field + ".bytes")
        return ConnectorPayload(kind: kind, bytes: bytes)
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeWireString(kind)
        buffer.writeWireBlob(bytes)
    }
}
