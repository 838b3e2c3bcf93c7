public import SluiceCore
import SluiceConfig

/// A small table held in memory and keyed for lookups: the build side of a broadcast hash join. Keys are
/// integers (any integer, date or timestamp storage), strings/bytes or UUIDs; each key must be unique.
public struct JoinTable: Sendable {
    /// The name the joined columns are prefixed with (`customers`).
    public let name: String
    /// The joined columns, named `<name>.<column>`.
    public let fields: [Field]
    let columns: [Column]
    private let integerKeys: [Int64: Int32]
    private let byteKeys: [[UInt8]: Int32]

    /// Builds the table from `batches` of `schema`: `keyColumn` is the key, the rest the joined columns.
    public init(name: String, schema: Schema, batches: [RecordBatch], keyColumn: Int) throws(SluiceError) {
        self.name = name
        var columns: [Column] = []
        for (index, field) in schema.fields.enumerated() {
            columns.append(Column.concatenating(batches.map { $0.columns[index] }, storage: field.type.storage))
        }
        let key = columns[keyColumn]
        var integers: [Int64: Int32] = [:]
        var bytes: [[UInt8]: Int32] = [:]
        func duplicate(_ text: String) -> SluiceError {
            SluiceError(.invalidValue, "key \(text) appears twice in \(name): a broadcast join needs a unique key",
                        context: ErrorContext(table: name, column: schema.fields[keyColumn].name))
        }
        for row in 0..<key.count where !key.isNull(row) {
            switch key.values {
            case .int32(let v):
                guard integers.updateValue(Int32(row), forKey: Int64(v[row])) == nil else { throw duplicate("\(v[row])") }
            case .int64(let v):
                guard integers.updateValue(Int32(row), forKey: v[row]) == nil else { throw duplicate("\(v[row])") }
            case .bytes(let v):
                guard bytes.updateValue(Int32(row), forKey: Array(v[row])) == nil else { throw duplicate(v.string(at: row)) }
            case .fixedBytes(let width, let v):
                let value = Array(v[row * width..<(row + 1) * width])
                guard bytes.updateValue(Int32(row), forKey: value) == nil else { throw duplicate(Hex.encode(value)) }
            default:
                throw SluiceError(.configInvalid, "a join key must be an integer, date, timestamp, string or uuid column",
                                  context: ErrorContext(table: name, column: schema.fields[keyColumn].name))
            }
        }
        integerKeys = integers
        byteKeys = bytes
        var fields: [Field] = []
        var kept: [Column] = []
        for (index, field) in schema.fields.enumerated() where index != keyColumn {
            fields.append(Field(name: "\(name).\(field.name)", type: field.type, nullable: true))
            kept.append(columns[index])
        }
        self.fields = fields
        self.columns = kept
    }

    /// The row of the joined table for each key in `keys` (-1 for none, and for a NULL key).
    public func match(_ keys: Column) -> [Int32] {
        var result = [Int32](repeating: -1, count: keys.count)
        switch keys.values {
        case .int32(let v): for row in v.indices where !keys.isNull(row) { result[row] = integerKeys[Int64(v[row])] ?? -1 }
        case .int64(let v): for row in v.indices where !keys.isNull(row) { result[row] = integerKeys[v[row]] ?? -1 }
        case .bytes(let v): for row in 0..<v.count where !keys.isNull(row) { result[row] = byteKeys[Array(v[row])] ?? -1 }
        case .fixedBytes(let width, let v):
            for row in 0..<keys.count where !keys.isNull(row) { result[row] = byteKeys[Array(v[row * width..<(row + 1) * width])] ?? -1 }
        default: break
        }
        return result
    }

    /// The joined columns for the matched rows (NULL where there was no match).
    public func columns(for matches: [Int32]) -> [Column] {
        columns.map { $0.taking(matches) }
    }

    /// Rows held.
    public var count: Int { columns.first?.count ?? (integerKeys.count + byteKeys.count) }
}

/// Joins a ``JoinTable`` to every batch: appends its columns; a `left` join keeps rows without a match (their
/// joined columns NULL), an `inner` join drops them (counted as filtered).
public struct JoinStage: Stage {
    public let table: JoinTable
    /// The batch column holding the key.
    public let keyColumn: Int
    public let inner: Bool

    public init(table: JoinTable, keyColumn: Int, inner: Bool) {
        self.table = table
        self.keyColumn = keyColumn
        self.inner = inner
    }

    public func apply(_ batch: RecordBatch, context: inout StageContext) throws(SluiceError) -> RecordBatch {
        var matches = table.match(batch.columns[keyColumn])
        var input = batch
        if inner, matches.contains(-1) {
            let keep = matches.map { $0 >= 0 }
            context.stats.filteredRows += UInt64(keep.lazy.filter { !$0 }.count)
            input = batch.selecting(keep)
            matches = matches.filter { $0 >= 0 }
        }
        return try RecordBatch(schema: Schema(input.schema.fields + table.fields), columns: input.columns + table.columns(for: matches))
    }
}
