import ArgumentParser
import Foundation
import SluiceConfig
import SluiceCore
import SluiceDriver
import SluicePipeline

/// `sluice status`: bookmarks and run history from the metadata store.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show each table's bookmark, what its next run will do, and its last runs (from the metadata store).")

    @OptionGroup var pipeline: PipelineOptions
    @OptionGroup var logging: LoggingOptions

    @Option(help: "How many of each table's newest runs to show.")
    var runs = 5

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() async throws {
        let logger = logging.bootstrap(label: "sluice.status")
        do {
            let config = try PipelineLoader().load(path: pipeline.config)
            let driver = try Driver(pipeline: config, options: DriverOptions(tables: pipeline.tableFilter), registry: .builtIn, logger: logger)
            let report = try await driver.status(runs: runs)
            if json {
                FileHandle.standardOutput.write(try report.json() + Data("\n".utf8))
            } else {
                print(report.text)
            }
        } catch let error as SluiceError {
            throw fail(error)
        }
    }
}
