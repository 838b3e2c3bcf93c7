public import SluiceConfig
public import SluiceCore

/// Where rows go, on the driver: prepares a table run's target, commits what executors staged (exactly one
/// attempt per task), finishes the table (swapping a full reload in, building derived layers) and cleans up.
/// One implementation per sink connector (ClickHouse today); the driver knows nothing else about sinks.
public protocol Sink: Sendable {
    /// What and where it is, without secrets (`clickhouse etl@ch:8123`), for messages.
    var summary: String { get }

    /// Connects and says what answered (`ClickHouse 18.16.1`), for `sluice validate`.
    func check() async throws(SluiceError) -> String

    /// Connects once when a run (or a plan) starts and returns the sink that plans and loads it. A sink whose targets
    /// depend on what it connects to decides that here, so that ``target(for:)`` and ``limits`` need no IO:
    /// ClickHouse chooses its column types by the server's version. The default returns the sink itself.
    func connectForRun() async throws(SluiceError) -> any Sink

    /// The values the sink can hold, which the stages enforce before a row reaches it.
    var limits: SinkLimits { get }

    /// Where bookmarks live for pipelines that load this sink.
    func bookmarkStore() -> any BookmarkStore

    /// Where a table run loads, decided once and without touching the sink (so `sluice plan` can show it).
    func target(for request: SinkTableRequest) throws(SluiceError) -> SinkTarget

    /// Creates what the run loads into; an existing target must hold the declared schema exactly.
    func prepare(_ target: SinkTarget) async throws(SluiceError)

    /// Makes one task's staged rows part of the target; called once per task, for the attempt the scheduler
    /// chose. Returns the rows that became part of it.
    func commit(_ receipt: ConnectorPayload, into target: SinkTarget) async throws(SluiceError) -> UInt64

    /// Throws away what an attempt staged that will never be committed (a superseded or failed attempt).
    func discard(_ receipt: ConnectorPayload, of target: SinkTarget) async

    /// After every task of the table committed: swap a full reload in, build derived layers.
    func finish(_ target: SinkTarget) async throws(SluiceError)

    /// After the table run ended, however it ended: remove what it staged and did not commit.
    func cleanUp(_ target: SinkTarget, succeeded: Bool) async
}

extension Sink {
    public func connectForRun() async throws(SluiceError) -> any Sink { self }
}

/// What a sink is asked to load for one table run.
public struct SinkTableRequest: Sendable {
    /// The run id of `sluice plan`'s requests: no run will load them, so names derived from the run id are not real.
    public static let planOnlyRunID = "plan"

    public var table: TableConfig
    public var runID: String
    /// True when the run replaces the table's contents (a full reload), false when it adds newer versions.
    public var replacesContents: Bool
    /// For an append table's incremental run or range reload: the whole days whose rows the run's rows replace
    /// (see ``TableDecision/Replacement/days(_:)``); nil otherwise.
    public var replacedDays: CursorWindow?
    /// The rows executors stage: the declared columns, then the deleted flag when the table has one.
    public var stagedSchema: Schema
    /// The cursor column's kind, when the table has a cursor (sinks version rows by it).
    public var cursorKind: CursorKind?
    /// Columns schema evolution added to the table (the last of its columns): an existing target gains them.
    public var addedColumns: [String]
    /// The staged column whose value versions the rows (the newest version of a key wins): the cursor, or for a
    /// child table ``StagedColumns/parentVersion``; nil when the table has neither.
    public var versionColumn: String?

    public init(table: TableConfig, runID: String, replacesContents: Bool, stagedSchema: Schema, cursorKind: CursorKind?,
                addedColumns: [String] = [], versionColumn: String? = nil, replacedDays: CursorWindow? = nil) {
        self.table = table
        self.runID = runID
        self.replacesContents = replacesContents
        self.replacedDays = replacedDays
        self.stagedSchema = stagedSchema
        self.cursorKind = cursorKind
        self.addedColumns = addedColumns
        self.versionColumn = versionColumn ?? table.cursor
    }
}

/// Where one table run loads, as the sink decided it.
public struct SinkTarget: Sendable, Hashable {
    /// The table's name in the pipeline.
    public var table: String
    /// What `sluice plan` and the report show (`clean.orders`, `clean.orders (reloaded into clean.orders__sluice_reload_...)`).
    public var summary: String
    /// The sink's own description of the target: what its writer on the executors and its driver side read.
    public var work: ConnectorPayload

    public init(table: String, summary: String, work: ConnectorPayload) {
        self.table = table
        self.summary = summary
        self.work = work
    }
}

/// The values a sink can hold. Values outside fail the task, become NULL or drop their row, per the column's
/// `out_of_range` policy, before they reach the sink.
public struct SinkLimits: Sendable, Hashable, Codable {
    /// Days since 1970-01-01 a `date` column may hold.
    public var dates: ClosedRange<Int64>
    /// Microseconds since 1970-01-01 a `timestamp`/`timestamptz` column may hold.
    public var timestamps: ClosedRange<Int64>

    public init(dates: ClosedRange<Int64>, timestamps: ClosedRange<Int64>) {
        self.dates = dates
        self.timestamps = timestamps
    }

    /// A sink that holds every value Sluice carries.
    public static let unlimited = SinkLimits(dates: Int64(Int32.min)...Int64(Int32.max), timestamps: Int64.min...Int64.max)
}

/// Where rows go, on an executor: stages one task's rows where the driver can commit them.
public protocol SinkWriter: Sendable {
    /// Stages `batches` (rows of the staged schema) for `task` into `target` (a ``SinkTarget/work``). The
    /// staged rows must not be visible in the target until the driver commits them, and a failure must stage
    /// nothing the driver could mistake for the whole task.
    func stage(_ batches: sending some BatchSource & Sendable, schema: Schema, for task: TaskSpec,
               into target: ConnectorPayload) async throws(SluiceError) -> SinkReceipt
}

/// What a sink writer staged: the rows it verified are there, and what the driver needs to commit them.
public struct SinkReceipt: Sendable, Hashable {
    public var rows: UInt64
    public var payload: ConnectorPayload

    public init(rows: UInt64, payload: ConnectorPayload) {
        self.rows = rows
        self.payload = payload
    }
}
