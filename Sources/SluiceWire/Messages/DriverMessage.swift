public import SluiceCore

/// What the driver sends an executor once the session is established.
public enum DriverMessage: WireApplicationMessage {
    /// The pipeline configuration of a run; sent before that run's first task.
    case runConfig(WireMessage.RunConfig)
    /// A task to run.
    case assignTask(TaskSpec)
    /// The driver ends the session; the connection closes after it.
    case shutdown(reason: String)

    public static var sender: WireRole { .driver }

    public var wireMessage: WireMessage {
        switch self {
        case .runConfig(let config): .runConfig(config)
        case .assignTask(let task): .assignTask(task)
        case .shutdown(let reason): .shutdown(.init(reason: reason))
        }
    }

    public init?(wireMessage message: WireMessage) {
        switch message {
        case .runConfig(let config): self = .runConfig(config)
        case .assignTask(let task): self = .assignTask(task)
        case .shutdown(let shutdown): self = .shutdown(reason: shutdown.reason)
        default: return nil
        }
    }
}
