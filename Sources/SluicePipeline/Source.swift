public import SluiceConfig
public import SluiceCore

/// Where rows come from, on the driver: checks the connection and opens a run's view of the data, in which it
/// describes tables and splits them into partitions. One implementation per source connector (PostgreSQL
/// today); the driver knows nothing else about sources.
public protocol Source: Sendable {
    /// What and where it is, without secrets (`postgres etl@db:5432/shop`), for messages.
    var summary: String { get }

    /// Connects and says what answered (`PostgreSQL 15.4`), for `sluice validate`.
    func check() async throws(SluiceError) -> String

    /// Opens the view a run reads. `consistent` asks for one consistent state of the data for every partition
    /// of every table (PostgreSQL: one exported snapshot); `sluice plan` does without.
    func openRun(consistent: Bool) async throws(SluiceError) -> any SourceRun

    /// The tables whose names match `pattern` (`public.*`, `sales.order?`), described for a table file
    /// (`sluice init`). Sources that cannot list tables keep the default, which says so.
    func discover(_ pattern: String) async throws(SluiceError) -> [DiscoveredTable]
}

extension Source {
    public func discover(_ pattern: String) async throws(SluiceError) -> [DiscoveredTable] {
        throw SluiceError(.configInvalid, "\(summary) cannot list its tables; write the table files by hand")
    }
}

/// A run's view of the source, open from planning until the last task read its partition.
public protocol SourceRun: Sendable {
    /// Checks `table` against its declaration (the table and every declared column exist, and convert exactly
    /// to their declared types) and says what planning needs to know about it.
    func describe(_ table: TableConfig) async throws(SluiceError) -> SourceTable

    /// The smallest and largest cursor values among the rows in `window` (for backfill slices); nil when
    /// there is no such row.
    func cursorBounds(_ table: TableConfig, kind: CursorKind, within window: CursorWindow) async throws(SluiceError)
        -> ClosedRange<CursorValue>?

    /// Splits the rows `request` selects into partitions, each read by one task.
    func partitions(_ request: ReadRequest) async throws(SluiceError) -> [SourcePartition]

    /// Ends the view (releases the snapshot). Tasks cannot read it afterwards.
    func close() async
}

/// What planning needs to know about a source table.
public struct SourceTable: Sendable, Hashable {
    /// How the source stores the cursor column; nil for a table without a cursor.
    public var cursorKind: CursorKind?
    /// The table as the source names it (`public.orders`), for messages.
    public var name: String
    /// Source columns the declaration does not name, in the source's order.
    public var undeclaredColumns: [UndeclaredColumn]
    /// What the source says about the declaration that can lose or change rows without an error (a nullable
    /// column declared `nullable: false`, a primary key no unique index enforces), each with the fix.
    public var warnings: [String]

    public init(cursorKind: CursorKind?, name: String, undeclaredColumns: [UndeclaredColumn] = [], warnings: [String] = []) {
        self.cursorKind = cursorKind
        self.name = name
        self.undeclaredColumns = undeclaredColumns
        self.warnings = warnings
    }
}

/// A source column the table's declaration does not name (a column added since it was written).
public struct UndeclaredColumn: Sendable, Hashable {
    public var name: String
    /// As the source prints it (`text`, `numeric(12,2)`).
    public var sourceType: String
    /// The type it loads as when the table evolves (`schema_evolution: add_columns`); nil when none can hold it.
    public var type: DataType?

    public init(name: String, sourceType: String, type: DataType?) {
        self.name = name
        self.sourceType = sourceType
        self.type = type
    }
}

/// What happens to rows the table's `deleted_when` marks as soft-deleted.
public enum DeletedRows: Sendable, Hashable, Codable {
    /// They are not read: the target holds no earlier version of them (a table's first backfill, a full reload).
    case exclude
    /// They are read, with the flag column set, so the sink replaces their earlier version with a deleted one.
    case flag
}

/// The rows of one table that a run reads.
public struct ReadRequest: Sendable {
    public var table: TableConfig
    /// The cursor range; ``CursorWindow/everything`` for a table without a cursor.
    public var window: CursorWindow
    public var deletedRows: DeletedRows
    /// The batches a reader must produce: the declared columns, then ``TableRunLayout/deletedColumn`` when the
    /// table has `deleted_when`.
    public var schema: Schema
    /// The cursor column's kind, when the table has a cursor.
    public var cursorKind: CursorKind?

    public init(table: TableConfig, window: CursorWindow, deletedRows: DeletedRows, schema: Schema, cursorKind: CursorKind?) {
        self.table = table
        self.window = window
        self.deletedRows = deletedRows
        self.schema = schema
        self.cursorKind = cursorKind
    }
}

/// One partition of a table: what a task reads.
public struct SourcePartition: Sendable, Hashable {
    /// The source's own description of the partition, shipped with the task to the executor's reader.
    public var read: ConnectorPayload
    /// What `sluice plan` shows (`"id" >= 100 AND "id" < 200`).
    public var summary: String
    /// The source's estimate of the rows, when it has one.
    public var estimatedRows: Int64?

    public init(read: ConnectorPayload, summary: String, estimatedRows: Int64?) {
        self.read = read
        self.summary = summary
        self.estimatedRows = estimatedRows
    }
}

/// Where rows come from, on an executor: reads one partition.
public protocol SourceReader: Sendable {
    /// Reads the partition `read` describes on the calling thread (blocking: run it on a thread of its own),
    /// handing each batch of `schema` to `consume` as it is decoded. Memory stays bounded by one batch.
    func read(_ read: ConnectorPayload, schema: Schema, options: ReadOptions,
              consume: (RecordBatch) throws(SluiceError) -> Void) throws(SluiceError) -> ReadStats
}

/// How an executor reads a partition.
public struct ReadOptions: Sendable, Hashable {
    /// Rows per batch.
    public var batchRows: Int
    /// Values no sink type can hold (NaN, infinities).
    public var specialValues: SpecialValuesPolicy
    /// The table's name, for messages.
    public var table: String

    public init(batchRows: Int, specialValues: SpecialValuesPolicy, table: String) {
        self.batchRows = batchRows
        self.specialValues = specialValues
        self.table = table
    }
}

/// What reading a partition did.
public struct ReadStats: Sendable, Hashable {
    public var rows: UInt64
    /// Per target column, values the source's policy turned to NULL (infinities under `set_null`).
    public var nulledValues: [String: UInt64]
    /// The largest cursor value read (every row read counts, whatever a stage does with it later).
    public var maxCursor: CursorValue?

    public init(rows: UInt64, nulledValues: [String: UInt64] = [:], maxCursor: CursorValue? = nil) {
        self.rows = rows
        self.nulledValues = nulledValues
        self.maxCursor = maxCursor
    }
}
