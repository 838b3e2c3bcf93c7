public import SluiceCore

/// What an executor sends the driver once the session is established.
public enum ExecutorMessage: WireApplicationMessage {
    /// A running task's progress.
    case taskProgress(WireMessage.TaskProgress)
    /// A task succeeded.
    case taskResult(TaskResult)
    /// A task failed.
    case taskFailed(TaskFailure)
    /// The executor is stopping: it takes no new task (protocol version 4).
    case draining(WireMessage.Draining)
    /// A draining executor gives back an attempt it will not finish (protocol version 4).
    case taskHandedBack(WireMessage.TaskHandedBack)
    /// The executor ends the session (draining, stopping); the connection closes after it.
    case shutdown(reason: String)

    public static var sender: WireRole { .executor }

    public var wireMessage: WireMessage {
        switch self {
        case .taskProgress(let progress): .taskProgress(progress)
        case .taskResult(let result): .taskResult(result)
        case .taskFailed(let failure): .taskFailed(failure)
        case .draining(let draining): .draining(draining)
        case .taskHandedBack(let handedBack): .taskHandedBack(handedBack)
        case .shutdown(let reason): .shutdown(.init(reason: reason))
        }
    }

    public init?(wireMessage message: WireMessage) {
        switch message {
        case .taskProgress(let progress): self = .taskProgress(progress)
        case .taskResult(let result): self = .taskResult(result)
        case .taskFailed(let failure): self = .taskFailed(failure)
        case .draining(let draining): self = .draining(draining)
        case .taskHandedBack(let handedBack): self = .taskHandedBack(handedBack)
        case .shutdown(let shutdown): self = .shutdown(reason: shutdown.reason)
        default: return nil
        }
    }
}
