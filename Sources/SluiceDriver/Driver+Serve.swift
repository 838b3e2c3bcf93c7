import Foundation
import Logging
import SluiceConfig
public import SluiceCore
import SluicePipeline
import SluiceReport
import SluiceWire
import SluiceWireNIO

extension Driver {
    /// Serves the run's tasks to executors until every table is finished: listens, starts local executors if
    /// asked, sends each executor the run plan, feeds the coordinator, watches for a run with no executor left or
    /// a stop request (cancellation), then says SHUTDOWN.
    func serve(runID: String, startedAt: Int64, tables: [TableRun], coordinator: RunCoordinator, logger: Logger) async throws(SluiceError) {
        let work = RunWork(runID: runID, startedAt: startedAt, source: pipeline.source, sink: pipeline.sink, staging: pipeline.staging,
                           batchRows: pipeline.run.batchRows, executorMemory: pipeline.run.executorMemory?.mebibytes,
                           tables: tables.flatMap { [$0.work] + $0.children.map(\.work) })
        let runConfig = WireMessage.RunConfig(runID: runID, plan: try work.json())
        let (secret, token) = try secretAndToken()
        var wire = WireConfiguration()
        wire.heartbeatInterval = .microseconds(pipeline.run.heartbeatInterval.microseconds)
        wire.missedHeartbeats = max(2, Int(pipeline.run.executorTimeout.microseconds
            / max(1, pipeline.run.heartbeatInterval.microseconds)))
        let server: WireServer
        do {
            server = try await WireServer.start(host: options.listenHost, port: options.listenPort, secret: secret,
                                                tls: options.tls, configuration: wire, logger: logger)
        } catch {
            throw Self.asSluiceError(error, "cannot start the driver's listener")
        }
        logger.info("driver.listening", metadata: ["sluice.address": "\(options.listenHost):\(server.port)",
                                                   "sluice.tls": "\(options.tls != nil)"])
        onListening?(server.port)
        await metrics?.listeningForExecutors()

        let local = LocalExecutors(count: options.localExecutors)
        if options.localExecutors > 0, let token {
            do {
                try local.start(driverPort: server.port, token: token, slots: options.executorSlots,
                                memoryMebibytes: pipeline.run.executorMemory?.mebibytes ?? MemoryBudget.defaultMebibytes,
                                logLevel: options.logLevel, metricsPort: options.executorMetricsPort)
            } catch {
                await server.close()
                throw error
            }
        }
        await coordinator.start()

        let executorWait = Duration.microseconds(pipeline.run.executorWait.microseconds)
        // run.timeout counts from the run's start: what planning took is spent already.
        let runTimeout = pipeline.run.timeout.map { Duration.microseconds(max(0, $0.microseconds - (now() - startedAt))) }
        let told = await withTaskGroup(of: Void.self, returning: Set<String>.self) { group in
            group.addTask {
                await withDiscardingTaskGroup { connections in
                    var counter = 0
                    for await connection in server.connections {
                        counter += 1
                        let key = "\(connection.executorID)#\(counter)"
                        connections.addTask {
                            await Self.serveExecutor(connection, key: key, runConfig: runConfig, coordinator: coordinator)
                        }
                    }
                }
            }
            group.addTask {
                await Self.watch(coordinator: coordinator, executorWait: executorWait,
                                 runTimeout: runTimeout, timeoutText: pipeline.run.timeout.map { "\($0)" },
                                 display: options.liveProgress ? ProgressDisplay() : nil, logger: logger)
            }
            // A stop request (SIGTERM/SIGINT) cancels this task and its children: the watcher then abandons the run,
            // which finishes it.
            await coordinator.waitUntilFinished()
            let told = await coordinator.shutdownExecutors(reason: "run \(runID) finished")
            await server.close()
            group.cancelAll()
            return told
        }
        // The executors told to shut down leave within milliseconds. A child that was not (its handshake met the run's
        // end, and it is retrying a driver that is gone) gets a SIGTERM now rather than after its retries.
        await local.waitOrTerminate(seconds: 10, except: told)
    }

