import Foundation

/// What a run did, per table, task and attempt: printed at the end of `sluice run`, written as JSON by `--report`
/// and rendered as a page by `sluice report`. Every field is described in docs/report.md.
public struct RunReport: Sendable, Hashable, Codable {
    /// The version of the JSON layout this code writes (`report_version`); readers refuse newer ones.
    public static let currentVersion = 1

    /// The layout version of the report as read (``currentVersion`` for reports this process made).
    public var reportVersion: Int
    public var runID: String
    /// The pipeline's name; empty when the configuration could not be loaded.
    public var pipeline: String
    /// ISO 8601, UTC, whole seconds.
    public var startedAt: String
    /// ISO 8601, UTC, milliseconds; nil in reports written before the field existed.
    public var finishedAt: String?
    public var seconds: Double
    /// Why the run could not start (PostgreSQL or ClickHouse unreachable, refused credentials, a configuration the
    /// connectors reject); nil when it started. Its tables then fail with the same error.
    public var error: String?
    /// The stable code of ``error`` (`postgres_connection`, `config_invalid`, ...).
    public var errorCode: String?
    public var tables: [TableReport]
    /// Executors that got no more tasks because they failed attempts others completed, in the order it happened.
    public var excludedExecutors: [ExcludedExecutorReport]
    /// The earlier run this run resumed (`sluice run --resume`), if any.
    public var resumedFrom: String?

    public init(runID: String, pipeline: String, startedAt: String, finishedAt: String? = nil, seconds: Double,
                tables: [TableReport], error: String? = nil, errorCode: String? = nil, excludedExecutors: [ExcludedExecutorReport] = []) {
        self.excludedExecutors = excludedExecutors
        reportVersion = Self.currentVersion
        self.runID = runID
        self.pipeline = pipeline
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.seconds = seconds
        self.tables = tables
        self.error = error
        self.errorCode = errorCode
    }

    /// True when the run started and every table succeeded.
    public var succeeded: Bool { error == nil && tables.allSatisfy { $0.status == .succeeded } }

    /// The run's figures added up over its tables.
    public var totals: RunTotals { RunTotals(tables) }

    enum CodingKeys: String, CodingKey {
        case reportVersion = "report_version", runID = "run_id", pipeline, startedAt = "started_at", finishedAt = "finished_at"
        case seconds, succeeded, error, errorCode = "error_code", totals, tables, excludedExecutors = "excluded_executors"
        case resumedFrom = "resumed_from"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Self.currentVersion, forKey: .reportVersion)
        try c.encode(runID, forKey: .runID)
        try c.encode(pipeline, forKey: .pipeline)
        try c.encode(startedAt, forKey: .startedAt)
        try c.encodeIfPresent(finishedAt, forKey: .finishedAt)
        try c.encode(seconds, forKey: .seconds)
        try c.encode(succeeded, forKey: .succeeded)
        try c.encodeIfPresent(error, forKey: .error)
        try c.encodeIfPresent(errorCode, forKey: .errorCode)
        try c.encode(totals, forKey: .totals)
        try c.encode(tables, forKey: .tables)
        try c.encode(excludedExecutors, forKey: .excludedExecutors)
        try c.encodeIfPresent(resumedFrom, forKey: .resumedFrom)
    }

    /// Reads what ``encode(to:)`` writes; `succeeded` and `totals` are recomputed from the tables. Reports from before
    /// `report_version` existed read as version 0.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        reportVersion = try c.decodeIfPresent(Int.self, forKey: .reportVersion) ?? 0
        runID = try c.decode(String.self, forKey: .runID)
        pipeline = try c.decode(String.self, forKey: .pipeline)
        startedAt = try c.decode(String.self, forKey: .startedAt)
        finishedAt = try c.decodeIfPresent(String.self, forKey: .finishedAt)
        seconds = try c.decode(Double.self, forKey: .seconds)
        error = try c.decodeIfPresent(String.self, forKey: .error)
        errorCode = try c.decodeIfPresent(String.self, forKey: .errorCode)
        tables = try c.decode([TableReport].self, forKey: .tables)
        excludedExecutors = try c.decodeIfPresent([ExcludedExecutorReport].self, forKey: .excludedExecutors) ?? []
        resumedFrom = try c.decodeIfPresent(String.self, forKey: .resumedFrom)
    }
}

/// An executor the run stopped giving tasks (``SluiceScheduler/ExecutorExclusion``).
public struct ExcludedExecutorReport: Sendable, Codable, Hashable {
    public var executor: String
    /// Its failed attempts in a row that decided it.
    public var failures: Int
    /// The last of them.
    public var error: String

    public init(executor: String, failures: Int, error: String) {
        self.executor = executor
        self.failures = failures
        self.error = error
    }
}
