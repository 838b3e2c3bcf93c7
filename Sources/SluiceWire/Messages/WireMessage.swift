public import NIOCore
public import SluiceCore

/// Every message of the Sluice wire protocol, one case per message type (docs/protocol.md §6).
///
/// Handshake and control messages have their payload types nested here (``Hello``, ``Challenge``, ...); task
/// messages carry SluiceCore's own types (``SluiceCore/TaskSpec``, ``SluiceCore/TaskResult``,
/// ``SluiceCore/TaskFailure``), whose wire encodings live beside the message they travel in.
public enum WireMessage: Sendable, Hashable {
    /// HELLO, executor → driver: opens the handshake.
    case hello(Hello)
    /// CHALLENGE, driver → executor: the chosen version and the driver's nonce.
    case challenge(Challenge)
    /// AUTH, executor → driver: the executor's proof of the shared secret.
    case auth(Auth)
    /// WELCOME, driver → executor: the driver's proof, the session id and the heartbeat timing.
    case welcome(Welcome)
    /// HEARTBEAT, both ways: "still here". Empty payload.
    case heartbeat
    /// ERROR, both ways: why the sender is about to close the connection.
    case error(ErrorReport)
    /// SHUTDOWN, both ways: the sender ends the session cleanly.
    case shutdown(Shutdown)
    /// RUN_CONFIG, driver → executor: the pipeline configuration of the run.
    case runConfig(RunConfig)
    /// ASSIGN_TASK, driver → executor: one task to run.
    case assignTask(TaskSpec)
    /// TASK_PROGRESS, executor → driver: rows done so far.
    case taskProgress(TaskProgress)
    /// TASK_RESULT, executor → driver: a task succeeded.
    case taskResult(TaskResult)
    /// TASK_FAILED, executor → driver: a task failed.
    case taskFailed(TaskFailure)
    /// DRAINING, executor → driver (version 4): the executor takes no new task and is about to leave.
    case draining(Draining)
    /// TASK_HANDED_BACK, executor → driver (version 4): a draining executor gives back an unfinished attempt.
    case taskHandedBack(TaskHandedBack)
    /// CANCEL_TASK, driver → executor: stop one attempt and remove what it wrote.
    case cancelTask(CancelTask)

    /// The message type byte of a frame header.
    public enum ID: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        case hello = 0x01
        case challenge = 0x02
        case auth = 0x03
        case welcome = 0x04
        case heartbeat = 0x05
        case error = 0x06
        case shutdown = 0x07
        case runConfig = 0x10
        case assignTask = 0x11
        case taskProgress = 0x12
        case taskResult = 0x13
        case taskFailed = 0x14
        case draining = 0x15
        case taskHandedBack = 0x16
        case cancelTask = 0x17

        /// The name docs/protocol.md uses: `HELLO`, `ASSIGN_TASK`.
        public var description: String {
            switch self {
            case .hello: "HELLO"
            case .challenge: "CHALLENGE"
            case .auth: "AUTH"
            case .welcome: "WELCOME"
            case .heartbeat: "HEARTBEAT"
            case .error: "ERROR"
            case .shutdown: "SHUTDOWN"
            case .runConfig: "RUN_CONFIG"
            case .assignTask: "ASSIGN_TASK"
            case .taskProgress: "TASK_PROGRESS"
            case .taskResult: "TASK_RESULT"
            case .taskFailed: "TASK_FAILED"
            case .draining: "DRAINING"
            case .taskHandedBack: "TASK_HANDED_BACK"
            case .cancelTask: "CANCEL_TASK"
            }
        }

        /// The first protocol version that has this message: a session of an older version refuses it as
        /// `unexpected_message` in both directions (docs/protocol.md §9).
        public var introducedIn: UInt16 {
            switch self {
            case .draining, .taskHandedBack, .cancelTask: 4
            default: 1
            }
        }

        /// Which side may send this message; nil when both may.
        public var sender: WireRole? {
            switch self {
            case .hello, .auth, .taskProgress, .taskResult, .taskFailed, .draining, .taskHandedBack: .executor
            case .challenge, .welcome, .runConfig, .assignTask, .cancelTask: .driver
            case .heartbeat, .error, .shutdown: nil
            }
        }

