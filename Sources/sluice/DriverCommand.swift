import ArgumentParser
import Logging
import SluiceCore
import SluiceDriver

/// `sluice driver`: the driver alone, serving executors that connect to it (the Kubernetes shape).
struct DriverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "driver",
        abstract: "Run a pipeline once as a driver, serving tasks to executors that connect to --listen.",
        discussion: "Executors authenticate with the token in SLUICE_TOKEN (or --token-file); it must match theirs.")

    @OptionGroup var pipeline: PipelineOptions
    @OptionGroup var logging: LoggingOptions

    @Option(help: "Where to listen for executors, e.g. 0.0.0.0:7077.")
    var listen: HostPort

    @Option(help: "backfill or incremental, for every selected table (default: from each table's bookmark).")
    var mode: ModeOverride?

    @OptionGroup var range: RangeOptions

    @Option(help: "Read the executor token from this file instead of SLUICE_TOKEN.")
    var tokenFile: String?

    @Option(help: "Write the run report as JSON to this file.")
    var report: String?

    func validate() throws {
        try range.check(mode: mode)
    }

    func run() async throws {
        let logger = logging.bootstrap(label: "sluice.driver")
        do {
            let options = DriverOptions(
                configPath: pipeline.config, tables: pipeline.tableFilter, modeOverride: mode, listenHost: listen.host,
                listenPort: listen.port, secret: try loadSecret(file: tokenFile), reportPath: report,
                logLevel: logging.logLevel.rawValue)
            var runOptions = options
            runOptions.reloadRange = range.cursorRange
            let outcome = try await Driver.run(runOptions, logger: logger)
            print(outcome.text)
            if !outcome.succeeded { throw ExitCode(1) }
        } catch let error as SluiceError {
            throw fail(error)
        }
    }
}
