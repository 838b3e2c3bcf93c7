import ArgumentParser
import SluiceConfig
import SluiceCore
import SluiceDriver
import SluicePipeline

/// `sluice validate`: the configuration, then the connections and every table's columns.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check the configuration file, the connections, and that every declared column exists and converts.",
        discussion: "Exits 1 when a check fails; warnings (settings that can lose rows without an error) do not fail.")

    @Option(name: .shortAndLong, help: "The pipeline configuration file (YAML).")
    var config: String

    @Flag(help: "Check the file only; do not connect to PostgreSQL or ClickHouse.")
    var offline = false

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = logging.bootstrap(label: "sluice.validate")
        let pipeline: PipelineConfig
        var report = ValidationReport()
        do {
            pipeline = try PipelineLoader().load(path: config)
            report.checks.append(.init(level: .ok, subject: "configuration \(config)",
                                       detail: "\(pipeline.tables.count) table(s): \(pipeline.tables.map(\.name).joined(separator: ", "))"))
        } catch {
            report.checks.append(.init(level: .fail, subject: "configuration \(config)", detail: "\(error)"))
            print(report.text)
            throw ExitCode(1)
        }
        // The source and sink settings are the connectors' to read: decoding them checks them, offline too.
        let driver: Driver
        do {
            driver = try Driver(pipeline: pipeline, options: DriverOptions(), registry: .builtIn, logger: logger)
        } catch {
            report.checks.append(.init(level: .fail, subject: "configuration \(config)", detail: "\(error)"))
            print(report.text)
            throw ExitCode(1)
        }
        if offline {
            for table in pipeline.tables {
                for advice in table.advice { report.checks.append(.init(level: .warn, subject: "table \(table.name)", detail: advice)) }
            }
        } else {
            report.checks += await driver.validate().checks
        }
        print(report.text)
        if !report.succeeded { throw ExitCode(1) }
    }
}
