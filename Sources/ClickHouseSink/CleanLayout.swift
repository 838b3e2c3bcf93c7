public import SluiceConfig
public import SluiceCore

/// How a table looks in the ClickHouse clean layer. The driver derives it once from the declared schema; it
/// travels to executors inside the table's target, so the two sides cannot disagree.
///
/// - every declared column, in order;
/// - under a mapping whose timestamps are whole seconds (the legacy `DateTime`), after a timestamp column that keeps
///   its microseconds (`subseconds: column`, and every timestamp in the primary key), a companion `<name>_us` (UInt32,
///   0...999999); a key column's companion is part of the sorting key, so rows that differ only below the second
///   stay distinct. A `DateTime64(6)` holds the microseconds itself: no companions then;
/// - `_sluice_deleted` (UInt8): 1 for a row soft-deleted at the source, loaded as the row's newest version;
/// - `_sluice_version` (UInt64): the row's cursor value mapped order-preservingly to an unsigned integer, so the
///   table (a `ReplacingMergeTree`) keeps the newest version of each key whatever the load order. Tables without
///   a cursor are reloaded whole and swapped in, with version 0.
///
/// An `append` table (no key) is a plain `MergeTree` instead, sorted and partitioned by the day of its cursor, so
/// that a run can replace exactly the days it re-read (`ALTER TABLE ... REPLACE PARTITION`).
public struct CleanLayout: Sendable, Hashable, Codable {
    public static let versionColumn = "_sluice_version"
    public static let deletedColumn = "_sluice_deleted"
    public static let companionSuffix = "_us"

    /// The clean table's columns.
    public var fields: [Field]
    /// The sorting key: the primary key, each timestamp followed by its companion.
    public var orderBy: [String]
    /// The rows executors stage: the declared columns, then the deleted flag when the table has one.
    public var stagedSchema: Schema
    /// Positions (in the staged schema) of timestamp columns that get a companion.
    public var companions: [Int]
    /// Position in the staged rows of the column that versions them (the cursor, or a child's parent version), if any.
    public var cursorIndex: Int?
    /// Position of the deleted flag, if the table has one.
    public var deletedIndex: Int?
    /// The declared columns lead the staged rows; whatever follows them (the deleted flag, a child's parent
    /// version) is not a clean column of its own.
    public var declaredCount: Int
    /// An append table: every row is kept (a plain `MergeTree`), partitioned by ``dayColumn``.
    public var appendOnly: Bool = false
    /// The column whose day partitions the table (an append table's cursor), if any.
    public var dayColumn: String?

    /// - Parameters:
    ///   - versionColumn: the staged column that versions rows (default: the cursor).
    ///   - mapping: the column types; companions only when its timestamps are whole seconds (the legacy default).
    public init(table: TableConfig, stagedSchema: Schema, versionColumn: String? = nil, mapping: ClickHouseTypeMapping = .legacy) {
        var fields: [Field] = []
        var companions: [Int] = []
        var orderBy: [String] = []
        var companionOf: [String: String] = [:]
        for (index, column) in table.columns.enumerated() {
            fields.append(Field(name: column.name, type: column.type, nullable: column.nullable))
            let isTimestamp = column.type == .timestamp || column.type == .timestampTZ
            if isTimestamp && !mapping.timestampsKeepMicroseconds && table.subseconds(for: column) == .column {
                let companion = column.name + Self.companionSuffix
                fields.append(Field(name: companion, type: .uint32, nullable: column.nullable))
                companions.append(index)
                companionOf[column.name] = companion
            }
        }
        let sortingColumns = table.load == .append ? table.cursor.map { [$0] } ?? [] : table.primaryKey
        for key in sortingColumns {
            orderBy.append(key)
            if let companion = companionOf[key] { orderBy.append(companion) }
        }
        fields.append(Field(name: Self.deletedColumn, type: .boolean, nullable: false))
        fields.append(Field(name: Self.versionColumn, type: .uint64, nullable: false))
        self.fields = fields
        self.orderBy = orderBy
        self.stagedSchema = stagedSchema
        self.companions = companions
        cursorIndex = (versionColumn ?? table.cursor).flatMap { stagedSchema.index(of: $0) }
        deletedIndex = stagedSchema.index(of: Self.deletedColumn)
        declaredCount = table.columns.count
        appendOnly = table.load == .append
        dayColumn = appendOnly ? table.cursor : nil
    }

    /// The clean table's engine: versions of a key collapse, or, for an append table, every row stays.
    public var engine: ClickHouseTableDefinition.Engine {
        appendOnly ? .mergeTree : .replacingMergeTree(versionColumn: Self.versionColumn)
    }

    /// The clean table's partition key: the day of an append table's cursor, else none.
    public var partitionKey: ClickHouseTableDefinition.PartitionKey? { dayColumn.map { .day(of: $0) } }

    /// The clean table's schema.
    public var schema: Schema { Schema(fields) }

    /// The clean-layer batch of a staged batch: companions, the deleted flag and the version added.
    public func sinkBatch(from batch: RecordBatch) throws(SluiceError) -> RecordBatch {
        var columns: [Column] = []
        columns.reserveCapacity(fields.count)
        var companionSet = Set(companions)
        for (index, column) in batch.columns.enumerated() where index < declaredCount {
            columns.append(column)
            if companionSet.remove(index) != nil, case .int64(let micros) = column.values {
                let fractions = micros.map { Int64(CivilTime.floorDivide($0, CivilTime.microsecondsPerSecond).remainder) }
                columns.append(Column(values: .int64(fractions), validity: column.validity))
            }
        }
        if let deletedIndex {
            columns.append(batch.columns[deletedIndex])
        } else {
            columns.append(Column(values: .boolean(Array(repeating: false, count: batch.rowCount))))
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

    /// Maps signed to unsigned order (`Int64.min` -> 0, `-1` -> 2^63 - 1, `0` -> 2^63), stored as the bit pattern
    /// of a `uint64` column.
    public static func orderPreserving(_ value: Int64) -> Int64 {
        Int64(bitPattern: UInt64(bitPattern: value) ^ (1 << 63))
    }
}
