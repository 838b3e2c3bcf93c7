import ArgumentParser
import SluiceConfig
import SluiceCore
import SluiceDriver
import SluicePipeline

/// `sluice plan`: what a run would do, without doing it.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Print each table's mode, window and partition tasks (predicate and estimated rows) without running.")

    @OptionGroup var pipeline: PipelineOptions
    @OptionGroup var logging: LoggingOptions

    @Option(help: "backfill, incremental or full_reload (default: from each table's bookmark).")
    var mode: ModeOverride?

    func run() async throws {
        let logger = logging.bootstrap(label: "sluice.plan")
        do {
            let config = try PipelineLoader().load(path: pipeline.config)
            let options = DriverOptions(tables: pipeline.tableFilter, modeOverride: mode)
            let report = try await Driver(pipeline: config, options: options, registry: .builtIn, logger: logger).plan()
            print(report.text)
            if !report.succeeded { throw ExitCode(1) }
        } catch let error as SluiceError {
            throw fail(error)
        }
    }
}
