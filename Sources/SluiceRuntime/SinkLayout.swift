public import SluiceCore
public import SluiceConfig

/// How a table looks in the clean layer of the sink, derived from its declared schema:
///
/// - every declared column, in order;
/// - for a timestamp column with `subseconds: column`, a companion `<name>_us` (uint32, 0...999999)
///   right after it, since ClickHouse 18.16's DateTime holds whole seconds;
/// - `_sluice_version` (uint64): the row's cursor value mapped order-preservingly to an unsigned
///   integer, so that the sink keeps the newest version of each primary key whatever the load order
///   (ReplacingMergeTree). Tables without a cursor are reloaded whole and swapped in, with version 0.
public struct SinkLayout: Sendable {
    public static let versionColumn = "_sluice_version"
    public static let companionSuffix = "_us"

    public let table: TableConfig
    /// The sink's columns.
    public let fields: [Field]
    /// Indexes (in the declared schema) of timestamp columns that get a companion.
    private let companions: [Int]
    private let cursorIndex: Int?

    public init(table: TableConfig) {
        self.table = table
        var fields: [Field] = []
        var companions: [Int] = []
        for (index, column) in table.columns.enumerated() {
            fields.append(Field(name: column.name, type: column.type, nullable: column.nullable))
            if column.subseconds == .column, column.type == .timestamp || column.type == .timestampTZ {
                fields.append(Field(name: column.name + Self.companionSuffix, type: .uint32, nullable: column.nullable))
                companions.append(index)
            }
        }
        fields.append(Field(name: Self.versionColumn, type: .uint64, nullable: false))
        self.fields = fields
        self.companions = companions
        cursorIndex = table.cursor.flatMap { cursor in table.columns.firstIndex { $0.name == cursor } }
    }

    public var schema: Schema { Schema(fields) }

    /// The sink's sorting key: the primary key.
    public var orderBy: [String] { table.primaryKey }

    /// Whether each run reloads the whole table into a fresh copy that is then swapped in.
    public var reloadsWholeTable: Bool { table.cursor == nil }

    /// The ClickHouse table a run's tasks load: the target itself, or — for a table reloaded whole — a fresh
    /// copy named after the run, swapped in by the driver once every task succeeded.
    public func loadTable(runID: String) -> String {
        guard reloadsWholeTable else { return table.target }
        return table.target + "__sluice_reload_" + String(runID.map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }

    /// Adds the companion and version columns to a batch of the declared schema.
    public func sinkBatch(from batch: RecordBatch) throws(SluiceError) -> RecordBatch {
        var columns: [Column] = []
        columns.reserveCapacity(fields.count)
        var companionSet = Set(companions)
        for (index, column) in batch.columns.enumerated() {
            columns.append(column)
            if companionSet.remove(index) != nil, case .int64(let micros) = column.values {
                let fractions = micros.map { Int64(CivilTime.floorDivide($0, CivilTime.microsecondsPerSecond).remainder) }
                columns.append(Column(values: .int64(fractions), validity: column.validity))
            }
        }
        columns.append(Column(values: .int64(versions(of: batch))))
        return try RecordBatch(schema: schema, columns: columns)
    }

    private func versions(of batch: RecordBatch) -> [Int64] {
        guard let cursorIndex else { return Array(repeating: 0, count: batch.rowCount) }
        let column = batch.columns[cursorIndex]
        switch column.values {
        case .int32(let values):
            return values.indices.map { column.isNull($0) ? 0 : Self.orderPreserving(Int64(values[$0])) }
        case .int64(let values):
            return values.indices.map { column.isNull($0) ? 0 : Self.orderPreserving(values[$0]) }
        default:
            return Array(repeating: 0, count: batch.rowCount)
        }
    }

    /// Maps signed to unsigned order (`Int64.min` -> 0, `-1` -> 2^63 - 1, `0` -> 2^63), stored as the bit
    /// pattern of a `uint64` column.
    public static func orderPreserving(_ value: Int64) -> Int64 {
        Int64(bitPattern: UInt64(bitPattern: value) ^ (1 << 63))
    }
}
