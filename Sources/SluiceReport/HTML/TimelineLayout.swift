import Foundation

/// Where each attempt of a run goes on the timeline: one lane per executor that ran an attempt, each attempt a
/// bar from its start to its end, and within a lane as many rows as the executor ran attempts at once. Pure: the
/// page draws what this decides.
public struct TimelineLayout: Sendable, Hashable {
    /// One attempt, once: a child table's attempts are its parent's and share its bar.
    public struct Bar: Sendable, Hashable {
        public var task: UInt64
        public var attempt: UInt32
        /// The attempt's position among its task's attempts (0: the first; more: a retry).
        public var index: Int
        /// The tables the attempt read: the task's table, then its children.
        public var tables: [String]
        public var partition: String
        public var executor: String
        public var outcome: AttemptReport.Outcome
        public var start: Double
        public var end: Double
        /// The report gave no end (the attempt was still running when the report was written): the bar runs to
        /// the end of the axis.
        public var open: Bool
        /// The row of its lane.
        public var row: Int = 0
        public var report: AttemptReport

        /// A speculative copy of a slow attempt (`run.speculation`), which runs beside it rather than after it.
        public var isSpeculative: Bool { report.speculative == true }
        public var isRetry: Bool { index > 0 && !isSpeculative }
    }

    public struct Lane: Sendable, Hashable {
        public var executor: String
        public var rows: Int
        public var bars: [Bar]
    }

    public var lanes: [Lane]
    /// Seconds the axis covers, from the run's start; never 0.
    public var span: Double

    public init(_ report: RunReport) {
        var bars: [Bar] = []
        var seen: [String: Int] = [:]
        for table in report.tables {
            for task in table.tasks {
                for (index, attempt) in task.attempts.enumerated() {
                    let key = "\(task.task)/\(attempt.attempt)/\(index)"
                    if let existing = seen[key] {
                        bars[existing].tables.append(table.table)
                        continue
                    }
                    seen[key] = bars.count
                    bars.append(Bar(task: task.task, attempt: attempt.attempt, index: index, tables: [table.table],
                                    partition: task.summary, executor: attempt.executor, outcome: attempt.outcome,
                                    start: attempt.startSeconds ?? 0, end: attempt.endSeconds ?? .nan,
                                    open: attempt.endSeconds == nil, report: attempt))
                }
            }
        }
        let latest = bars.flatMap { [$0.start, $0.open ? 0 : $0.end] }.max() ?? 0
        span = max(report.seconds, latest, 0.001)
        for index in bars.indices where bars[index].open { bars[index].end = span }
        let executors = Set(bars.map(\.executor)).sorted { $0.compare($1, options: .numeric) == .orderedAscending }
        lanes = executors.map { executor in Self.pack(executor, bars.filter { $0.executor == executor }) }
    }

    /// Puts each bar in the first row where it overlaps no other, in the order the bars started.
    static func pack(_ executor: String, _ bars: [Bar]) -> Lane {
        var rowEnds: [Double] = []
        var placed: [Bar] = []
        for var bar in bars.sorted(by: { ($0.start, $0.task, $0.index) < ($1.start, $1.task, $1.index) }) {
            if let row = rowEnds.firstIndex(where: { $0 <= bar.start }) {
                bar.row = row
                rowEnds[row] = max(bar.end, bar.start)
            } else {
                bar.row = rowEnds.count
                rowEnds.append(max(bar.end, bar.start))
            }
            placed.append(bar)
        }
        return Lane(executor: executor, rows: max(1, rowEnds.count), bars: placed)
    }

    /// The seconds at which to draw the axis's ticks: a round step (1, 2 or 5 times a power of ten) giving at most
    /// about `count` of them.
    public func ticks(count: Int = 8) -> [Double] {
        let raw = span / Double(max(1, count))
        let power = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= raw } ?? raw
        return stride(from: 0, through: span + step * 1e-9, by: step).map { $0 }
    }
}
