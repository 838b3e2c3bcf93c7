import ArgumentParser
import Logging
import SluiceDriver
import SluiceCore

/// `sluice run`: the driver plus, with `--local N`, N executor processes on this machine.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a pipeline once: plan, extract, stage as Parquet, load ClickHouse, move bookmarks.",
        discussion: """
            With --local N the driver starts N executor processes on this machine (loopback, a fresh token).
            Without it, the driver waits on --listen for executors started elsewhere with the same SLUICE_TOKEN.
            Exits 0 when every table succeeded, 1 otherwise.
            """)

    @OptionGroup var runOptions: RunOptions
    @OptionGroup var logging: LoggingOptions

    @Option(help: "Start this many local executor processes.")
    var local: Int = 0

    @Option(help: "Tasks each local executor runs at once.")
    var slots: Int = 1

    @Option(help: "Where the driver listens for executors (default 127.0.0.1 and a free port with --local).")
    var listen: HostPort?

    @Option(help: "With --local: executor local-i serves /metrics, /healthz and /readyz on this port + i - 1 (0: each on a free port, logged).")
    var executorMetricsPort: Int?

    func validate() throws {
        guard local >= 0, local <= 256 else { throw ValidationError("--local must be 0...256") }
        guard slots >= 1, slots <= 64 else { throw ValidationError("--slots must be 1...64") }
        if local == 0 && listen == nil { throw ValidationError("give --local N, or --listen HOST:PORT for external executors") }
        if let base = executorMetricsPort {
            guard local > 0 else { throw ValidationError("--executor-metrics-port is for the executors of --local N") }
            guard (0...65_535).contains(base), base == 0 || base + local - 1 <= 65_535 else {
                throw ValidationError("--executor-metrics-port must leave room for \(local) ports below 65536")
            }
            if base > 0, let driverPort = runOptions.metrics.metricsPort, (base..<(base + local)).contains(driverPort) {
                throw ValidationError("--metrics-port \(driverPort) is among the local executors' ports \(base)...\(base + local - 1)")
            }
        }
    }

    func run() async throws {
        let live = logging.showsLiveProgress
        let logger = logging.bootstrap(label: "sluice.driver", liveProgress: live)
        try await runOptions.execute(logger: logger) { () throws(SluiceError) in
            var options = try runOptions.driverOptions(listen: listen, localExecutors: local, slots: slots,
                                                       secret: local > 0 ? .generatedUnlessGiven : .required,
                                                       logLevel: logging.requestedLogLevel ?? (live ? .warning : .info))
            options.liveProgress = live
            options.executorMetricsPort = executorMetricsPort
            return options
        }
    }
}
