/// A run's figures added up over its tables. A child table's tasks are its parent's, so tasks and attempts are
/// counted once per task id, and executors once per name.
public struct RunTotals: Sendable, Hashable, Codable {
    public var tables = 0
    public var tablesSucceeded = 0
    public var tablesFailed = 0
    public var tasks = 0
    public var tasksCommitted = 0
    public var attempts = 0
    /// Attempts that failed or whose executor was lost.
    public var attemptsFailed = 0
    /// Attempts after a task's first.
    public var retries = 0
    /// Executors that ran at least one attempt.
    public var executors = 0
    public var rowsExtracted: UInt64 = 0
    public var rowsLoaded: UInt64 = 0
    public var rowsQuarantined: UInt64 = 0
    public var rowsDeleted: UInt64 = 0
    public var rowsFiltered: UInt64 = 0
    public var shardBytes: UInt64 = 0

    public init(_ tables: [TableReport]) {
        self.tables = tables.count
        var tasksSeen: Set<UInt64> = []
        var executorsSeen: Set<String> = []
        for table in tables {
            if table.status == .succeeded { tablesSucceeded += 1 } else { tablesFailed += 1 }
            rowsExtracted += table.rowsExtracted
            rowsLoaded += table.rowsLoaded
            rowsQuarantined += table.rowsQuarantined
            rowsDeleted += table.rowsDeleted
            rowsFiltered += table.rowsFiltered
            shardBytes += table.shardBytes
            for task in table.tasks where tasksSeen.insert(task.task).inserted {
                tasks += 1
                if task.status == .committed { tasksCommitted += 1 }
                attempts += task.attempts.count
                retries += max(0, task.attempts.count - 1)
                attemptsFailed += task.attempts.filter { $0.outcome == .failed || $0.outcome == .lost }.count
                for attempt in task.attempts { executorsSeen.insert(attempt.executor) }
            }
        }
        executors = executorsSeen.count
    }

    enum CodingKeys: String, CodingKey {
        case tables, tasks, attempts, retries, executors
        case tablesSucceeded = "tables_succeeded", tablesFailed = "tables_failed", tasksCommitted = "tasks_committed"
        case attemptsFailed = "attempts_failed"
        case rowsExtracted = "rows_extracted", rowsLoaded = "rows_loaded", rowsQuarantined = "rows_quarantined"
        case rowsDeleted = "rows_deleted", rowsFiltered = "rows_filtered", shardBytes = "shard_bytes"
    }
}
