import ArgumentParser
import SluiceCore

/// `sluice driver`: the driver alone, serving executors that connect to it (the Kubernetes shape).
struct DriverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "driver",
        abstract: "Run a pipeline once as a driver, serving tasks to executors that connect to --listen.",
        discussion: "Executors authenticate with the token in SLUICE_TOKEN (or --token-file); it must match theirs.")

    @OptionGroup var runOptions: RunOptions
    @OptionGroup var logging: LoggingOptions

    @Option(help: "Where to listen for executors, e.g. 0.0.0.0:7077.")
    var listen: HostPort

    func run() async throws {
        let logger = logging.bootstrap(label: "sluice.driver")
        try await runOptions.execute(logger: logger) { () throws(SluiceError) in
            try runOptions.driverOptions(listen: listen, localExecutors: 0, slots: 1, secret: .required, logLevel: logging.logLevel)
        }
    }
}
