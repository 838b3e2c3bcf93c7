public import Logging
import Parquet
public import SluiceCore
import SluiceExpressions
public import SluicePipeline

/// An executor's side of `source: {parquet: ...}`: reads a task's row groups, only the columns the table reads
/// (projection), converts them to the declared types, adds the partition folders' values, and drops the rows outside
/// the task's cursor window.
public struct ParquetPartitionReader: SourceReader {
    let store: any FileStore
    let logger: Logger

    public init(settings: ParquetSourceSettings, store: (any FileStore)? = nil, logger: Logger) throws(SluiceError) {
        if let store { self.store = store } else { self.store = try settings.store() }
        self.logger = logger
    }

    /// Row group `group`'s top-level `columns` and struct `leaves`, side by side in one batch.
    static func readRowGroup(_ group: Int, of reader: ParquetFileReader, columns: [String], leaves: [ParquetStructLeaf])
        throws(SluiceError) -> RecordBatch {
        let flat = try reader.readRowGroup(group, columns: columns)
        guard !leaves.isEmpty else { return flat }
        let nested = try reader.readStructLeaves(leaves, rowGroup: group)
        guard !columns.isEmpty else { return nested }
        return try RecordBatch(schema: Schema(flat.schema.fields + nested.schema.fields), columns: flat.columns + nested.columns)
    }

    public func read(_ read: ConnectorPayload, schema: Schema, options: ReadOptions,
                     consume: (RecordBatch) throws(SluiceError) -> Void) throws(SluiceError) -> ReadStats {
        let spec = try ParquetReadSpec(payload: read)
        let cursorIndex = spec.cursorColumn.flatMap(schema.index(of:))
        let kind = cursorIndex.flatMap { CursorKind(cursorType: schema.fields[$0].type) }
        var rows: UInt64 = 0
        var maxCursor: Int64?
        for part in spec.parts {
            let context = ErrorContext(file: part.file.file.key, table: options.table)
            do throws(SluiceError) {
                let reader = try ParquetFileReader(input: try store.open(part.file.file))
                // Projection: only the file's columns the table reads; the partition keys come from the folders. A
                // dotted name that is no top-level column is a leaf under structs, read flat (flattening).
                let fileColumns = schema.fields.filter { !part.file.locates($0.name) }.map(\.name)
                let topLevel = fileColumns.filter { reader.schema.index(of: $0) != nil }
                var leaves: [ParquetStructLeaf] = []
                for name in fileColumns where reader.schema.index(of: name) == nil {
                    guard name.contains("."), let leaf = try? reader.structLeaf(name) else {
                        throw SluiceError(.parquetSchemaDrift, "no column \(name) in this file (it changed since planning?)", context: ErrorContext(column: name))
                    }
                    leaves.append(leaf)
                }
                for (position, group) in part.rowGroups.enumerated() {
                    // From a bucket, the next row group's column chunks arrive while this one decodes.
                    reader.prefetch(rowGroup: group, columns: topLevel)
                    if position + 1 < part.rowGroups.count { reader.prefetch(rowGroup: part.rowGroups[position + 1], columns: topLevel) }
                    let batch = try Self.readRowGroup(group, of: reader, columns: topLevel, leaves: leaves)
                    // Errors name a row by its place in the file: the rows of the row groups before this one, plus its own.
                    let firstRow = (0..<group).reduce(0) { $0 + reader.rowCount(ofRowGroup: $1) }
                    var columns: [Column] = []
                    for field in schema.fields {
                        if let constant = try part.file.locationColumn(field.name, type: field.type, rows: batch.rowCount) {
                            columns.append(constant)
                            continue
                        }
                        let index = batch.schema.index(of: field.name)!
                        do {
                            columns.append(try ColumnCast.cast(batch.columns[index], from: batch.schema.fields[index].type, to: field.type))
                        } catch {
                            var located = error
                            located.context.row = error.context.row.map { $0 + firstRow }
                            throw located.adding(ErrorContext(column: field.name))
                        }
                    }
                    var converted = try RecordBatch(schema: schema, columns: columns)
                    if let cursorIndex, let kind {
                        let cursor = converted.columns[cursorIndex]
                        var keep = [Bool](repeating: true, count: converted.rowCount)
                        for row in 0..<converted.rowCount {
                            if cursor.isNull(row) {
                                keep[row] = spec.window.includesNulls
                                continue
                            }
                            let value = ParquetSourceRun.integer(cursor, row)
                            keep[row] = spec.window.holds(value, kind: kind)
                            if keep[row] { maxCursor = max(maxCursor ?? value, value) }
                        }
                        if keep.contains(false) { converted = converted.selecting(keep) }
                    }
                    rows += UInt64(converted.rowCount)
                    try converted.cut(rows: options.batchRows, bytes: options.batchBytes, consume)
                }
            } catch {
                throw error.adding(context)
            }
        }
        var cursor: CursorValue?
        if let maxCursor, let kind { cursor = CursorValue(kind: kind, value: maxCursor) }
        return ReadStats(rows: rows, maxCursor: cursor)
    }
}

extension RecordBatch {
    /// The batch cut into batches of at most `rows` rows and about `bytes` bytes each (a row group is one batch when
    /// it is read; the executor's memory budget wants smaller ones), handed to `consume` in order.
    func cut(rows: Int, bytes: Int, _ consume: (RecordBatch) throws(SluiceError) -> Void) throws(SluiceError) {
        var start = 0
        while start < rowCount {
            let count = Swift.max(1, Swift.min(rows, bytes == .max ? rows : rowsFitting(from: start, bytes: bytes)))
            let end = Swift.min(rowCount, start + count)
            try consume(start == 0 && end == rowCount ? self : slice(start..<end))
            start = end
        }
    }
}

extension CursorKind {
    /// The kind of cursor a declared column of `type` is, as the parquet source reads it.
    init?(cursorType type: DataType) {
        switch type {
        case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32: self = .integer
        case .date: self = .date
        case .timestamp: self = .timestamp
        case .timestampTZ: self = .timestampTZ
        default: return nil
        }
    }
}