        /// True for the four messages of the handshake.
        public var isHandshake: Bool {
            switch self {
            case .hello, .challenge, .auth, .welcome: true
            default: false
            }
        }
    }

    /// This message's type byte.
    public var id: ID {
        switch self {
        case .hello: .hello
        case .challenge: .challenge
        case .auth: .auth
        case .welcome: .welcome
        case .heartbeat: .heartbeat
        case .error: .error
        case .shutdown: .shutdown
        case .runConfig: .runConfig
        case .assignTask: .assignTask
        case .taskProgress: .taskProgress
        case .taskResult: .taskResult
        case .taskFailed: .taskFailed
        case .draining: .draining
        case .taskHandedBack: .taskHandedBack
        case .cancelTask: .cancelTask
        }
    }

    /// Decodes a whole payload as the message `id` names. Bytes left over after the last field are an error.
    public static func decode(from payload: inout ByteBuffer, id: ID) throws(WireDecodingError) -> WireMessage {
        do throws(WireDecodingError) {
            let message: WireMessage
            switch id {
            case .hello: message = .hello(try .decode(from: &payload))
            case .challenge: message = .challenge(try .decode(from: &payload))
            case .auth: message = .auth(try .decode(from: &payload))
            case .welcome: message = .welcome(try .decode(from: &payload))
            case .heartbeat: message = .heartbeat
            case .error: message = .error(try .decode(from: &payload))
            case .shutdown: message = .shutdown(try .decode(from: &payload))
            case .runConfig: message = .runConfig(try .decode(from: &payload))
            case .assignTask: message = .assignTask(try .decode(from: &payload))
            case .taskProgress: message = .taskProgress(try .decode(from: &payload))
            case .taskResult: message = .taskResult(try .decode(from: &payload))
            case .taskFailed: message = .taskFailed(try .decode(from: &payload))
            case .draining: message = .draining(try .decode(from: &payload))
            case .taskHandedBack: message = .taskHandedBack(try .decode(from: &payload))
            case .cancelTask: message = .cancelTask(try .decode(from: &payload))
            }
            guard payload.readableBytes == 0 else {
                throw WireDecodingError(
                    .malformedPayload, detail: "\(payload.readableBytes) bytes left over after the last field")
            }
            return message
        } catch {
            var error = error
            error.messageType = id.rawValue
            throw error
        }
    }

    /// Appends this message's payload (not the frame header) to `buffer`.
    public func encodePayload(into buffer: inout ByteBuffer) {
        switch self {
        case .hello(let hello): hello.encode(into: &buffer)
        case .challenge(let challenge): challenge.encode(into: &buffer)
        case .auth(let auth): auth.encode(into: &buffer)
        case .welcome(let welcome): welcome.encode(into: &buffer)
        case .heartbeat: break
        case .error(let report): report.encode(into: &buffer)
        case .shutdown(let shutdown): shutdown.encode(into: &buffer)
        case .runConfig(let config): config.encode(into: &buffer)
        case .assignTask(let task): task.encode(into: &buffer)
        case .taskProgress(let progress): progress.encode(into: &buffer)
        case .taskResult(let result): result.encode(into: &buffer)
        case .taskFailed(let failure): failure.encode(into: &buffer)
        case .draining(let draining): draining.encode(into: &buffer)
        case .taskHandedBack(let handedBack): handedBack.encode(into: &buffer)
        case .cancelTask(let cancel): cancel.encode(into: &buffer)
        }
    }
}

/// The two ends of a Sluice wire connection.
public enum WireRole: Sendable, Hashable, CustomStringConvertible {
    /// The process that plans the run and listens for executors.
    case driver
    /// A process that connects to the driver and runs tasks.
    case executor

    /// The other end.
    public var peer: WireRole { self == .driver ? .executor : .driver }

    public var description: String { self == .driver ? "driver" : "executor" }
}
