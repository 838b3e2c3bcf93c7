public import SluiceReport

/// What the driver's `/metrics` shows at one moment, gathered from the ``RunCoordinator`` (``RunCoordinator/progress()``,
/// ``RunCoordinator/reports()``, ``RunCoordinator/executorCount``, ``RunCoordinator/excludedExecutors()``) so that the
/// metrics say exactly what the progress display and the run report say, with no counters of their own in the
/// scheduling code. Pure: the derivations below are tested on hand-made snapshots.
public struct DriverMetricsSnapshot: Sendable, Hashable {
    public var runID: String
    public var pipeline: String
    /// Seconds since the run started (its final length once it ended).
    public var seconds: Double
    /// Planned tables, in configuration order (children are counted with their parent).
    public var progress: [TableProgress]
    /// Every table's report: planned tables with their children, then those that could not be planned.
    public var reports: [TableReport]
    public var executorsAlive: Int
    public var executorsExcluded: Int

    public init(runID: String, pipeline: String, seconds: Double, progress: [TableProgress] = [], reports: [TableReport] = [],
                executorsAlive: Int = 0, executorsExcluded: Int = 0) {
        self.runID = runID
        self.pipeline = pipeline
        self.seconds = seconds
        self.progress = progress
        self.reports = reports
        self.executorsAlive = executorsAlive
        self.executorsExcluded = executorsExcluded
    }

    /// Where a task stands, as `sluice_tasks{state}` counts it.
    public enum TaskState: String, Sendable, CaseIterable {
        /// Not started, or waiting out a retry's backoff.
        case waiting
        case running
        /// Staged in the sink, waiting for the driver's commit (a table that commits together waits for all).
        case staged
        case committed
        /// Its table ended without committing it.
        case failed
    }

    /// Where a table stands, as `sluice_tables{status}` counts it.
    public enum TableStatus: String, Sendable, CaseIterable {
        case pending, running, succeeded, failed
    }

    /// One table's figures for the per-table metrics.
    public struct TableFigures: Sendable, Hashable {
        public var table: String
        public var status: TableStatus
        /// Rows read so far: staged and committed attempts, plus what running attempts have read.
        public var rowsExtracted: UInt64
        /// Rows committed into the sink's table.
        public var rowsLoaded: UInt64
        /// Parquet bytes of staged and committed shards.
        public var shardBytes: UInt64
        public var retries: Int
        /// Tasks per state; empty for a child table (its tasks are its parent's).
        public var tasks: [TaskState: Int]
    }

    /// Every table's figures, in the reports' order. A child table takes its parent's status and has no tasks of its
    /// own; a table that could not be planned is failed.
    public var tables: [TableFigures] {
        let progressByTable = Dictionary(progress.map { ($0.table, $0) }, uniquingKeysWith: { first, _ in first })
        var statusByRoot: [String: TableStatus] = [:]
        for report in reports where report.parent == nil {
            guard let root = progressByTable[report.table] else { continue }
            statusByRoot[report.table] = Self.status(of: root, started: report.tasks.contains { !$0.attempts.isEmpty })
        }
        return reports.map { report in
            let status = statusByRoot[report.parent ?? report.table] ?? .failed
            guard report.parent == nil, let root = progressByTable[report.table] else {
                return TableFigures(table: report.table, status: status, rowsExtracted: report.rowsExtracted, rowsLoaded: report.rowsLoaded,
                                    shardBytes: report.shardBytes, retries: 0, tasks: [:])
            }
            var tasks = Dictionary(uniqueKeysWithValues: TaskState.allCases.map { ($0, 0) })
            for task in report.tasks { tasks[Self.state(of: task, tableEnded: root.finished), default: 0] += 1 }
            return TableFigures(table: report.table, status: status, rowsExtracted: max(root.rows, report.rowsExtracted),
                                rowsLoaded: report.rowsLoaded, shardBytes: max(root.bytes, report.shardBytes), retries: root.retries,
                                tasks: tasks)
        }
    }

    /// How many tables are in each status.
    public var tableStatusCounts: [TableStatus: Int] {
        var counts = Dictionary(uniqueKeysWithValues: TableStatus.allCases.map { ($0, 0) })
        for table in tables { counts[table.status, default: 0] += 1 }
        return counts
    }

    static func status(of table: TableProgress, started: Bool) -> TableStatus {
        if table.finished { return table.failed ? .failed : .succeeded }
        return started ? .running : .pending
    }

    /// A task's state from its report: the last attempt says it, except that a task whose attempt failed waits for
    /// its retry while the table goes on, and fails with its table.
    static func state(of task: TaskReport, tableEnded: Bool) -> TaskState {
        if task.status == .committed { return .committed }
        if tableEnded { return .failed }
        switch task.attempts.last?.outcome {
        case nil: return .waiting
        case .running: return .running
        case .staged: return .staged
        case .committed: return .committed
        case .failed, .lost, .handedBack, .superseded, .cancelled: return .waiting
        }
    }
}