    /// One executor's session: send the run plan, register, relay its messages until it leaves.
    static func serveExecutor(_ connection: ExecutorConnection, key: String, runConfig: WireMessage.RunConfig,
                              coordinator: RunCoordinator) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                try await outbound.send(.runConfig(runConfig))
                await coordinator.executorJoined(key, slots: connection.slots) { message in try await outbound.send(message) }
                for try await message in inbound {
                    await coordinator.received(message, from: key)
                }
                await coordinator.executorLeft(key, error: nil)
            }
        } catch {
            await coordinator.executorLeft(key, error: asSluiceError(error, "executor \(key) failed"))
        }
    }

    /// Shows progress (redrawn on `display` four times a second, or logged every five seconds); gives up when no
    /// executor has been connected for `executorWait` while tasks remain, or when the driver is asked to stop.
    static func watch(coordinator: RunCoordinator, executorWait: Duration, runTimeout: Duration?, timeoutText: String?,
                      display: ProgressDisplay?, logger: Logger) async {
        var lastLog = ContinuousClock.now
        let started = ContinuousClock.now
        while true {
            try? await Task.sleep(for: .milliseconds(250))
            if await coordinator.isFinished {
                await display?.show(await coordinator.progress())
                return
            }
            if Task.isCancelled {
                await coordinator.abandon(SluiceError(.runStopped, "the driver was asked to stop (SIGTERM or SIGINT)"))
                return
            }
            if let runTimeout, ContinuousClock.now - started > runTimeout {
                await coordinator.abandon(SluiceError(
                    .runTimeout, "the run took longer than run.timeout (\(timeoutText ?? "\(runTimeout)")); its unfinished tables keep their bookmarks"))
                return
            }
            let executors = await coordinator.executorCount
            if executors == 0, ContinuousClock.now - (await coordinator.lastExecutorSeen) > executorWait {
                await coordinator.abandon(SluiceError(
                    .noExecutors, "no executor connected for \(executorWait); start executors with `sluice executor --connect`"))
                return
            }
            if let display {
                await display.show(await coordinator.progress())
            } else if ContinuousClock.now - lastLog > .seconds(5) {
                lastLog = .now
                let outstanding = await coordinator.outstandingTasks
                let tables = await coordinator.progress()
                var metadata: Logger.Metadata = [
                    "sluice.executors": "\(executors)", "sluice.tasks.outstanding": "\(outstanding)",
                    "sluice.tasks.done": "\(tables.reduce(0) { $0 + $1.tasksDone })", "sluice.tasks.total": "\(tables.reduce(0) { $0 + $1.tasksTotal })",
                    "sluice.rows": "\(tables.reduce(UInt64(0)) { $0 + $1.rows })",
                ]
                metadata["sluice.tables"] = .dictionary(Dictionary(uniqueKeysWithValues: tables.map {
                    ($0.table, Logger.MetadataValue.string("\($0.tasksDone)/\($0.tasksTotal) tasks, \($0.rows) rows, \($0.retries) retries"))
                }))
                logger.info("run.progress", metadata: metadata)
            }
        }
    }

    /// The secret executors must prove, and for local runs the token text handed to the children.
    func secretAndToken() throws(SluiceError) -> (WireSecret, String?) {
        if let secret = options.secret { return (secret, nil) }
        guard options.localExecutors > 0 else {
            throw SluiceError(.configSecret, "no executor token: set SLUICE_TOKEN or pass --token-file")
        }
        var bytes = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255, using: &generator) }
        let token = Hex.encode(bytes)
        return (try WireSecret(text: token, origin: "the local run's token"), token)
    }

    static func asSluiceError(_ error: any Error, _ message: String) -> SluiceError {
        (error as? SluiceError) ?? SluiceError(.internalError, message, underlying: "\(error)")
    }
}

extension SluiceError.Code {
    /// The driver was stopped (SIGTERM, SIGINT) before the run finished.
    public static let runStopped = Self("run_stopped", retryable: false)
    public static let runTimeout = Self("run_timeout", retryable: false)
}
