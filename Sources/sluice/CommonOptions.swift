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
    @Option(name: .customLong("log-level"),
            help: "trace, debug, info, notice, warning, error or critical (default info; warning while `sluice run` shows live progress on a terminal).")
    var requestedLogLevel: Logger.Level?

    /// `--log-level`, or info.
    var logLevel: Logger.Level { requestedLogLevel ?? .info }


    @Option(help: "text, json (one JSON object per line) or auto: text on a terminal, json otherwise (also SLUICE_LOG_FORMAT).")
    var logFormat: LogFormat?

    enum LogFormat: String, ExpressibleByArgument, CaseIterable {
        case auto, text, json
    }

    /// The format in effect: the option, else `SLUICE_LOG_FORMAT`, else auto; auto is text when stderr is a terminal.
    var effectiveFormat: LogFormat {
        let chosen = logFormat ?? ProcessInfo.processInfo.environment["SLUICE_LOG_FORMAT"].flatMap(LogFormat.init(rawValue:)) ?? .auto
        guard chosen == .auto else { return chosen }
        return isatty(STDERR_FILENO) == 1 ? .text : .json
    }

    /// Whether `sluice run` redraws live progress on stderr: a terminal showing text logs. Its logs then start at
    /// warning, unless `--log-level` says otherwise, so that they do not scroll the display away.
    var showsLiveProgress: Bool { effectiveFormat == .text && isatty(STDERR_FILENO) == 1 }

    /// Sets up swift-log for the process (stderr) and returns the root logger.
    func bootstrap(label: String, liveProgress: Bool = false) -> Logger {
        let format = effectiveFormat
        let json = format == .json
        let level = requestedLogLevel ?? (liveProgress ? .warning : .info)
        // Executors that `sluice run --local` starts log the same way as their driver.
        setenv("SLUICE_LOG_FORMAT", format.rawValue, 1)
        LoggingSystem.bootstrap { name in
            if json {
                var handler = JSONLogHandler(label: name)
                handler.logLevel = level
                return handler
            }
            var handler = StreamLogHandler.standardError(label: name)
            handler.logLevel = level
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
