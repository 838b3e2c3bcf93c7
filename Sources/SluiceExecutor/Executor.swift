import Foundation
public import Logging
import SluiceConfig
public import ServiceLifecycle
public import SluiceCore
public import SluicePipeline
import SluiceWire
import SluiceWireNIO

/// An executor process as a service: joins a driver, builds its connectors from the run plan the driver sends,
/// runs the tasks it is assigned (up to its slots at once) and reports each result; then, unless `once`, waits
/// for the next driver. On SIGTERM or SIGINT (a graceful shutdown of its service group) it tells the driver it
/// is leaving and stops; the driver runs its unfinished tasks elsewhere.
public struct ExecutorService: Service {
    public let options: ExecutorOptions
    public let registry: ConnectorRegistry
    public let logger: Logger

    public init(options: ExecutorOptions, registry: ConnectorRegistry, logger: Logger) {
        self.options = options
        self.registry = registry
        var logger = logger
        logger[metadataKey: "sluice.executor.id"] = "\(options.executorID)"
        self.logger = logger
    }

    public func run() async throws {
        if let slowdown = TestSlowdown.fromEnvironment() {
            logger.warning("executor.test_slowdown", metadata: ["sluice.task": "\(slowdown.label)", "sluice.delay": "\(slowdown.delay)"])
        }
        try await cancelWhenGracefulShutdown {
            try await self.serveDrivers()
        }
    }

    /// Connects to drivers until `once` is done, patience runs out, or the task is cancelled: ``run()`` without a
    /// service group around it (in-process executors in tests).
    public func serveDrivers() async throws(SluiceError) {
        var attempt = 0
        var lastConnected = ContinuousClock.now
        while !Task.isCancelled {
            let connection: DriverConnection
            do {
                connection = try await DriverConnection.connect(
                    host: options.driverHost, port: options.driverPort, secret: options.secret,
                    executorID: options.executorID, slots: options.slots, logger: logger)
            } catch {
                let failure = (error as? SluiceError) ?? SluiceError(.internalError, "cannot connect", underlying: "\(error)")
                // A wrong token or protocol version will not fix itself.
                if failure.code == .wireAuthenticationFailed || failure.code == .wireUnsupportedVersion { throw failure }
                if let patience = options.connectPatience, ContinuousClock.now - lastConnected > patience { throw failure }
                attempt += 1
                if attempt == 1 || attempt % 30 == 0 {
                    logger.info("executor.waiting_for_driver", metadata: ["sluice.error": "\(failure)"])
                }
                try? await Task.sleep(for: .milliseconds(min(2_000, 100 * attempt)))
                continue
            }
            attempt = 0
            do {
                try await serve(connection)
            } catch {
                logger.warning("executor.session_ended", metadata: ["sluice.error": "\(error)"])
            }
            lastConnected = .now
            if options.once { return }
        }
    }

    /// The connectors' executor sides for a run, built in this executor's own environment; or why they cannot be.
    func runner(for config: WireMessage.RunConfig) -> Result<TaskRunner, SluiceError> {
        Result { () throws(SluiceError) -> TaskRunner in
            let work = try RunWork(json: config.plan)
            let reader = try registry.source(for: work.source).makeReader(work.source, logger)
            let writer = try registry.sink(for: work.sink).makeWriter(work.sink, logger)
            return TaskRunner(work: work, reader: reader, writer: writer, logger: logger)
        }.mapError {
            // Retryable although it is configuration: what this executor's environment lacks (an unset ${VAR}),
            // another executor's may have, so the driver tries elsewhere (and excludes this one if others succeed).
            SluiceError(.configInvalid, "executor \(options.executorID) cannot load the run configuration",
                        context: $0.context, underlying: "\($0)", retryable: true)
        }
    }

    /// One session with a driver: runs its tasks until it says SHUTDOWN or the connection ends.
    func serve(_ connection: DriverConnection) async throws {
        try await connection.executeThenClose { inbound, outbound in
            // Until RUN_CONFIG arrives, or when it cannot be loaded (an unset ${VAR} in this executor's environment),
            // tasks fail with the reason, retryably, so the driver tries other executors and reports it.
            var loaded: Result<TaskRunner, SluiceError> = .failure(
                SluiceError(.internalError, "task assigned before the run configuration"))
            let running = RunningAttempts()
            do {
                try await withThrowingDiscardingTaskGroup { tasks in
                    for try await message in inbound {
                        switch message {
                        case .runConfig(let config):
                            loaded = runner(for: config)
                            switch loaded {
                            case .failure(let error): logger.error("executor.run_config.failed", metadata: ["sluice.error": "\(error)"])
                            case .success: logger.info("executor.run_config", metadata: ["sluice.run": "\(config.runID)"])
                            }
                        case .assignTask(let task):
                            switch loaded {
                            case .success(let runner):
                                let key = RunningAttempts.Key(taskID: task.id, attempt: task.attempt)
                                let handle = running.start(key) { await Self.execute(task, runner: runner, outbound: outbound, logger: logger) }
                                tasks.addTask { await running.wait(for: key, handle) }
                            case .failure(let error):
                                try await outbound.send(.taskFailed(TaskFailure(taskID: task.id, attempt: task.attempt, error: error)))
                            }
                        case .cancelTask(let taskID, let attempt):
                            let found = running.cancel(RunningAttempts.Key(taskID: taskID, attempt: attempt))
                            logger.info("task.cancel", metadata: ["sluice.task.id": "\(taskID)", "sluice.attempt": "\(attempt)",
                                                                  "sluice.task.running": "\(found)"])
                        case .shutdown(let reason):
                            logger.info("executor.shutdown", metadata: ["sluice.reason": "\(reason)"])
                            tasks.cancelAll()
                            return
                        }
                    }
                }
            } catch is CancellationError {
                try? await outbound.send(.shutdown(reason: "executor \(options.executorID) is stopping"))
                throw CancellationError()
            }
        }
    }

    /// Runs one task and sends its outcome; progress (rows read, then rows loaded) goes out while it runs. A
    /// cancelled attempt sends no failure: the driver cancelled it and counts on it no more. A result that was
    /// complete anyway is still sent, so that the driver discards what it staged.
    static func execute(_ task: TaskSpec, runner: TaskRunner, outbound: WireOutbound<ExecutorMessage>, logger: Logger) async {
        typealias Progress = WireMessage.TaskProgress
        let (progress, reporter) = AsyncStream.makeStream(of: Progress.self, bufferingPolicy: .bufferingNewest(1))
        await withDiscardingTaskGroup { group in
            group.addTask {
                for await report in progress {
                    try? await outbound.send(.taskProgress(report))
                }
            }
            do {
                try await TestSlowdown.fromEnvironment()?.wait(before: task)
            } catch {
                reporter.finish()
                logger.info("task.cancelled", metadata: ["sluice.task": "\(task.label)", "sluice.attempt": "\(task.attempt)"])
                return
            }
            let outcome = await runner.run(task) { rows in
                reporter.yield(Progress(taskID: task.id, attempt: task.attempt, rows: rows, phase: .extracting))
            } loaded: { rows in
                reporter.yield(Progress(taskID: task.id, attempt: task.attempt, rows: rows, phase: .loading))
            }
            reporter.finish()
            switch outcome {
            case .succeeded(let result): try? await outbound.send(.taskResult(result))
            case .failed(let failure) where failure.error.code == .taskCancelled:
                logger.info("task.cancelled", metadata: ["sluice.task": "\(task.label)", "sluice.attempt": "\(task.attempt)"])
            case .failed(let failure): try? await outbound.send(.taskFailed(failure))
            }
        }
    }
}
