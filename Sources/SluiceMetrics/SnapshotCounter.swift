public import Prometheus
import Synchronization

/// A Prometheus counter that follows a total someone else keeps (the driver's run report, the kernel's CPU time)
/// instead of being incremented where things happen. Each ``advance(to:)`` adds what the total grew by since the
/// last one; a total that shrinks (rows a failed attempt had read, forgotten with it) leaves the counter where it
/// is until the total passes it again, so the counter never goes backwards, as Prometheus's `rate()` requires.
public final class SnapshotCounter: Sendable {
    private let counter: Counter
    private let last = Mutex<Double>(0)

    public init(_ counter: Counter) {
        self.counter = counter
    }

    public func advance(to total: Double) {
        last.withLock { last in
            guard total > last else { return }
            counter.increment(by: total - last)
            last = total
        }
    }

    /// Whole totals stay integers in the exposition (`12`, not `12.0`).
    public func advance(to total: UInt64) {
        last.withLock { last in
            guard Double(total) > last else { return }
            counter.increment(by: Int64(clamping: total) - Int64(last))
            last = Double(total)
        }
    }
}
