public import SluiceCore
public import SluicePipeline

/// Which view of the source (``SluicePipeline/ReadView``) each attempt of a table's tasks read, and what follows
/// from it when a run read more than one (the source lost its first snapshot and opened another): which results may
/// move the bookmark, and what the report says. Pure.
public struct ReadViewLedger: Sendable, Hashable {
    private struct Attempt: Hashable, Sendable {
        var task: UInt64
        var attempt: UInt32
    }

    private var views: [Attempt: ReadView] = [:]

    public init() {}

    /// The attempt reads `view` (nil: the source has one view; nothing to remember).
    public mutating func record(task: UInt64, attempt: UInt32, view: ReadView?) {
        guard let view else { return }
        views[Attempt(task: task, attempt: attempt)] = view
    }

    /// The view the attempt behind `result` read, if the source named one.
    public func view(of result: TaskResult) -> ReadView? {
        views[Attempt(task: result.taskID, attempt: result.attempt)]
    }

    /// The results whose largest cursor may move the bookmark. All of them when they read one view. When they read
    /// several, only those that read the oldest: a row of a partition read in the older view may have been updated
    /// before the newer one was opened, and its new cursor value can lie below what the newer view's partitions
    /// reached; capping the bookmark at what the older view's partitions extracted makes the next run read it again
    /// (a row read twice keeps its newest version). Results of unknown view count as read in the oldest.
    public func bookmarkResults(_ results: [TaskResult]) -> [TaskResult] {
        guard let oldest = results.compactMap({ view(of: $0) }).min(),
              results.contains(where: { view(of: $0).map { $0 != oldest } ?? false })
        else { return results }
        return results.filter { view(of: $0).map { $0 == oldest } ?? true }
    }

    /// What the table's report says when its committed results did not all read the run's first view: each view
    /// with the partitions that read it (`partition` gives a task's partition index), and the bookmark's cap. Nil when
    /// every result read the first view, or the source names none.
    public func note(results: [TaskResult], partition: (UInt64) -> Int?, bookmarkCapped: String?) -> String? {
        var byView: [ReadView: [Int]] = [:]
        for result in results {
            guard let view = view(of: result) else { continue }
            byView[view, default: []].append(partition(result.taskID) ?? Int(result.taskID))
        }
        guard byView.keys.contains(where: { $0.generation > 0 }) else { return nil }
        let parts = byView.sorted { $0.key < $1.key }.map { view, partitions in
            let first = view.generation == 0 ? " (the run's first)" : ""
            return "\(Self.ranges(partitions)) read \(view.name)\(first)"
        }
        var text = "the source's view was lost and replaced during the run; the partitions read \(byView.count == 1 ? "one view" : "\(byView.count) views"): "
            + parts.joined(separator: "; ")
        if byView.count > 1 {
            text += ". The bookmark moves only as far as the partitions of the oldest view reached ("
                + (bookmarkCapped ?? "not at all") + "), so rows changed between the views are read again by the next run"
        }
        return text
    }

    /// `partitions 0-2, 5` for [5, 0, 1, 2].
    static func ranges(_ partitions: [Int]) -> String {
        let sorted = Array(Set(partitions)).sorted()
        var spans: [String] = []
        var index = 0
        while index < sorted.count {
            var end = index
            while end + 1 < sorted.count, sorted[end + 1] == sorted[end] + 1 { end += 1 }
            spans.append(end == index ? "\(sorted[index])" : "\(sorted[index])-\(sorted[end])")
            index = end + 1
        }
        return (sorted.count == 1 ? "partition " : "partitions ") + spans.joined(separator: ", ")
    }
}
