import Foundation
import Synchronization
import SluiceConfig
public import SluiceCore
public import SluicePipeline

/// A ``SluicePipeline/Source`` over a ``FakeWorld``'s tables. `deleted_when` names a boolean column. A consistent
/// run takes a snapshot of every table; tasks read that snapshot, as PostgreSQL tasks join the run's exported one.
public struct FakeSource: Source {
    public let world: FakeWorld

    public init(world: FakeWorld) {
        self.world = world
    }

    public var summary: String { "fake source" }

    public func check() async throws(SluiceError) -> String { "fake source 1.0" }

    public func openRun(consistent: Bool) async throws(SluiceError) -> any SourceRun {
        let id = consistent ? "snapshot-\(UUID().uuidString)" : nil
        if let id { world.state.withLock { $0.snapshots[id] = $0.tables } }
        world.record("open run\(consistent ? " with a snapshot" : "")")
        return FakeSourceRun(world: world, snapshot: id)
    }
}

/// What a fake task reads (kind `fake`, JSON).
struct FakeRead: Codable, Sendable {
    static let kind = "fake"
    var table: String
    var snapshot: String?
    var columns: [String]
    var window: CursorWindow
    var cursor: String?
    var cursorKind: CursorKind?
    var deleted: String?
    var deletedRows: DeletedRows
    var partition: Int
    var partitions: Int
    /// For a child table: the parent rows whose children this read takes (one entry; an array, since a parent's
    /// read cannot hold a read inline).
    var parent: [FakeParent] = []
}

/// The parent side of a fake child read: the parent's rows of one partition and window.
struct FakeParent: Codable, Sendable {
    var read: FakeRead
    var key: String
    var childKey: String
    /// The parent's cursor column, whose value each child row carries as its version.
    var version: String?
}

struct FakeSourceRun: SourceRun {
    let world: FakeWorld
    let snapshot: String?

    func table(_ name: String) throws(SluiceError) -> FakeWorld.Table {
        let found = world.state.withLock { state in snapshot.flatMap { state.snapshots[$0]?[name] } ?? state.tables[name] }
        guard let found else { throw SluiceError(.configInvalid, "the fake source has no table \(name)") }
        return found
    }

    func describe(_ table: TableConfig) async throws(SluiceError) -> SourceTable {
        let source = try self.table(table.source)
        for column in table.columns where column.expression == nil && !source.columns.contains(column.source) {
            throw SluiceError(.configInvalid, "column \(column.source) does not exist in the fake table \(table.source)",
                              context: ErrorContext(table: table.name, column: column.name))
        }
        // Undeclared columns get the type of their first value.
        let fields = source.columns.enumerated().map { index, name in
            SourceField(name: name, sourceType: "fake", type: source.rows.lazy.compactMap { Self.type(of: $0[index]) }.first ?? .string)
        }
        guard let cursor = table.cursor, let column = table.column(named: cursor) else {
            return SourceTable(cursorKind: nil, name: table.source, fields: fields)
        }
        let kind: CursorKind
        switch column.type {
        case .int16, .int32, .int64: kind = .integer
        case .date: kind = .date
        case .timestamp: kind = .timestamp
        default: kind = .timestampTZ
        }
        return SourceTable(cursorKind: kind, name: table.source, fields: fields)
    }

    static func type(of value: Value) -> DataType? {
        switch value {
        case .null: nil
        case .boolean: .boolean
        case .int: .int64
        case .decimal(_, let scale): .decimal(precision: 38, scale: scale)
        case .float: .float32
        case .double: .float64
        case .string: .string
        case .bytes: .binary
        }
    }

    func cursorBounds(_ table: TableConfig, kind: CursorKind, within window: CursorWindow) async throws(SluiceError)
        -> ClosedRange<CursorValue>?
    {
        let source = try self.table(table.source)
        guard let cursor = table.cursor.flatMap({ table.column(named: $0) }), let index = source.columns.firstIndex(of: cursor.source)
        else { return nil }
        let values = source.rows.compactMap { row -> Int64? in
            guard case .int(let value) = row[index], window.contains(value) else { return nil }
            return value
        }
        guard let low = values.min(), let high = values.max() else { return nil }
        return CursorValue(kind: kind, value: low)...CursorValue(kind: kind, value: high)
    }

    func countRows(_ table: TableConfig) async throws(SluiceError) -> Int64 {
        Int64(try self.table(table.source).rows.count)
    }

    func partitions(_ request: ReadRequest) async throws(SluiceError) -> SourceReadPlan {
        let table = request.table
        let count = table.partition.count ?? 1
        var partitions: [SourcePartition] = []
        for index in 0..<count {
            let cursor = table.cursor.flatMap { table.column(named: $0)?.source }
            let read = FakeRead(table: table.source, snapshot: snapshot, columns: request.sourceColumns.map(\.name), window: request.window,
                                cursor: cursor, cursorKind: request.cursorKind,
                                deleted: table.deletedWhen, deletedRows: request.deletedRows, partition: index, partitions: count)
            let rows = try FakeReader.rows(read, world: world).count
            var related: [ConnectorPayload] = []
            for child in request.related {
                let childRead = FakeRead(table: child.table.source, snapshot: snapshot, columns: child.sourceColumns.map(\.name),
                                         window: .everything, cursor: nil, cursorKind: nil, deleted: child.table.deletedWhen,
                                         deletedRows: request.deletedRows, partition: 0, partitions: 1,
                                         parent: [FakeParent(read: read, key: child.parentKey, childKey: child.childKey, version: cursor)])
                related.append(try .json(kind: FakeRead.kind, childRead))
            }
            partitions.append(SourcePartition(read: try .json(kind: FakeRead.kind, read), summary: "row % \(count) = \(index)",
                                              estimatedRows: Int64(rows), related: related))
        }
        return SourceReadPlan(partitions: partitions)
    }

