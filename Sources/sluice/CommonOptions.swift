public import ArgumentParser
import Foundation
public import Logging
import SluiceConfig
import SluiceCore
import SluiceDriver
import SluiceWire

/// Options every command that reads a pipeline takes.
struct PipelineOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "The pipeline configuration file (YAML).")
    var config: String

    @Option(help: "Only these tables (comma-separated names from the configuration).")
    var tables: String?

    var tableFilter: [String]? {
        tables.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
    }
}

struct LoggingOptions: ParsableArguments {
    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    /// Sets up swift-log for the process (stderr) and returns the root logger.
    func bootstrap(label: String) -> Logger {
        LoggingSystem.bootstrap { name in
            var handler = StreamLogHandler.standardError(label: name)
            handler.logLevel = logLevel
            return handler
        }
        return Logger(label: label)
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// `host:port`.
struct HostPort: ExpressibleByArgument {
    var host: String
    var port: Int

    init?(argument: String) {
        guard let colon = argument.lastIndex(of: ":"), let port = Int(argument[argument.index(after: colon)...]),
              (0...65_535).contains(port)
        else { return nil }
        host = String(argument[..<colon])
        self.port = port
    }
}

/// Prints an error the way operators read it and exits non-zero.
func fail(_ error: any Error) -> ExitCode {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    return ExitCode(1)
}

/// The executor token from `--token-file` or `SLUICE_TOKEN`.
func loadSecret(file: String?) throws(SluiceError) -> WireSecret {
    if let file { return try WireSecret.fromFile(file) }
    return try WireSecret.fromEnvironment()
}

/// `--from`/`--to`: extract a past range of the cursor again, without moving bookmarks.
struct RangeOptions: ParsableArguments {
    @Option(help: "Reload rows whose cursor is at least this value (with --to; e.g. 2024-01-01 or 2024-01-01 00:00:00).")
    var from: String?

    @Option(help: "Reload rows whose cursor is below this value (with --from).")
    var to: String?

    var cursorRange: CursorRange? {
        guard let from, let to else { return nil }
        return CursorRange(from: from, to: to)
    }

    func check(mode: ModeOverride?) throws {
        if (from == nil) != (to == nil) { throw ValidationError("give --from and --to together") }
        if from != nil && mode != nil { throw ValidationError("--from/--to reload a range; they do not combine with --mode") }
    }
}
