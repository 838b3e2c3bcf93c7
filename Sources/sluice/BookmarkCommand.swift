import ArgumentParser
import Foundation
import SluiceConfig
import SluiceCore
import SluiceDriver
import SluicePipeline

/// `sluice bookmark set|reset`: move a table's bookmark by hand.
struct BookmarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bookmark",
        abstract: "Set or reset a table's bookmark (recorded in the run history with who did it).",
        subcommands: [Set.self, Reset.self])

    struct Target: ParsableArguments {
        @Option(name: .shortAndLong, help: "The pipeline configuration file (YAML).")
        var config: String

        @Option(help: "The table (its name in the configuration).")
        var table: String

        @Flag(help: "Do not ask for confirmation (needed when standard input is not a terminal).")
        var yes = false
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set the bookmark to a cursor value: the next run reads rows past it (less the lag).")

        @OptionGroup var target: Target
        @Option(help: "A value of the table's cursor (2024-01-01 00:00:00, 2024-01-01, 12345).")
        var value: String
        @OptionGroup var logging: LoggingOptions

        func run() async throws {
            try await BookmarkCommand.change(target, logging: logging, question: { table, before in
                "Set the bookmark of \(table) from \(before ?? "none") to \(value)? Rows at or before it are not read again (except the lag)."
            }, apply: { driver, who in
                try await driver.setBookmark(table: target.table, value: value, by: who)
            })
        }
    }

    struct Reset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Turn the table back to backfill: its next run reads the whole table again.")

        @OptionGroup var target: Target
        @OptionGroup var logging: LoggingOptions

        func run() async throws {
            try await BookmarkCommand.change(target, logging: logging, question: { table, before in
                "Reset the bookmark of \(table) (now \(before ?? "none"))? Its next run backfills the whole table."
            }, apply: { driver, who in
                try await driver.resetBookmark(table: target.table, by: who)
            })
        }
    }

    /// Loads the pipeline, asks (on a terminal) or requires `--yes`, applies the change and says what it did.
    static func change(_ target: Target, logging: LoggingOptions, question: (String, String?) -> String,
                       apply: (Driver, String) async throws -> Driver.BookmarkChange) async throws {
        let logger = logging.bootstrap(label: "sluice.bookmark")
        do {
            let config = try PipelineLoader().load(path: target.config)
            let driver = try Driver(pipeline: config, options: DriverOptions(), registry: .builtIn, logger: logger)
            if !target.yes {
                guard isatty(STDIN_FILENO) != 0 else {
                    FileHandle.standardError.write(Data("error: standard input is not a terminal: pass --yes to change the bookmark of \(target.table)\n".utf8))
                    throw ExitCode(2)
                }
                let before = try await driver.bookmarks.load(table: target.table)
                print(question(target.table, before?.value) + " [y/N] ", terminator: "")
                guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
                    print("nothing changed")
                    throw ExitCode(1)
                }
            }
            let change = try await apply(driver, Self.who())
            print("\(change.table): bookmark \(change.before?.value ?? "none") -> \(change.after.value ?? "none (next run backfills)") (recorded as \(change.after.runID))")
        } catch let error as SluiceError {
            throw fail(error)
        }
    }

    /// `user@host`, for the run history.
    static func who() -> String {
        let user = ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.environment["LOGNAME"] ?? "uid \(getuid())"
        return "\(user)@\(ProcessInfo.processInfo.hostName)"
    }
}