    func close() async {
        if let snapshot { world.state.withLock { _ = $0.snapshots.removeValue(forKey: snapshot) } }
        world.record("close run")
    }
}

/// An executor's side of the fake source.
public struct FakeReader: SourceReader {
    public let world: FakeWorld

    public init(world: FakeWorld) {
        self.world = world
    }

    /// The rows of a partition, each with its deleted flag and, for a child read, its parent's version.
    static func rows(_ read: FakeRead, world: FakeWorld) throws(SluiceError) -> [(values: [Value], deleted: Bool, version: Value)] {
        let found = world.state.withLock { state in read.snapshot.flatMap { state.snapshots[$0]?[read.table] } ?? state.tables[read.table] }
        guard let table = found else {
            throw SluiceError(.configInvalid, "the fake source has no table \(read.table)\(read.snapshot == nil ? "" : " in the run's snapshot")")
        }
        // A child read takes the rows of the parent's rows, each with the parent's version.
        var parents: [Value: Value]?
        if let parent = read.parent.first {
            var read = parent.read
            read.columns = [parent.key] + (parent.version.map { [$0] } ?? [])
            parents = [:]
            for row in try Self.rows(read, world: world) { parents?[row.values[0]] = row.values.count > 1 ? row.values[1] : .null }
        }
        let childKey = read.parent.first.flatMap { table.columns.firstIndex(of: $0.childKey) }
        let indexes = read.columns.map { table.columns.firstIndex(of: $0)! }
        let cursor = read.cursor.flatMap { table.columns.firstIndex(of: $0) }
        let deleted = read.deleted.flatMap { table.columns.firstIndex(of: $0) }
        var result: [(values: [Value], deleted: Bool, version: Value)] = []
        for (number, row) in table.rows.enumerated() where number % read.partitions == read.partition {
            if let cursor {
                let value: Int64? = if case .int(let v) = row[cursor] { v } else { nil }
                guard read.window.contains(value) else { continue }
            }
            var version = Value.null
            if let parents, let childKey {
                guard let found = parents[row[childKey]] else { continue }
                version = found
            }
            let isDeleted = deleted.map { row[$0] == .boolean(true) } ?? false
            if isDeleted && read.deletedRows == .exclude { continue }
            result.append((indexes.map { row[$0] }, isDeleted, version))
        }
        return result
    }

    public func read(_ read: ConnectorPayload, schema: Schema, options: ReadOptions,
                     consume: (RecordBatch) throws(SluiceError) -> Void) throws(SluiceError) -> ReadStats {
        let spec = try read.decodeJSON(FakeRead.self, kind: FakeRead.kind)
        let rows = try Self.rows(spec, world: world)
        let fault = world.fire { fault in
            guard case .read(let table, let partition, _, _) = fault else { return false }
            return table == spec.table && partition == spec.partition
        }
        var failure: SluiceError?
        if case .read(_, _, _, let retryable)? = fault {
            failure = SluiceError(retryable ? .injectedFault : .invalidValue,
                                  "the fake source failed partition \(spec.partition) of \(spec.table)", context: ErrorContext(table: options.table))
        }
        var maxCursor: CursorValue?
        let cursorIndex = spec.cursor.flatMap { spec.columns.firstIndex(of: $0) }
        for start in stride(from: 0, to: rows.count, by: max(1, options.batchRows)) {
            if let failure, start > 0 { throw failure }
            let slice = rows[start..<min(rows.count, start + max(1, options.batchRows))]
            var builders = schema.fields.map { ColumnBuilder(type: $0.type, capacity: slice.count) }
            let deletedIndex = schema.index(of: StagedColumns.deleted)
            let versionIndex = schema.index(of: StagedColumns.parentVersion)
            for row in slice {
                for (index, value) in row.values.enumerated() { builders[index].append(value) }
                if let deletedIndex { builders[deletedIndex].append(row.deleted) }
                if let versionIndex { builders[versionIndex].append(row.version) }
                if let cursorIndex, let kind = spec.cursorKind, case .int(let value) = row.values[cursorIndex] {
                    maxCursor = max(maxCursor ?? CursorValue(kind: kind, value: value), CursorValue(kind: kind, value: value))
                }
            }
            try consume(try RecordBatch(schema: schema, columns: builders.indices.map { builders[$0].finish() }))
        }
        if let failure { throw failure }
        return ReadStats(rows: UInt64(rows.count), maxCursor: maxCursor)
    }
}
