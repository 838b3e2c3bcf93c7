import Synchronization
public import SluiceCore

/// Counts the rows an attempt hands to the sink, across the shards of its tables, and reports the running total:
/// the load phase's progress, which keeps the driver's stall timeout from failing a load that moves.
final class LoadCounter: Sendable {
    private let rows = Atomic<UInt64>(0)
    private let report: @Sendable (UInt64) -> Void
    private let cancellation: CancelSignal

    init(report: @escaping @Sendable (UInt64) -> Void, cancellation: CancelSignal) {
        self.report = report
        self.cancellation = cancellation
    }

    /// `count` more rows go to the sink; throws `task_cancelled` once the attempt is cancelled, which aborts the insert.
    func sent(_ count: Int) throws(SluiceError) {
        try cancellation.check()
        report(rows.add(UInt64(count), ordering: .relaxed).newValue)
    }
}

/// A shard's batches as the sink pulls them (on the insert's thread), each counted by a ``LoadCounter`` first.
struct ReportingBatchSource<Source: BatchSource & Sendable>: BatchSource, Sendable {
    var source: Source
    let counter: LoadCounter

    mutating func next() throws(SluiceError) -> RecordBatch? {
        guard let batch = try source.next() else { return nil }
        try counter.sent(batch.rowCount)
        return batch
    }
}
