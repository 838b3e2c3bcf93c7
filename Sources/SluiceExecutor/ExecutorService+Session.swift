import Logging
import SluiceCore
import SluiceWire
import SluiceWireNIO
import Synchronization

extension ExecutorService {
    /// One session with a driver: runs its tasks until the driver says SHUTDOWN or the connection ends, or, once a
    /// stop is requested, until the drain is over (``drain(_:outbound:)``).
    ///
    /// Tasks run as unstructured tasks, counted in ``SessionTasks``: their reads and writes are blocking calls that
    /// cannot be interrupted, and a drain whose grace period ran out must be able to hand them back and leave
    /// without waiting for them (the process exits and takes their threads with it).
    func serve(_ connection: DriverConnection) async throws {
        let session = SessionTasks()
        let attempts = RunningAttempts()
        try await connection.executeThenClose { inbound, outbound in
            // Until RUN_CONFIG arrives, or when it cannot be loaded (an unset ${VAR} in this executor's environment),
            // tasks fail with the reason, retryably, so the driver tries other executors and reports it.
            var loaded: Result<TaskRunner, SluiceError> = .failure(
                SluiceError(.internalError, "task assigned before the run configuration"))
            do {
                try await withThrowingDiscardingTaskGroup { group in
                    group.addTask { await drain(session, outbound: outbound) }
                    receiving: for try await message in inbound {
                        switch message {
                        case .runConfig(let config):
                            loaded = runner(for: config)
                            switch loaded {
                            case .failure(let error): logger.error("executor.run_config.failed", metadata: ["sluice.error": "\(error)"])
                            case .success: logger.info("executor.run_config", metadata: ["sluice.run": "\(config.runID)"])
                            }
                        case .assignTask(let task):
                            switch (loaded, session.assigned(task)) {
                            case (.failure(let error), .run):
                                _ = session.finished(taskID: task.id, attempt: task.attempt)
                                try await outbound.send(.taskFailed(TaskFailure(taskID: task.id, attempt: task.attempt, error: error)))
                            case (.success(let runner), .run):
                                attempts.start(.init(taskID: task.id, attempt: task.attempt)) { [metrics, logger] in
                                    await Self.execute(task, runner: runner, outbound: outbound, session: session, metrics: metrics, logger: logger)
                                }
                            case (_, .handBack):
                                // Assigned before the driver read DRAINING: given back at once, not run.
                                logger.info("executor.task.handed_back", metadata: ["sluice.task.id": "\(task.id)", "sluice.attempt": "\(task.attempt)"])
                                try await outbound.send(.taskHandedBack(.init(taskID: task.id, attempt: task.attempt)))
                            }
                        case .cancelTask(let taskID, let attempt):
                            let found = attempts.cancel(.init(taskID: taskID, attempt: attempt))
                            logger.info("task.cancel", metadata: ["sluice.task.id": "\(taskID)", "sluice.attempt": "\(attempt)",
                                                                  "sluice.task.running": "\(found)"])
                        case .shutdown(let reason):
                            logger.info("executor.shutdown", metadata: ["sluice.reason": "\(reason)"])
                            break receiving
                        }
                    }
                    group.cancelAll()
                }
            } catch is CancellationError {
                try? await outbound.send(.shutdown(reason: "executor \(options.executorID) is stopping"))
                throw CancellationError()
            }
        }
        // Attempts the driver abandoned (the run ended, or the driver is gone) run to their end before the next
        // session, so that this executor never runs more than its slots; unless it is stopping or leaving anyway.
        while !options.once, !session.isIdle, !stop.isRequested, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Waits for a stop request; then tells the driver (DRAINING), lets running tasks finish within the grace period
    /// (or until a second signal hurries it), hands back the rest and ends the session with SHUTDOWN. Returns without
    /// doing anything when the session ends first (its task is cancelled).
    func drain(_ session: SessionTasks, outbound: WireOutbound<ExecutorMessage>) async {
        while !stop.isRequested {
            guard (try? await Task.sleep(for: .milliseconds(50))) != nil else { return }
        }
        guard session.beginDraining() else { return }
        let grace = options.gracePeriod
        logger.info("executor.draining", metadata: ["sluice.grace": "\(grace)", "sluice.tasks": "\(session.runningCount)"])
        let graceMillis = UInt32(clamping: grace.components.seconds * 1000 + grace.components.attoseconds / 1_000_000_000_000_000)
        try? await outbound.send(.draining(.init(reason: "SIGTERM: executor \(options.executorID) is stopping", graceMillis: graceMillis)))
        let deadline = ContinuousClock.now + grace
        while !session.isIdle, !stop.isHurried, ContinuousClock.now < deadline {
            guard (try? await Task.sleep(for: .milliseconds(50))) != nil else { return }
        }
        let unfinished = session.handBackAll()
        if !unfinished.isEmpty {
            logger.warning("executor.tasks.handed_back", metadata: [
                "sluice.tasks": "\(unfinished.map { "\($0.taskID)/\($0.attempt)" }.joined(separator: ","))",
                "sluice.reason": "\(stop.isHurried ? "a second signal" : "the grace period of \(grace) ended")",
            ])
        }
        try? await outbound.send(contentsOf: unfinished.map { .taskHandedBack(.init(taskID: $0.taskID, attempt: $0.attempt)) })
        try? await outbound.send(.shutdown(reason: "executor \(options.executorID) drained (SIGTERM)"))
    }

    /// Runs one task and sends its outcome, unless it was handed back meanwhile; progress (rows read, then rows
    /// loaded) goes out while it runs. A cancelled attempt (CANCEL_TASK) sends no failure: the driver counts on it no
    /// more. A result that was complete anyway is still sent, so that the driver discards what it staged.
    static func execute(
        _ task: TaskSpec, runner: TaskRunner, outbound: WireOutbound<ExecutorMessage>, session: SessionTasks,
        metrics: ExecutorMetrics?, logger: Logger
    ) async {
        typealias Progress = WireMessage.TaskProgress
        metrics?.taskStarted()
        let (progress, reporter) = AsyncStream.makeStream(of: Progress.self, bufferingPolicy: .bufferingNewest(1))
        await withDiscardingTaskGroup { group in
            group.addTask {
                for await report in progress where session.isRunning(task) {
                    try? await outbound.send(.taskProgress(report))
                }
            }
            let outcome: TaskRunner.Outcome
            do {
                try await TestSlowdown.fromEnvironment()?.wait(before: task)
                outcome = await runner.run(task) { rows in
                    reporter.yield(Progress(taskID: task.id, attempt: task.attempt, rows: rows, phase: .extracting))
                } loaded: { rows in
                    reporter.yield(Progress(taskID: task.id, attempt: task.attempt, rows: rows, phase: .loading))
                }
            } catch {
                outcome = .failed(TaskFailure(taskID: task.id, attempt: task.attempt,
                                              error: SluiceError(.taskCancelled, "cancelled before it started")))
            }
            reporter.finish()
            metrics?.taskEnded(task, outcome)
            guard session.finished(taskID: task.id, attempt: task.attempt) else { return }
            switch outcome {
            case .succeeded(let result): try? await outbound.send(.taskResult(result))
            case .failed(let failure) where failure.error.code == .taskCancelled:
                logger.info("task.cancelled", metadata: ["sluice.task": "\(task.label)", "sluice.attempt": "\(task.attempt)"])
            case .failed(let failure): try? await outbound.send(.taskFailed(failure))
            }
        }
    }
}

/// The tasks of one driver session and their ``DrainState``, shared by the session's message loop, its drain and
/// the tasks themselves.
final class SessionTasks: Sendable {
    private let state = Mutex(DrainState())

    func assigned(_ task: TaskSpec) -> DrainState.Assignment { state.withLock { $0.assigned(task) } }
    func finished(taskID: UInt64, attempt: UInt32) -> Bool { state.withLock { $0.finished(taskID: taskID, attempt: attempt) } }
    func isRunning(_ task: TaskSpec) -> Bool { state.withLock { $0.running[task.id] == task.attempt } }
    func beginDraining() -> Bool { state.withLock { $0.beginDraining() } }
    func handBackAll() -> [(taskID: UInt64, attempt: UInt32)] { state.withLock { $0.handBackAll() } }
    var isIdle: Bool { state.withLock { $0.running.isEmpty } }
    var runningCount: Int { state.withLock { $0.running.count } }
}
