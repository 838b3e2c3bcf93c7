public import SluiceCore

/// What one driver session of an executor is doing with its tasks, and how it stops: the pure part of a graceful
/// shutdown (SIGTERM). No IO and no clock: the session feeds it events and carries out the decisions.
///
/// Serving, the executor runs what it is assigned. Draining (after SIGTERM), it runs what it has but takes nothing
/// new: a task assigned anyway (the driver had not read DRAINING yet) is handed back at once. When the grace period
/// ends, every attempt still running is handed back, and outcomes that arrive later are not reported: the driver has
/// given those attempts to other executors already.
public struct DrainState: Sendable, Equatable {
    public enum Phase: Sendable, Equatable {
        case serving
        case draining
        /// The grace period is over and the running attempts were handed back.
        case handedBack
    }

    public private(set) var phase = Phase.serving
    /// Attempts running now: task id → attempt.
    public private(set) var running: [UInt64: UInt32] = [:]

    public init() {}

    /// What to do with an ASSIGN_TASK.
    public enum Assignment: Sendable, Equatable {
        case run
        case handBack
    }

    public mutating func assigned(_ task: TaskSpec) -> Assignment {
        guard phase == .serving else { return .handBack }
        running[task.id] = task.attempt
        return .run
    }

    /// An attempt ended; true when its outcome should be reported (it was not handed back).
    public mutating func finished(taskID: UInt64, attempt: UInt32) -> Bool {
        guard running[taskID] == attempt else { return false }
        running[taskID] = nil
        return true
    }

    /// SIGTERM: true when this starts the drain (the driver must be told), false when it was under way already.
    public mutating func beginDraining() -> Bool {
        guard phase == .serving else { return false }
        phase = .draining
        return true
    }

    /// Draining with nothing left to run: the session can end now.
    public var isDrained: Bool { phase != .serving && running.isEmpty }

    /// The grace period is over: every running attempt, in task order, to hand back; none is reported after this.
    public mutating func handBackAll() -> [(taskID: UInt64, attempt: UInt32)] {
        phase = .handedBack
        defer { running.removeAll() }
        return running.sorted { $0.key < $1.key }.map { (taskID: $0.key, attempt: $0.value) }
    }
}
