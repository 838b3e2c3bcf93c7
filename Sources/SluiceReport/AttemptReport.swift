/// One attempt at a task, as the driver saw it: where it ran, when, what it did and how it ended.
public struct AttemptReport: Sendable, Hashable, Codable {
    public enum Outcome: String, Sendable, Hashable, Codable {
        case running
        /// Staged, waiting for the driver's commit.
        case staged
        /// Staged and committed: these rows are in the sink.
        case committed
        case failed
        /// Its executor was lost while it ran.
        case lost
        /// Its executor was stopping (SIGTERM) and gave it back unfinished; it ran again elsewhere. Not a failure.
        case handedBack = "handed_back"
        /// It reported success after another attempt had replaced it (or after its table ended); what it staged
        /// was discarded.
        case superseded
        /// Still running when its table ended (the table failed or the run was stopped), or stopped by the driver
        /// because another attempt of its task staged first (speculation); nothing of it was kept. ``error`` says
        /// why when the driver cancelled it.
        case cancelled

        /// Whether the attempt ended without its rows being kept.
        public var isProblem: Bool { self == .failed || self == .lost || self == .superseded || self == .cancelled }
    }

    /// 1 for a task's first attempt, then one more per retry.
    public var attempt: UInt32
    /// The executor's id as the driver knows it (`pod-1#3`: its own id and the connection's number).
    public var executor: String
    public var outcome: Outcome
    /// When the driver assigned the attempt: seconds since the run started (monotonic) and the wall-clock time.
    public var startSeconds: Double?
    public var startedAt: String?
    /// When the driver learned how the attempt ended (its result, its failure, its executor lost, its table ended).
    public var endSeconds: Double?
    public var finishedAt: String?
    public var rowsExtracted: UInt64?
    public var rowsStaged: UInt64?
    /// Bytes of the Parquet shard the attempt wrote for this table.
    public var shardBytes: UInt64?
    /// The executor's own timings: reading and transforming into the shard, then staging the shard in the sink.
    public var extractSeconds: Double?
    public var loadSeconds: Double?
    public var error: String?
    /// For a failed attempt: whether its error was retryable (false: its table failed at once).
    public var retryable: Bool?
    /// For a failed attempt that was retried: how long the next attempt waited (its backoff).
    public var retryAfterSeconds: Double?
    /// True for a speculative copy of a slow attempt (`run.speculation`); absent otherwise.
    public var speculative: Bool?

    public init(attempt: UInt32, executor: String, outcome: Outcome, started: RunInstant? = nil) {
        self.attempt = attempt
        self.executor = executor
        self.outcome = outcome
        startSeconds = started?.seconds
        startedAt = started?.timestamp
    }

    /// Records when the attempt ended; a later ending (a superseded attempt's late result) replaces an earlier one.
    public mutating func ended(at instant: RunInstant) {
        endSeconds = instant.seconds
        finishedAt = instant.timestamp
    }

    /// Seconds from start to end, when both are known.
    public var seconds: Double? {
        guard let startSeconds, let endSeconds else { return nil }
        return max(0, endSeconds - startSeconds)
    }

    enum CodingKeys: String, CodingKey {
        case attempt, executor, outcome, error, retryable, speculative, retryAfterSeconds = "retry_after_seconds"
        case startSeconds = "start_seconds", startedAt = "started_at", endSeconds = "end_seconds", finishedAt = "finished_at"
        case rowsExtracted = "rows_extracted", rowsStaged = "rows_staged", shardBytes = "shard_bytes"
        case extractSeconds = "extract_seconds", loadSeconds = "load_seconds"
    }
}
