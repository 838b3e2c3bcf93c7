public import SluiceCore
public import SluicePipeline
import Synchronization

/// In-memory stand-ins for the servers a run talks to: source tables, the sink's staged and committed rows,
/// and bookmarks, with faults to inject. Driver and executor tests share one world, so an in-process run
/// reads, stages and commits the way a real one does, without PostgreSQL or ClickHouse.
///
/// Not a product component: it lives in the package so that driver and executor tests can share it.
public final class FakeWorld: Sendable {
    /// A source table: column names and rows of values (`Value.int` microseconds for timestamps, days for dates).
    public struct Table: Sendable {
        public var columns: [String]
        public var rows: [[Value]]

        public init(columns: [String], rows: [[Value]]) {
            self.columns = columns
            self.rows = rows
        }
    }

    /// A fault, consumed when it fires.
    public enum Fault: Sendable, Hashable {
        /// Reading partition `partition` of `table` fails, `times` times.
        case read(table: String, partition: Int, times: Int, retryable: Bool)
        /// Committing fails, `times` times.
        case commit(times: Int)
        /// Staging a task of `table` fails after part of its rows reached the sink, `times` times.
        case stage(table: String, times: Int)
        /// Finishing `table` fails.
        case finish(table: String)
    }

    struct State {
        var tables: [String: Table] = [:]
        var snapshots: [String: [String: Table]] = [:]
        var staged: [String: [[Value]]] = [:]
        var committed: [String: [[Value]]] = [:]
        var bookmarks: [String: Bookmark] = [:]
        var fileLedgers: [String: FileLedger] = [:]
        /// What the bookmark store recorded of finished runs, oldest first.
        var runRecords: [RunRecord] = []
        var faults: [Fault] = []
        var events: [String] = []
        var finished: [String] = []
    }

    let state = Mutex(State())

    public init() {}

    /// Sets (or replaces) a source table.
    public func setTable(_ name: String, _ table: Table) {
        state.withLock { $0.tables[name] = table }
    }

    /// Changes a source table in place.
    public func updateTable(_ name: String, _ change: @Sendable (inout Table) -> Void) {
        state.withLock { state in
            if var table = state.tables[name] {
                change(&table)
                state.tables[name] = table
            }
        }
    }

    public func inject(_ fault: Fault) {
        state.withLock { $0.faults.append(fault) }
    }

    /// Rows committed into a sink table, each as its clean-layer values (declared columns, then the deleted flag).
    public func committed(_ table: String) -> [[Value]] {
        state.withLock { $0.committed[table] ?? [] }
    }

    /// Staged outputs not committed nor discarded yet.
    public var stagedOutputs: [String] { state.withLock { $0.staged.keys.sorted() } }

    public func bookmark(_ table: String) -> Bookmark? {
        state.withLock { $0.bookmarks[table] }
    }

    /// What the fakes did, in order (`stage orders t1 a1`, `commit ...`, `discard ...`, `finish orders`, `clean up ...`).
    public var events: [String] { state.withLock { $0.events } }

    func record(_ event: String) {
        state.withLock { $0.events.append(event) }
    }

    /// Fires the first fault `matches` accepts: one of its `times` is used up. Returns it, or nil when none matched.
    func fire(_ matches: (Fault) -> Bool) -> Fault? {
        state.withLock { state in
            guard let index = state.faults.firstIndex(where: matches) else { return nil }
            let fault = state.faults[index]
            switch fault {
            case .read(let table, let partition, let times, let retryable) where times > 1:
                state.faults[index] = .read(table: table, partition: partition, times: times - 1, retryable: retryable)
            case .commit(let times) where times > 1:
                state.faults[index] = .commit(times: times - 1)
            case .stage(let table, let times) where times > 1:
                state.faults[index] = .stage(table: table, times: times - 1)
            default:
                state.faults.remove(at: index)
            }
            return fault
        }
    }
}

extension SluiceError.Code {
    /// A fault a test injected into a fake.
    public static let injectedFault = Self("injected_fault", retryable: true)
}
