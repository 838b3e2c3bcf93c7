public import SluiceCore

/// What the driver sends an executor once the session is established.
public enum DriverMessage: WireApplicationMessage {
    /// The pipeline configuration of a run; sent before that run's first task.
    case runConfig(WireMessage.RunConfig)
    /// A task to run.
    case assignTask(TaskSpec)
    /// Stop one attempt of a task and remove what it wrote (it stalled, or another attempt won).
    case cancelTask(taskID: UInt64, attempt: UInt32)
    /// The driver ends the session; the connection closes after it.
    case shutdown(reason: String)

    public static var sender: WireRole { .driver }

    public var wireMessage: WireMessage {
        switch self {
        case .runConfig(let config): .runConfig(config)
        case .assignTask(let task): .assignTask(task)
        case .cancelTask(let taskID, let attempt): .cancelTask(.init(taskID: taskID, attempt: attempt))
        case .shutdown(let reason): .shutdown(.init(reason: reason))
        }
    }

    public init?(wireMessage message: WireMessage) {
        switch message {
        case .runConfig(let config): self = .runConfig(config)
        case .assignTask(let task): self = .assignTask(task)
        case .cancelTask(let cancel): self = .cancelTask(taskID: cancel.taskID, attempt: cancel.attempt)
        case .shutdown(let shutdown): self = .shutdown(reason: shutdown.reason)
        default: return nil
        }
    }
}
