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
    /// Where it reports its tasks and its link to drivers (`--metrics-port`); nil: nowhere.
    public var metrics: ExecutorMetrics?

    public init(options: ExecutorOptions, registry: ConnectorRegistry, logger: Logger) {
        self.options = options
        self.registry = registry
        var logger = logger
        logger[metadataKey: "sluice.executor.id"] = "\(options.executorID)"
        self.logger = logger
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await self.serveDrivers()
        }
    }

    /// Connects to drivers until `once` is done, patience runs out, or the task is cancelled: ``run()`` without a
    /// service group around it (in-process executors in tests).
    public func serveDrivers() async throws(SluiceError) {
        var attempt = 0
        var lastConnected = ContinuousClock.now
        let driver = "\(options.driverHost):\(options.driverPort)"
        defer { metrics?.changed(to: .stopping) }
        while !Task.isCancelled {
            metrics?.changed(to: .waiting(driver: driver))
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
            metrics?.changed(to: .connected(driver: driver))
            do {
                try await serve(connection)
            } catch {
                logger.warning("executor.session_ended", metadata: ["sluice.error": "\(error)"])
            }
            logMemory()
            lastConnected = .now
            if options.once { return }
        }
    }

    /// The process's peak resident memory against its budget, after each driver's run: what operators size pods
    /// by, and what the tests hold the budget to.
    func logMemory() {
        guard let peak = ProcessMemory.peakResidentBytes() else { return }
        logger.info("executor.memory", metadata: ["sluice.memory.peak_rss_mib": "\(peak >> 20)",
                                                  "sluice.memory.budget_mib": "\(options.memoryMebibytes)"])
    }

    /// The connectors' executor sides for a run, built in this executor's own environment; or why they cannot be.
    func runner(for config: WireMessage.RunConfig) -> Result<TaskRunner, SluiceError> {
        Result { () throws(SluiceError) -> TaskRunner in
            let work = try RunWork(json: config.plan)
            let reader = try registry.source(for: work.source).makeReader(work.source, logger)
            let writer = try registry.sink(for: work.sink).makeWriter(work.sink, logger)
            return TaskRunner(work: work, reader: reader, writer: writer, logger: logger, memory: options.memoryBudget(for: work))
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
                                tasks.addTask { await Self.execute(task, runner: runner, outbound: outbound, metrics: metrics) }
                            case .failure(let error):
                                try await outbound.send(.taskFailed(TaskFailure(taskID: task.id, attempt: task.attempt, error: error)))
                            }
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

    /// Runs one task and sends its outcome; progress goes out while it runs.
    static func execute(_ task: TaskSpec, runner: TaskRunner, outbound: WireOutbound<ExecutorMessage>, metrics: ExecutorMetrics?) async {
        metrics?.taskStarted()
        let (progress, reporter) = AsyncStream.makeStream(of: UInt64.self, bufferingPolicy: .bufferingNewest(1))
        await withDiscardingTaskGroup { group in
            group.addTask {
                for await rows in progress {
                    try? await outbound.send(.taskProgress(.init(taskID: task.id, attempt: task.attempt, rows: rows)))
                }
            }
            let outcome = await runner.run(task) { rows in reporter.yield(rows) }
            reporter.finish()
            metrics?.taskEnded(task, outcome)
            switch outcome {
            case .succeeded(let result): try? await outbound.send(.taskResult(result))
            case .failed(let failure): try? await outbound.send(.taskFailed(failure))
            }
        }
    }
}
