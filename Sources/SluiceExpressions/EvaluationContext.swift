/// What an evaluation needs besides the batch: the run's fixed values and how to name rows in errors.
public struct EvaluationContext: Sendable, Hashable {
    /// The run's start, in microseconds since 1970-01-01 00:00:00 UTC: what `run_started_at()` returns, the same
    /// for every row and every batch of the run (never the wall clock).
    public var runStartedAt: Int64
    /// Added to a row's 0-based position in the batch when an error names it (the task's rows before this batch).
    public var rowOffset: Int
    /// The table, for error context.
    public var table: String?

    /// The context of one batch: the run's start (microseconds since the epoch, UTC), the task rows before the
    /// batch, and the table for messages.
    public init(runStartedAt: Int64, rowOffset: Int = 0, table: String? = nil) {
        self.runStartedAt = runStartedAt
        self.rowOffset = rowOffset
        self.table = table
    }
}
