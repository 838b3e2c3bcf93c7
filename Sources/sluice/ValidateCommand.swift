import ArgumentParser
import SluiceDriver

/// `sluice validate`: the configuration, then the connections and every table's columns.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check the configuration file, the connections, and that every declared column exists and converts.")

    @Option(name: .shortAndLong, help: "The pipeline configuration file (YAML).")
    var config: String

    @Flag(help: "Check the file only; do not connect to PostgreSQL or ClickHouse.")
    var offline = false

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = logging.bootstrap(label: "sluice.validate")
        let report = await Driver.validate(configPath: config, connect: !offline, logger: logger)
        print(report.text)
        if !report.succeeded { throw ExitCode(1) }
    }
}
