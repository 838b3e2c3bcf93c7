import Foundation
public import Logging
import SluiceConfig
public import SluiceCore
import SluiceRuntime
import SluiceWire
import SluiceWireNIO

/// An executor process: joins a driver, receives the run's configuration, runs the tasks it is assigned
/// (up to its slots at once) and reports each result; then, unless `once`, waits for the next driver.
public enum Executor {
    public static func run(_ options: ExecutorOptions, logger baseLogger: Logger) async throws(SluiceError) {
        var logger = baseLogger
        logger[metadataKey: "sluice.executor.id"] = "\(options.executorID)"
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
                try await serve(connection, options: options, logger: logger)
            } catch {
                logger.warning("executor.session_ended", metadata: ["sluice.error": "\(error)"])
            }
            lastConnected = .now
            if options.once { return }
        }
    }

    static func runner(for config: WireMessage.RunConfig, logger: Logger) -> Result<TaskRunner, SluiceError> {
        Result { () throws(SluiceError) -> TaskRunner in
            let pipeline = try PipelineLoader().parse(config.yaml, file: config.fileName)
            let sink = pipeline.sink.clickhouse
            return TaskRunner(pipeline: pipeline, loader: ShardLoader(client: try sink.client(), database: sink.database),
                              logger: logger)
        }
    }

    /// One session with a driver.
    static func serve(_ connection: DriverConnection, options: ExecutorOptions, logger: Logger) async throws {
        try await connection.executeThenClose { inbound, outbound in
            // The run's configuration as this executor loaded it: a runner, or why there is none (an unset
            // ${VAR} in this executor's environment, say). Tasks then fail with that reason, retryably, so the
            // driver tries other executors and, if all fail the same way, reports the reason for the table.
            var loaded: Result<TaskRunner, SluiceError> = .failure(
                SluiceError(.internalError, "task assigned before the run configuration"))
            try await withThrowingDiscardingTaskGroup { tasks in
                for try await message in inbound {
                    switch message {
                    case .runConfig(let config):
                        loaded = Self.runner(for: config, logger: logger).mapError {
                            SluiceError(.configInvalid, "executor \(options.executorID) cannot load the run configuration",
                                        context: $0.context, underlying: "\($0)")
                        }
                        if case .failure(let error) = loaded {
                            logger.error("executor.run_config.failed", metadata: ["sluice.error": "\(error)"])
                        } else {
                            logger.info("executor.run_config", metadata: ["sluice.run": "\(config.runID)"])
                        }
                    case .assignTask(let task):
                        let runner: TaskRunner
                        switch loaded {
                        case .success(let ready): runner = ready
                        case .failure(let error):
                            try await outbound.send(.taskFailed(TaskFailure(taskID: task.id, attempt: task.attempt, error: error,
                                                                            retryable: true)))
                            continue
                        }
                        tasks.addTask {
                            // Progress comes from the extraction thread; the newest count is relayed by a sibling task.
                            let (progress, reporter) = AsyncStream.makeStream(of: UInt64.self, bufferingPolicy: .bufferingNewest(1))
                            await withDiscardingTaskGroup { group in
                                group.addTask {
                                    for await rows in progress {
                                        try? await outbound.send(.taskProgress(.init(taskID: task.id, attempt: task.attempt, rows: rows)))
                                    }
                                }
                                let outcome = await runner.run(task) { rows in reporter.yield(rows) }
                                reporter.finish()
                                switch outcome {
                                case .succeeded(let result): try? await outbound.send(.taskResult(result))
                                case .failed(let failure): try? await outbound.send(.taskFailed(failure))
                                }
                            }
                        }
                    case .shutdown(let reason):
                        logger.info("executor.shutdown", metadata: ["sluice.reason": "\(reason)"])
                        tasks.cancelAll()
                        return
                    }
                }
            }
        }
    }
}
