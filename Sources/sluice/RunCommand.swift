public import ArgumentParser
import Foundation
import Logging
import SluiceCore
public import SluiceDriver
import SluiceWire

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

    @OptionGroup var pipeline: PipelineOptions
    @OptionGroup var logging: LoggingOptions

    @Option(help: "Start this many local executor processes.")
    var local: Int = 0

    @Option(help: "Tasks each local executor runs at once.")
    var slots: Int = 1

    @Option(help: "Where the driver listens for executors (default 127.0.0.1 and a free port with --local).")
    var listen: HostPort?

    @Option(help: "backfill or incremental, for every selected table (default: from each table's bookmark).")
    var mode: ModeOverride?

    @OptionGroup var range: RangeOptions

    @Option(help: "Read the executor token from this file instead of SLUICE_TOKEN.")
    var tokenFile: String?

    @Option(help: "Write the run report as JSON to this file.")
    var report: String?

    func validate() throws {
        try range.check(mode: mode)
        guard local >= 0, local <= 256 else { throw ValidationError("--local must be 0...256") }
        guard slots >= 1, slots <= 64 else { throw ValidationError("--slots must be 1...64") }
        if local == 0 && listen == nil { throw ValidationError("give --local N, or --listen HOST:PORT for external executors") }
    }

    func run() async throws {
        let logger = logging.bootstrap(label: "sluice.driver")
        do {
            let secret = local > 0 && tokenFile == nil && ProcessInfo.processInfo.environment["SLUICE_TOKEN"] == nil
                ? nil : try loadSecret(file: tokenFile)
            let options = DriverOptions(
                configPath: pipeline.config, tables: pipeline.tableFilter, modeOverride: mode,
                listenHost: listen?.host ?? "127.0.0.1", listenPort: listen?.port ?? 0, localExecutors: local,
                executorSlots: slots, secret: secret, reportPath: report, logLevel: logging.logLevel.rawValue)
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

extension ModeOverride: ExpressibleByArgument {}
