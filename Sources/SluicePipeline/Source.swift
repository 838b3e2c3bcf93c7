public import SluiceConfig
public import SluiceCore
public import SluiceExpressions

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
    /// Checks `table` against its declaration (the table and every declared column read from it exist, and
    /// convert exactly to their declared types) and says what planning needs to know about it, with every
    /// column the source table has.
    func describe(_ table: TableConfig) async throws(SluiceError) -> SourceTable

    /// The smallest and largest cursor values among the rows in `window` (for backfill slices); nil when
    /// there is no such row.
    func cursorBounds(_ table: TableConfig, kind: CursorKind, within window: CursorWindow) async throws(SluiceError)
        -> ClosedRange<CursorValue>?

    /// How many rows `table` holds in this view (a join's small table, checked against its `max_rows`).
    func countRows(_ table: TableConfig) async throws(SluiceError) -> Int64

    /// The whole files `table`'s rows come from, when its cursor is a value each file's location gives all of its rows
    /// (a Parquet source's `_file_modified`, or a partition folder's key): a ``FileLedger`` then decides which are new.
    /// Nil for every other table (the default).
    func trackedFiles(_ table: TableConfig) async throws(SluiceError) -> [TrackedFile]?

    /// Splits the rows `request` selects into partitions, each read by one task, evaluating what it can of the
    /// request's conditions itself.
    func partitions(_ request: ReadRequest) async throws(SluiceError) -> SourceReadPlan

    /// A partition an earlier run planned (``partitions(_:)`` then), made to read in this view instead: a resumed run
    /// reads the partitions its predecessor did not stage with the same predicates, in its own snapshot.
    func rebind(_ partition: SourcePartition) throws(SluiceError) -> SourcePartition

    /// Points the reads of a task attempt about to be sent at the view it should read now, and says which view that
    /// is. A source whose view can be lost and replaced mid-run (PostgreSQL's exported snapshot) rewrites the payloads;
    /// the default keeps them and names no view. A retry (``TaskSpec/attempt`` > 1) may check the view first, since its
    /// previous attempt may have failed because the view was gone. Never throws: a view that cannot be replaced now
    /// leaves the reads as they are, their attempt fails (retryably) and its retry asks again.
    func bind(_ task: TaskSpec) async -> BoundTask

    /// Ends the view (releases the snapshot). Tasks cannot read it afterwards.
    func close() async
}

/// What planning needs to know about a source table.
public struct SourceTable: Sendable, Hashable {
    /// How the source stores the cursor column; nil for a table without a cursor.
    public var cursorKind: CursorKind?
    /// The table as the source names it (`public.orders`), for messages.
    public var name: String
    /// Every column of the source table, in the source's order: what expressions can read.
    public var fields: [SourceField]
    /// What the source says about the declaration that can lose or change rows without an error (a nullable
    /// column declared `nullable: false`, a primary key no unique index enforces), each with the fix.
    public var warnings: [String]

    public init(cursorKind: CursorKind?, name: String, fields: [SourceField] = [], warnings: [String] = []) {
        self.cursorKind = cursorKind
        self.name = name
        self.fields = fields
        self.warnings = warnings
    }

    /// The source columns `table` neither declares, nor reads for an expression (`used`), nor ignores
    /// (`ignore_columns`): columns added since the table was declared.
    public func undeclaredColumns(of table: TableConfig, used: Set<String> = []) -> [SourceField] {
        let known = Set(table.columns.filter { $0.expression == nil }.map(\.source)).union(table.ignoreColumns).union(used)
        return fields.filter { !known.contains($0.name) }
    }
}

/// A column of a source table as the source describes it.
public struct SourceField: Sendable, Hashable {
    public var name: String
    /// As the source prints it (`text`, `numeric(12,2)`).
    public var sourceType: String
    /// The type it reads as when nothing declares one (an expression reads it, or the table evolves); nil when
    /// no Sluice type holds it.
    public var type: DataType?
    public var nullable: Bool

