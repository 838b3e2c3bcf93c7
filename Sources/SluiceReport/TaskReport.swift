/// One task of a table: its partition and every attempt at it.
public struct TaskReport: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable {
        /// Its rows are part of the sink's table.
        case committed
        case failed
        /// Never finished: its table failed or the run was abandoned first.
        case cancelled
    }

    /// The task's id, unique in the run (a child table's tasks are its parent's).
    public var task: UInt64
    public var partition: Int
    /// The partition as the source describes it (`"id" >= 100 AND "id" < 200`).
    public var summary: String
    public var status: Status = .cancelled
    /// Rows that became part of the sink's table.
    public var rowsLoaded: UInt64 = 0
    /// In the order they started.
    public var attempts: [AttemptReport] = []
    /// In a resumed run: the earlier run whose shards the task staged instead of reading its partition again.
    public var reusedFrom: String?

    public init(task: UInt64, partition: Int, summary: String) {
        self.task = task
        self.partition = partition
        self.summary = summary
    }

    enum CodingKeys: String, CodingKey {
        case task, partition, summary, status, attempts
        case rowsLoaded = "rows_loaded"
        case reusedFrom = "reused_from"
    }
}
