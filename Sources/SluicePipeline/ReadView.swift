public import SluiceCore

/// One consistent view of the source that task attempts read: the run's first (``generation`` 0) or one the
/// source opened after losing the one before (PostgreSQL: a new exported snapshot after a restart). The driver
/// records which view each attempt read, to report it and to keep the bookmark where every view agrees.
public struct ReadView: Sendable, Hashable, Comparable {
    /// 0 for the run's first view, then 1, 2, ... in the order the source opened them.
    public var generation: Int
    /// How the source names it, for reports (`snapshot 00000003-0000001B-1`).
    public var name: String

    public init(generation: Int, name: String) {
        self.generation = generation
        self.name = name
    }

    public static func < (lhs: ReadView, rhs: ReadView) -> Bool { lhs.generation < rhs.generation }
}

/// A task attempt with its reads pointed at a view (``SourceRun/bind(_:)``).
public struct BoundTask: Sendable, Hashable {
    public var task: TaskSpec
    /// The view it reads; nil when the source has only one (or cannot say).
    public var view: ReadView?

    public init(task: TaskSpec, view: ReadView?) {
        self.task = task
        self.view = view
    }
}

extension SourceRun {
    /// One view for the whole run: the task reads what it was planned with.
    public func bind(_ task: TaskSpec) async -> BoundTask { BoundTask(task: task, view: nil) }
}