    public init(name: String, sourceType: String, type: DataType?, nullable: Bool = true) {
        self.name = name
        self.sourceType = sourceType
        self.type = type
        self.nullable = nullable
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
    /// The batches a reader must produce: source columns by their source names, each of the type it is read as
    /// (a declared column's type, or its natural type), then ``StagedColumns/deleted`` when the table has
    /// `deleted_when` (computed by the source from it).
    public var schema: Schema
    /// The cursor column's kind, when the table has a cursor.
    public var cursorKind: CursorKind?
    /// Conditions every row read must pass (the table filter's conjuncts over ``schema``), which the source
    /// may evaluate itself; ``SourceReadPlan/pushedConditions`` says which it took. The rest run on executors.
    public var conditions: [CompiledExpression]
    /// Child tables read with each partition.
    public var related: [RelatedRequest]
    /// Files not to read, loaded already (their table's ``FileLedger``); only for a table with ``SourceRun/trackedFiles(_:)``.
    public var skippedFiles: Set<FileVersion> = []

    public init(table: TableConfig, window: CursorWindow, deletedRows: DeletedRows, schema: Schema, cursorKind: CursorKind?,
                conditions: [CompiledExpression] = [], related: [RelatedRequest] = []) {
        self.table = table
        self.window = window
        self.deletedRows = deletedRows
        self.schema = schema
        self.cursorKind = cursorKind
        self.conditions = conditions
        self.related = related
    }

    /// The source columns read (without the deleted flag).
    public var sourceColumns: [Field] { schema.fields.filter { $0.name != StagedColumns.deleted } }
}

/// How a source reads a table: its partitions, and which of the request's conditions it evaluates itself.
public struct SourceReadPlan: Sendable {
    public var partitions: [SourcePartition]
    /// Positions in ``ReadRequest/conditions`` of the conditions the source evaluates while reading: rows
    /// failing them are never read.
    public var pushedConditions: [Int]
    /// For a table with ``SourceRun/trackedFiles(_:)``: every file the plan accounts for, read by a partition or left out
    /// whole because no row of it can pass the table's filter.
    public var files: [FileVersion]

    public init(partitions: [SourcePartition], pushedConditions: [Int] = [], files: [FileVersion] = []) {
        self.partitions = partitions
        self.pushedConditions = pushedConditions
        self.files = files
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
    /// For each of the request's ``ReadRequest/related`` child tables, what the partition reads of it: the child
    /// rows of the partition's rows.
    public var related: [ConnectorPayload]
    /// For a table with ``SourceRun/trackedFiles(_:)``: the files the partition reads (``SourceRun/rebind(_:)`` sets it
    /// again for a partition an earlier run planned).
    public var files: [FileVersion]

    public init(read: ConnectorPayload, summary: String, estimatedRows: Int64?, related: [ConnectorPayload] = [],
                files: [FileVersion] = []) {
        self.read = read
        self.summary = summary
        self.estimatedRows = estimatedRows
        self.related = related
        self.files = files
    }
}

/// A child table read with its parent's partitions (co-partitioned): each partition reads the child rows whose key
/// refers to one of the partition's parent rows, with the parent row's cursor value as their version.
public struct RelatedRequest: Sendable {
    /// The child table.
    public var table: TableConfig
    /// The batches its reader must produce: the child's source columns by source name, then
    /// ``StagedColumns/deleted`` when it has `deleted_when`, then ``StagedColumns/parentVersion`` when the parent
    /// has a cursor.
    public var schema: Schema
    /// The child's source column holding the parent's key.
    public var childKey: String
    /// The parent's source column it refers to.
    public var parentKey: String

    public init(table: TableConfig, schema: Schema, childKey: String, parentKey: String) {
        self.table = table
        self.schema = schema
        self.childKey = childKey
        self.parentKey = parentKey
    }

    /// The child's source columns read (without the computed flag and version).
    public var sourceColumns: [Field] {
        schema.fields.filter { $0.name != StagedColumns.deleted && $0.name != StagedColumns.parentVersion }
    }
}

/// Where rows come from, on an executor: reads one partition.
public protocol SourceReader: Sendable {
    /// Reads the partition `read` describes on the calling thread (blocking: run it on a thread of its own),
    /// handing each batch of `schema` to `consume` as it is decoded. Memory stays bounded by one batch: batches
    /// end at ``ReadOptions/batchRows`` rows or ``ReadOptions/batchBytes`` bytes, whichever comes first.
    func read(_ read: ConnectorPayload, schema: Schema, options: ReadOptions,
              consume: (RecordBatch) throws(SluiceError) -> Void) throws(SluiceError) -> ReadStats
}

/// How an executor reads a partition.
public struct ReadOptions: Sendable, Hashable {
    /// Rows per batch.
    public var batchRows: Int
    /// A batch also ends once its rows take about this many bytes (the executor's memory budget,
    /// ``SluiceCore/MemoryBudget/batchBytes``), however few they are. Default: no limit.
    public var batchBytes: Int
    /// Values no sink type can hold (NaN, infinities).
    public var specialValues: SpecialValuesPolicy
    /// The table's name, for messages.
    public var table: String

    public init(batchRows: Int, batchBytes: Int = .max, specialValues: SpecialValuesPolicy, table: String) {
        self.batchRows = batchRows
        self.batchBytes = batchBytes
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

extension SourceRun {
    /// Partitions that do not depend on the view read as they are.
    public func rebind(_ partition: SourcePartition) throws(SluiceError) -> SourcePartition { partition }

    /// Rows are chosen by their cursor, not by file.
    public func trackedFiles(_ table: TableConfig) async throws(SluiceError) -> [TrackedFile]? { nil }
}
