public import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals
import SluiceConfig
import SluiceCore
import SluiceDriver
import SluiceMetrics
public import SluicePipeline
import SluiceReport

/// What `sluice run` and `sluice driver` share: which tables, which mode or range, the token and the report.
struct RunOptions: ParsableArguments {
    @OptionGroup var pipeline: PipelineOptions

    @Option(help: "backfill, incremental or full_reload, for every selected table (default: from each table's bookmark). full_reload replaces the target with a fresh copy, removing rows deleted at the source.")
    var mode: ModeOverride?

    @Option(help: "Reload rows whose cursor is at least this value (with --to; e.g. 2024-01-01 or 2024-01-01 00:00:00).")
    var from: String?

    @Option(help: "Reload rows whose cursor is below this value (with --from). Bookmarks do not move.")
    var to: String?

    @Option(help: "Read the executor token from this file instead of SLUICE_TOKEN.")
    var tokenFile: String?

    @Option(help: "Write the run report as JSON to this file.")
    var report: String?

    @Option(help: ArgumentHelp("Resume an earlier run that failed: skip the tables it loaded and stage the partitions it already extracted from its shards. RUN_ID, or 'last' for the newest run of this pipeline if it left a table unloaded (otherwise an ordinary run). Give the same --mode/--from/--to as that run.", valueName: "RUN_ID|last"))
    var resume: String?

    @OptionGroup var metrics: MetricsOptions

    @Option(help: "With --metrics-port: keep serving /metrics this many seconds after the run ended, so that a scraper sees its final figures.")
    var metricsLinger = 0

    func validate() throws {
        guard (0...3_600).contains(metricsLinger) else { throw ValidationError("--metrics-linger must be 0...3600 seconds") }
        if (from == nil) != (to == nil) { throw ValidationError("give --from and --to together") }
        if from != nil && mode != nil { throw ValidationError("--from/--to reload a range; they do not combine with --mode") }
    }

    /// Driver options for these arguments; `secret` nil lets a local run make up its own token.
    func driverOptions(listen: HostPort?, localExecutors: Int, slots: Int, secret: WireSecretChoice,
                       logLevel: Logger.Level) throws(SluiceError) -> DriverOptions {
        var options = DriverOptions(
            tables: pipeline.tableFilter, modeOverride: mode,
            listenHost: listen?.host ?? "127.0.0.1", listenPort: listen?.port ?? 0, localExecutors: localExecutors,
            executorSlots: slots, secret: nil, reportPath: report, logLevel: logLevel.rawValue)
        if let from, let to { options.reloadRange = CursorRange(from: from, to: to) }
        options.resume = resume.map(ResumeRequest.init)
        switch secret {
        case .required: options.secret = try loadSecret(file: tokenFile)
        case .generatedUnlessGiven:
            if tokenFile != nil || ProcessInfo.processInfo.environment["SLUICE_TOKEN"] != nil {
                options.secret = try loadSecret(file: tokenFile)
            }
        }
        return options
    }

    /// Loads the configuration, runs the driver as a service (SIGTERM and SIGINT stop the run cleanly), prints
    /// the report, and exits 1 when a table failed. A run that fails before the driver wrote its report (the
    /// options or the configuration cannot be used, a connector rejects its section, an unknown table) still writes
    /// `--report`, with the failure as the run's error, so a scheduler sees why.
    func execute(logger: Logger, options makeOptions: () throws(SluiceError) -> DriverOptions) async throws {
        let startedAt = Date()
        var config: PipelineConfig?
        do {
            let options = try makeOptions()
            let loaded = try PipelineLoader().load(path: pipeline.config)
            config = loaded
            var configured = try Driver(pipeline: loaded, options: options, registry: .builtIn, logger: logger)
            let driverMetrics = metrics.metricsPort.map { _ in DriverMetrics() }
            configured.metrics = driverMetrics
            let driver = DriverService(driver: configured)
            // The driver finishing ends the group; SIGTERM and SIGINT shut it down gracefully. Services stop in reverse
            // order, so the metrics server (first) answers until the driver is done, then lingers.
            var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
            if let driverMetrics {
                let routes = MetricsRoutes(exposition: { await driverMetrics.exposition() }, readiness: { await driverMetrics.readiness() })
                if let service = try await metrics.service(routes: routes, linger: .seconds(metricsLinger), logger: logger) {
                    services.append(service)
                }
            }
            services.append(.init(service: driver, successTerminationBehavior: .gracefullyShutdownGroup))
            let group = ServiceGroup(configuration: ServiceGroupConfiguration(
                services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
            guard let result = driver.result else { throw SluiceError(.runStopped, "the driver stopped before the run finished") }
            let report = try result.get()
            print(report.text)
            if !report.succeeded { throw ExitCode(1) }
        } catch let error as SluiceError {
            // A report the driver could not write is not written again.
            if error.code != .reportIO { writeNotStartedReport(error, config: config, startedAt: startedAt) }
            throw fail(error)
        }
    }

    /// Writes `--report` for a run that failed before its driver wrote one; a report that cannot be written is
    /// said on stderr, after which the run's own error is what the command reports.
    func writeNotStartedReport(_ error: SluiceError, config: PipelineConfig?, startedAt: Date) {
        guard let path = report else { return }
        let tables = pipeline.tableFilter ?? config?.tables.map(\.name) ?? []
        let report = RunReport.notStarted(runID: Driver.makeRunID(at: startedAt), pipeline: config?.pipeline ?? "", tables: tables,
                                          error: error, startedAt: startedAt)
        do throws(SluiceError) {
            try report.write(toFile: path)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        }
    }
}

/// Where the executor token comes from.
enum WireSecretChoice {
    /// From SLUICE_TOKEN or --token-file, or fail.
    case required
    /// From SLUICE_TOKEN or --token-file if given; otherwise the run makes one up for its local executors.
    case generatedUnlessGiven
}

extension ModeOverride: ExpressibleByArgument {}
