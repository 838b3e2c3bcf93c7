import Foundation
public import Logging
import SluiceConfig
public import ServiceLifecycle
public import SluiceCore
public import SluicePipeline
import SluiceStorage
import SluiceWire
import SluiceWireNIO

/// An executor process as a service: joins a driver, builds its connectors from the run plan the driver sends,
/// runs the tasks it is assigned (up to its slots at once) and reports each result; then, unless `once`, waits
/// for the next driver, knocking with a growing, jittered backoff (``ReconnectBackoff``).
///
/// On SIGTERM (a graceful shutdown of its service group, or ``ExecutorStop/request()``) it drains: it tells the
/// driver (DRAINING) so that nothing new is assigned to it, lets its running tasks finish for up to
/// ``ExecutorOptions/gracePeriod``, hands back what is still running (TASK_HANDED_BACK; the driver runs it
/// elsewhere), says SHUTDOWN and returns, so the process exits 0 and a rolling update loses no work.
public struct ExecutorService: Service {
    public let options: ExecutorOptions
    public let registry: ConnectorRegistry
    public let logger: Logger
    /// Where it reports its tasks and its link to drivers (`--metrics-port`); nil: nowhere.
    public var metrics: ExecutorMetrics?
    /// Stop requests: the service group's graceful shutdown sets it, and so may the command line (a second signal
    /// hurries it).
    public let stop: ExecutorStop

    public init(options: ExecutorOptions, registry: ConnectorRegistry, logger: Logger, stop: ExecutorStop = ExecutorStop()) {
        self.options = options
        self.registry = registry
        self.stop = stop
        var logger = logger
        logger[metadataKey: "sluice.executor.id"] = "\(options.executorID)"
        self.logger = logger
    }

    public func run() async throws {
        if let slowdown = TestSlowdown.fromEnvironment() {
            logger.warning("executor.test_slowdown", metadata: ["sluice.task": "\(slowdown.label)", "sluice.delay": "\(slowdown.delay)"])
        }
        try await withGracefulShutdownHandler {
            try await self.serveDrivers()
        } onGracefulShutdown: {
            stop.request()
        }
    }

    /// Connects to drivers until `once` is done, patience runs out, a stop is requested or the task is cancelled:
    /// ``run()`` without a service group around it (in-process executors in tests).
    public func serveDrivers() async throws(SluiceError) {
        var backoff = options.backoff
        var lastConnected = ContinuousClock.now
        let driver = "\(options.driverHost):\(options.driverPort)"
        defer { metrics?.changed(to: .stopping) }
        var generator = SystemRandomNumberGenerator()
        while !Task.isCancelled && !stop.isRequested {
            metrics?.changed(to: .waiting(driver: driver))
            let connection: DriverConnection
            do {
                connection = try await DriverConnection.connect(
                    host: options.driverHost, port: options.driverPort, secret: options.secret,
                    executorID: options.executorID, slots: options.slots, tls: options.tls, logger: logger)
            } catch {
                let failure = (error as? SluiceError) ?? SluiceError(.internalError, "cannot connect", underlying: "\(error)")
                // A wrong token, protocol version or certificate will not fix itself.
                if failure.code == .wireAuthenticationFailed || failure.code == .wireUnsupportedVersion || failure.code == .wireTLSFailed {
                    throw failure
                }
                if let patience = options.connectPatience, ContinuousClock.now - lastConnected > patience { throw failure }
                let delay = backoff.failed(random: Double.random(in: 0..<1, using: &generator))
                if backoff.shouldLog {
                    logger.info("executor.waiting_for_driver", metadata: [
                        "sluice.error": "\(failure)", "sluice.attempts": "\(backoff.failures)", "sluice.retry.delay": "\(delay)",
                    ])
                }
                await sleep(for: delay)
                continue
            }
            backoff.succeeded()
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
        if stop.isRequested { logger.info("executor.stopped") }
    }

    /// Sleeps `duration`, or less when a stop is requested meanwhile: a waiting executor leaves at once on SIGTERM.
    func sleep(for duration: Duration) async {
        let end = ContinuousClock.now + duration
        while !stop.isRequested, !Task.isCancelled, ContinuousClock.now < end {
            try? await Task.sleep(for: min(.milliseconds(50), end - .now))
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
            return TaskRunner(work: work, reader: reader, writer: writer, logger: logger, memory: options.memoryBudget(for: work),
                              staging: try work.staging.store())
        }.mapError {
            // Retryable although it is configuration: what this executor's environment lacks (an unset ${VAR}),
            // another executor's may have, so the driver tries elsewhere (and excludes this one if others succeed).
            SluiceError(.configInvalid, "executor \(options.executorID) cannot load the run configuration",
                        context: $0.context, underlying: "\($0)", retryable: true)
        }
    }
}
