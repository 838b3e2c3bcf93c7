import Foundation
import Testing

/// Real services and tools for integration tests. Everything comes from the environment written by
/// `scripts/services.sh start`; a missing service is a test failure with a clear message, never a skip.
struct TestEnvironment {
    let pgHost: String
    let pgPort: String
    let pgUser: String
    let pgPassword: String
    let pgSuperPassword: String
    let clickhouseURL: String
    let clickhouseUser: String
    let clickhousePassword: String
    /// Variables that differ from this process's environment for psql and `sluice` (a private PostgreSQL's port).
    var overrides: [String: String] = [:]

    /// The same services with PostgreSQL at `port` instead (a ``PrivatePostgres`` with the same roles and passwords).
    func withPostgres(port: Int) -> TestEnvironment {
        var copy = self
        copy.overrides["PGPORT"] = "\(port)"
        return copy
    }

    static func load(sourceLocation: SourceLocation = #_sourceLocation) throws -> TestEnvironment {
        let env = ProcessInfo.processInfo.environment
        func need(_ name: String) throws -> String {
            guard let value = env[name], !value.isEmpty else {
                Issue.record("\(name) is not set: run `source $(scripts/services.sh start)` (scripts/test.sh does it)",
                             sourceLocation: sourceLocation)
                throw TestFailure.missingService(name)
            }
            return value
        }
        return TestEnvironment(
            pgHost: try need("PGHOST"), pgPort: try need("PGPORT"), pgUser: try need("PGUSER"),
            pgPassword: try need("PGPASSWORD"), pgSuperPassword: try need("SLUICE_PG_SUPER_PASSWORD"),
            clickhouseURL: try need("SLUICE_CLICKHOUSE_URL"), clickhouseUser: try need("SLUICE_CLICKHOUSE_USER"),
            clickhousePassword: try need("SLUICE_CH_PASSWORD"))
    }

    /// Creates a fresh database owned by the test user and returns its name.
    func createDatabase(prefix: String) throws -> String {
        let name = "\(prefix)_\(UInt32.random(in: 0...UInt32.max))"
        _ = try Shell.run("psql", ["-v", "ON_ERROR_STOP=1", "-q", "-d", "postgres", "-U", "postgres", "-c",
                                   "CREATE DATABASE \(name) OWNER \(pgUser)"],
                          environment: overrides.merging(["PGPASSWORD": pgSuperPassword]) { $1 })
        return name
    }

    func dropDatabase(_ name: String) {
        _ = try? Shell.run("psql", ["-q", "-d", "postgres", "-U", "postgres", "-c", "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"],
                           environment: overrides.merging(["PGPASSWORD": pgSuperPassword]) { $1 })
    }

    /// Runs SQL through psql (as the test user) in `database`; returns stdout.
    @discardableResult
    func psql(_ database: String, _ sql: String, variables: [String: String] = [:], file: String? = nil) throws -> String {
        var arguments = ["-v", "ON_ERROR_STOP=1", "-q", "-A", "-t", "-d", database]
        for (key, value) in variables { arguments += ["-v", "\(key)=\(value)"] }
        if let file { arguments += ["-f", file] } else { arguments += ["-c", sql] }
        return try Shell.run("psql", arguments, environment: overrides)
    }

    /// Runs a ClickHouse query over HTTP with curl; returns the body. HTTP errors throw.
    @discardableResult
    func clickhouse(_ sql: String) throws -> String {
        try Shell.run("curl", ["-sS", "--fail-with-body", "-u", "\(clickhouseUser):\(clickhousePassword)",
                               clickhouseURL + "/", "--data-binary", sql])
    }
}

enum TestFailure: Error, CustomStringConvertible {
    case missingService(String)
    case command(String, Int32, String)

    var description: String {
        switch self {
        case .missingService(let name): "missing service configuration \(name)"
        case .command(let command, let status, let output): "\(command) exited \(status): \(output)"
        }
    }
}

enum Shell {
    /// Runs `command` (looked up in PATH) and returns its standard output; a non-zero exit throws with stderr.
    static func run(_ command: String, _ arguments: [String], environment: [String: String] = [:],
                    allowFailure: Bool = false) throws -> String {
        let result = try execute(command, arguments, environment: environment)
        if result.status != 0 && !allowFailure {
            let shown = ([command] + arguments).joined(separator: " ")
            throw TestFailure.command(String(shown.prefix(600)), result.status,
                                      String((result.stderr + result.stdout).suffix(4000)))
        }
        return result.stdout
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var seconds: Double
    }

    static func execute(_ command: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command.hasPrefix("/") ? command : "/usr/bin/env")
        process.arguments = command.hasPrefix("/") ? arguments : [command] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let started = Date()
        try process.run()
        // Drain both pipes concurrently so a chatty child cannot block on a full pipe.
        nonisolated(unsafe) var errData = Data()
        let errThread = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        errThread.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errThread.isFinished { usleep(1000) }
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self), seconds: Date().timeIntervalSince(started))
    }
}

/// Paths of the repository and the built `sluice` binary.
enum Paths {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The `sluice` executable built beside this test bundle (SLUICE_BINARY overrides).
    static var sluice: String {
        if let override = ProcessInfo.processInfo.environment["SLUICE_BINARY"] { return override }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("sluice").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return repository.appendingPathComponent(".build/debug/sluice").path
    }
}
