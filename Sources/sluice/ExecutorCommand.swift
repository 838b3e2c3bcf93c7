import ArgumentParser
import CMalloc
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals
import SluiceCore
import SluiceExecutor
import SluiceMetrics
import SluicePipeline
import SluiceWireNIO

/// `sluice executor`: joins drivers at an address and runs the tasks they assign.
struct ExecutorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "executor",
        abstract: "Join the driver at --connect and run its tasks; afterwards wait for the next driver.",
        discussion: """
            The executor receives the pipeline from the driver and resolves ${ENV} references (passwords) from its
            own environment. It authenticates with the token in SLUICE_TOKEN (or --token-file). Until a driver
            answers it retries with a growing backoff (up to 2 s). On SIGTERM it takes no new task, lets running
            tasks finish for --grace-period seconds, hands the rest back to the driver and exits 0; a second SIGTERM
            or SIGINT hands them back at once.
            """)

    @OptionGroup var logging: LoggingOptions

    @Option(help: "The driver's address, e.g. sluice-driver:7077.")
    var connect: HostPort

    @Option(help: "How many tasks to run at once.")
    var slots: Int = 1

    @Option(help: "The memory budget of this process in MiB, divided among its slots; it bounds batches, row groups and insert blocks by bytes (a run's run.executor_memory may lower it). Set it to the pod's memory limit.")
    var memory: Int = MemoryBudget.defaultMebibytes

    @Option(help: "This executor's name (default: host name and process id).")
    var id: String?

    @Flag(help: "Leave after one run instead of waiting for the next driver.")
    var once = false

    @Option(help: "Give up when no driver answered for this many seconds (default: keep trying; 60 with --once).")
    var patience: Int?

    @Option(help: "Read the token from this file instead of SLUICE_TOKEN.")
    var tokenFile: String?

    @OptionGroup var metrics: MetricsOptions

    @Option(help: ArgumentHelp(
        "On SIGTERM, seconds running tasks may go on before they are handed back to the driver.",
        discussion: "Keep it below the pod's terminationGracePeriodSeconds (30 by default) by a few seconds."))
    var gracePeriod: Int = 20

    @Option(help: "Connect with TLS, trusting only the CA certificates in this PEM file.")
    var tlsCa: String?

    @Option(help: "With --tls-ca, present this client certificate (PEM) to the driver; needs --tls-key.")
    var tlsCert: String?

    @Option(help: "The private key of --tls-cert (PEM).")
    var tlsKey: String?

    func validate() throws {
        guard slots >= 1, slots <= 64 else { throw ValidationError("--slots must be 1...64") }
        guard memory >= MemoryBudget.minimumMebibytes else {
            throw ValidationError("--memory must be at least \(MemoryBudget.minimumMebibytes) (MiB)")
        }
        guard gracePeriod >= 0 else { throw ValidationError("--grace-period must be 0 or more seconds") }
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        guard tlsCert == nil || tlsCa != nil else { throw ValidationError("--tls-cert needs --tls-ca") }
    }

    func run() async throws {
        let logger = logging.bootstrap(label: "sluice.executor")
        Self.tuneAllocator(MemoryBudget(mebibytes: memory, slots: slots))
        // Started by `sluice run --local`: leave with the driver, whatever killed it.
        ParentWatch.start { parent in
            logger.error("executor.parent.gone", metadata: ["sluice.parent.pid": "\(parent)"])
            Foundation.exit(3)
        }
        do {
            let name = id ?? "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
            let seconds = patience ?? (once ? 60 : nil)
            var options = ExecutorOptions(
                driverHost: connect.host, driverPort: connect.port, executorID: name, slots: slots, memoryMebibytes: memory, once: once,
                secret: try loadSecret(file: tokenFile), connectPatience: seconds.map { .seconds($0) })
            options.gracePeriod = .seconds(gracePeriod)
            if let tlsCa { options.tls = try WireClientTLS(caFile: tlsCa, certificateFile: tlsCert, keyFile: tlsKey) }
            var service = ExecutorService(options: options, registry: .builtIn, logger: logger)
            // Services stop in reverse order: the metrics server (first) answers until the executor is done.
            var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
            if metrics.metricsPort != nil {
                let executorMetrics = ExecutorMetrics(slots: slots)
                service.metrics = executorMetrics
                let routes = MetricsRoutes(exposition: { executorMetrics.exposition() }, readiness: { executorMetrics.readiness() })
                if let metricsService = try await metrics.service(routes: routes, logger: logger) { services.append(metricsService) }
            }
            services.append(.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup))
            // The executor finishing ends the group. The command handles the signals itself, because a service
            // group ignores a second one: the first SIGTERM/SIGINT shuts the group down gracefully (the executor
            // drains), the next hurries the drain.
            let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: services, logger: logger))
            let stop = service.stop
            try await withThrowingDiscardingTaskGroup { tasks in
                tasks.addTask {
                    var received = 0
                    for await signal in await UnixSignalsSequence(trapping: .sigterm, .sigint) {
                        received += 1
                        logger.info("executor.signal", metadata: ["sluice.signal": "\(signal)", "sluice.count": "\(received)"])
                        if received == 1 {
                            await group.triggerGracefulShutdown()
                        } else {
                            stop.hurry()
                        }
                    }
                }
                try await group.run()
                tasks.cancelAll()
            }
        } catch {
            throw fail(error)
        }
    }
}

extension ExecutorCommand {
    /// Extraction allocates and frees a batch's arrays thousands of times per task. glibc's defaults hand large
    /// freed blocks back to the kernel and fault them in again on the next batch; keeping them cost 12% less
    /// extraction CPU on bench/extract. But what a thread frees stays in its own malloc arena, and extraction and
    /// loading run on different threads: kept without limit, both phases' peaks added up (285 MiB on wide rows with a
    /// 512 MiB budget). So blocks of at least a sixteenth of a batch (the column arrays of batches, row groups and
    /// insert blocks) are mapped on their own and go back to the kernel when freed, and an arena keeps at most a
    /// batch's worth of freed memory at its top.
    static func tuneAllocator(_ budget: MemoryBudget) {
        _ = mallopt(M_TRIM_THRESHOLD, Int32(clamping: budget.batchBytes))
        _ = mallopt(M_MMAP_THRESHOLD, Int32(clamping: max(budget.batchBytes / 16, 256 << 10)))
    }
}
