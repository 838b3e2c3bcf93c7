public import NIOCore
public import SluiceCore

/// ASSIGN_TASK (type 0x11), driver → executor: the payload is a ``SluiceCore/TaskSpec`` (docs/protocol.md §6.9).
///
/// Payload: `id u64`, `attempt u32`, `partitionIndex u32`, `partitionCount u32`, `runID string`,
/// `table string`, `shardPath string`, `source` (see ``SluiceCore/TaskSource``).
extension TaskSpec: WirePayload {
    public static func decode(from buffer: inout ByteBuffer) throws(WireDecodingError) -> TaskSpec {
        let id = try buffer.readWireInteger(UInt64.self, field: "id")
        let attempt = try buffer.readWireInteger(UInt32.self, field: "attempt")
        let partitionIndex = try buffer.readWireInteger(UInt32.self, field: "partitionIndex")
        let partitionCount = try buffer.readWireInteger(UInt32.self, field: "partitionCount")
        let runID = try buffer.readWireString(field: "runID")
        let table = try buffer.readWireString(field: "table")
        let shardPath = try buffer.readWireString(field: "shardPath")
        let source = try TaskSource.decode(from: &buffer)
        return TaskSpec(
            id: id, attempt: attempt, runID: runID, table: table, partitionIndex: partitionIndex,
            partitionCount: partitionCount, source: source, shardPath: shardPath)
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeWireInteger(id)
        buffer.writeWireInteger(attempt)
        buffer.writeWireInteger(partitionIndex)
        buffer.writeWireInteger(partitionCount)
        buffer.writeWireString(runID)
        buffer.writeWireString(table)
        buffer.writeWireString(shardPath)
        source.encode(into: &buffer)
    }
}

/// A task's source: `kind u8`, then the kind's fields.
///
/// Kind 1, PostgreSQL: `query string`, `snapshot optional string`, `columns count u32`, then per column
/// `typeOID u32`, `typeModifier i32`, `name string`, `typeName string`.
extension TaskSource {
    /// The `kind` byte of each source.
    enum Kind: UInt8 {
        case postgres = 1
    }

    /// Smallest encoded column: two fixed fields and two empty strings.
    static let minimumColumnSize = 4 + 4 + 4 + 4

    static func decode(from buffer: inout ByteBuffer) throws(WireDecodingError) -> TaskSource {
        let rawKind = try buffer.readWireInteger(UInt8.self, field: "source.kind")
        switch Kind(rawValue: rawKind) {
        case .postgres:
            let query = try buffer.readWireString(field: "source.query")
            let snapshot = try buffer.readWireOptionalString(field: "source.snapshot")
            let count = try buffer.readWireCount(field: "source.columns", minimumElementSize: minimumColumnSize)
            var columns: [SourceColumn] = []
            columns.reserveCapacity(count)
            for _ in 0..<count {
                let typeOID = try buffer.readWireInteger(UInt32.self, field: "source.columns.typeOID")
                let typeModifier = try buffer.readWireInteger(Int32.self, field: "source.columns.typeModifier")
                let name = try buffer.readWireString(field: "source.columns.name")
                let typeName = try buffer.readWireString(field: "source.columns.typeName")
                columns.append(SourceColumn(name: name, typeOID: typeOID, typeName: typeName, typeModifier: typeModifier))
            }
            return .postgres(query: query, snapshot: snapshot, columns: columns)
        case nil:
            throw .malformed("source.kind", "unknown task source kind \(rawKind)")
        }
    }

    func encode(into buffer: inout ByteBuffer) {
        switch self {
        case .postgres(let query, let snapshot, let columns):
            buffer.writeWireInteger(Kind.postgres.rawValue)
            buffer.writeWireString(query)
            buffer.writeWireOptionalString(snapshot)
            buffer.writeWireCount(columns.count)
            for column in columns {
                buffer.writeWireInteger(column.typeOID)
                buffer.writeWireInteger(column.typeModifier)
                buffer.writeWireString(column.name)
                buffer.writeWireString(column.typeName)
            }
        }
    }
}
