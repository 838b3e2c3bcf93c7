import ClickHouseSink
import Foundation
import HTTPTransport
import SluiceCore
import Testing

/// Builds batches from rows of ``Value``s (the slow path; fine for tests).
func makeBatch(_ schema: Schema, _ rows: [[Value]]) throws -> RecordBatch {
    var builders = schema.fields.map { ColumnBuilder(type: $0.type) }
    for row in rows {
        for (index, value) in row.enumerated() { builders[index].append(value) }
    }
    return try RecordBatch(schema: schema, columns: builders.indices.map { builders[$0].finish() })
}

/// Runs a Python program and returns its standard output; fails the test if it exits non-zero.
func runPython(_ program: String, arguments: [String] = [], input: Data? = nil) throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", program] + arguments
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    let inputPipe = Pipe()
    process.standardInput = inputPipe
    try process.run()
    if let input { inputPipe.fileHandleForWriting.write(input) }
    try inputPipe.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        Issue.record("python3 failed (\(process.terminationStatus)): \(errorText)")
        throw CancellationError()
    }
    return data
}

/// The ClickHouse server of `scripts/services.sh start`, from the environment it writes.
enum TestClickHouse {
    static func config(database: String = "default", compression: ClickHouseCompression = .default) throws -> ClickHouseConfig {
        let env = ProcessInfo.processInfo.environment
        guard let url = env["SLUICE_CLICKHOUSE_URL"], let user = env["SLUICE_CLICKHOUSE_USER"],
              let password = env["SLUICE_CH_PASSWORD"] else {
            Issue.record("SLUICE_CLICKHOUSE_URL / SLUICE_CLICKHOUSE_USER / SLUICE_CH_PASSWORD are not set: run scripts/services.sh start and source /tmp/sluice-services/services.env")
            throw CancellationError()
        }
        return ClickHouseConfig(url: url, user: user, password: password, database: database, compression: compression)
    }

    static func client(compression: ClickHouseCompression = .default) throws -> ClickHouseClient {
        ClickHouseClient(config: try config(compression: compression))
    }

    /// A variable of services.env; a missing one fails the test, naming it.
    static func environment(_ name: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            Issue.record("\(name) is not set: run scripts/services.sh start and source /tmp/sluice-services/services.env")
            throw CancellationError()
        }
        return value
    }

    /// The read-only analyst of cluster/clickhouse/users.xml, in the first of its databases (SLUICE_CH_ANALYST_DATABASES)
    /// unless `database` is given: the analyst may not use `default`.
    static func analystConfig(database: String? = nil) throws -> ClickHouseConfig {
        let url = try environment("SLUICE_CLICKHOUSE_URL")
        let databases = try environment("SLUICE_CH_ANALYST_DATABASES").split(separator: " ").map(String.init)
        return ClickHouseConfig(url: url, user: try environment("SLUICE_CH_ANALYST_USER"),
                                password: try environment("SLUICE_CH_ANALYST_PASSWORD"), database: database ?? databases[0])
    }

    /// The writer over the https port, trusting the certificate services.sh generated (SLUICE_CH_CA_FILE).
    static func httpsConfig(database: String = "default") throws -> ClickHouseConfig {
        var config = try config(database: database)
        config.url = try environment("SLUICE_CLICKHOUSE_HTTPS_URL")
        config.tls = HTTPTLSOptions(caFile: try environment("SLUICE_CH_CA_FILE"))
        return config
    }

    /// Runs `body` with a fresh database `chsink_test_<random>`, dropped afterwards (also on failure) with its
    /// curated companion `<name>_curated` if a test made one. The client inserts with `compression`.
    static func withDatabase(compression: ClickHouseCompression = .default,
                             _ body: (ClickHouseClient, String) async throws -> Void) async throws {
        let client = try client(compression: compression)
        let name = "chsink_test_\(UInt32.random(in: 0...UInt32.max))"
        try await client.createDatabase(name)
        do {
            try await body(client, name)
        } catch {
            try? await client.execute(ClickHouseDDL.dropDatabase(name))
            try? await client.execute(ClickHouseDDL.dropDatabase(name + "_curated"))
            throw error
        }
        try await client.execute(ClickHouseDDL.dropDatabase(name))
        try await client.execute(ClickHouseDDL.dropDatabase(name + "_curated"))
    }
}

extension ClickHouseCompression {
    /// What parameterised tests run with: plain Native, LZ4, and zstd at ClickHouse's level and a higher one.
    static let testCases: [ClickHouseCompression] = [.none, .lz4, .zstd(level: 1), .zstd(level: 6)]
}
