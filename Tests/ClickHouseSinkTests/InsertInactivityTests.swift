import ClickHouseSink
import Foundation
import HTTPTransport
import SluiceCore
import Testing

/// `timeout` bounds an insert's inactivity, not its length: through a proxy that slows the upload, an insert that
/// takes several times `timeout` but keeps moving succeeds; one whose connection goes silent fails within about
/// `timeout`. Against the real server, through the repository's proxies (bench/throttle_proxy.py,
/// Tests/IntegrationTests/Tools/stall_proxy.py).
@Suite(.serialized) struct InsertInactivityTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let schema = Schema([Field(name: "id", type: .int64, nullable: false), Field(name: "text", type: .string, nullable: false)])

    /// Rows of random-looking text that compression cannot shrink much: `rows` × about 1 KB.
    func batches(rows: Int) throws -> [RecordBatch] {
        var generator = SystemRandomNumberGenerator()
        var batches: [RecordBatch] = []
        for chunk in 0..<(rows / 100) {
            var values: [[Value]] = []
            for row in 0..<100 {
                let letters = (0..<1000).map { _ in UInt8.random(in: 97...122, using: &generator) }
                values.append([.int(Int64(chunk * 100 + row)), .string(String(decoding: letters, as: UTF8.self))])
            }
            batches.append(try makeBatch(schema, values))
        }
        return batches
    }

    /// Starts a proxy script towards the server and returns it with the port it printed.
    func proxy(_ arguments: [String]) throws -> (Process, Int) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let output = Pipe()
        process.standardOutput = output
        // Its stderr must not hold the test runner's open, and it dies by SIGKILL (see ``stop(_:)``).
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) { line += byte }
        let text = String(decoding: line, as: UTF8.self)
        guard let port = Int(text.split(separator: " ").last ?? "") else {
            stop(process)
            throw SluiceError(.internalError, "the proxy printed \(text.debugDescription), not its port")
        }
        return (process, port)
    }

    /// Kills a proxy: SIGKILL, since a child of the test runner may have SIGTERM ignored.
    func stop(_ process: Process) {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func config(port: Int, database: String, inactivity: Duration) throws -> ClickHouseConfig {
        var config = try TestClickHouse.config(database: database, compression: .none)
        let host = URL(string: config.url)!
        config.url = "\(host.scheme ?? "http")://127.0.0.1:\(port)"
        // The total limit applies to other requests; inserts use the inactivity bound alone.
        config.timeouts.total = inactivity
        config.insertTimeouts = ClickHouseConfig.insertTimeouts(inactivity: inactivity)
        return config
    }

    var target: String {
        get throws { try TestClickHouse.environment("SLUICE_CLICKHOUSE_URL").replacingOccurrences(of: "http://", with: "") }
    }

    @Test func aSlowInsertThatKeepsMovingOutlastsTheTimeout() async throws {
        try await TestClickHouse.withDatabase { direct, database in
            try await direct.execute("CREATE TABLE \(database).slow (id Int64, text String) ENGINE = MergeTree ORDER BY id")
            // About 1.5 MB at 300 KB/s: five seconds, with a 2 s timeout.
            let (proxy, port) = try proxy([Self.root.path + "/bench/throttle_proxy.py", "--target", try target, "--rate", "300kb"])
            defer { stop(proxy) }
            let client = ClickHouseClient(config: try config(port: port, database: database, inactivity: .seconds(2)))
            let summary = try await client.insert(database: database, table: "slow", schema: schema, from: BatchList(try batches(rows: 1_500)),
                                                  checkTable: false)
            #expect(summary.duration > .seconds(3), "the proxy did not slow the insert: \(summary.duration)")
            #expect(try await direct.value("SELECT count() FROM \(database).slow", as: UInt64.self) == 1_500)
        }
    }

    @Test func aStalledInsertFailsWithinTheInactivityBound() async throws {
        try await TestClickHouse.withDatabase { direct, database in
            try await direct.execute("CREATE TABLE \(database).stalled (id Int64, text String) ENGINE = MergeTree ORDER BY id")
            let parts = try target.split(separator: ":")
            let (proxy, port) = try proxy([Self.root.path + "/Tests/IntegrationTests/Tools/stall_proxy.py", String(parts[0]), String(parts[1])])
            defer { stop(proxy) }
            let client = ClickHouseClient(config: try config(port: port, database: database, inactivity: .seconds(2)))
            let started = ContinuousClock.now
            let error = await #expect(throws: SluiceError.self) {
                try await client.insert(database: database, table: "stalled", schema: schema, from: BatchList(try batches(rows: 300)), checkTable: false)
            }
            #expect(error?.code == .httpTimeout && error?.retryable == true)
            #expect(ContinuousClock.now - started < .seconds(10))
            #expect(try await direct.value("SELECT count() FROM \(database).stalled", as: UInt64.self) == 0)
        }
    }
}
