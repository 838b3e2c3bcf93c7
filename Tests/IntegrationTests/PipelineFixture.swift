import Foundation
import Testing

/// A private PostgreSQL database, ClickHouse databases and staging directory for one test, with a small
/// `items` table and a pipeline file pointing at them. Removed by ``tearDown()``.
struct PipelineFixture {
    let env: TestEnvironment
    let database: String
    let clean: String
    let metadata: String
    let curated: String
    let directory: String

    init(env: TestEnvironment, rows: Int = 2_000) throws {
        self.env = env
        database = try env.createDatabase(prefix: "cluster")
        let suffix = UInt32.random(in: 0...UInt32.max)
        clean = "cluster_clean_\(suffix)"
        metadata = "cluster_meta_\(suffix)"
        curated = "cluster_cur_\(suffix)"
        directory = NSTemporaryDirectory() + "sluice-cluster-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try env.psql(database, """
            CREATE TABLE items (id bigint PRIMARY KEY, name text, born date, updated_at timestamptz NOT NULL);
            INSERT INTO items SELECT g, 'item ' || g, date '2000-01-01' + g, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second'
            FROM generate_series(1, \(rows)) g;
            """)
    }

    func tearDown() {
        env.dropDatabase(database)
        _ = try? env.clickhouse("DROP DATABASE IF EXISTS \(clean)")
        _ = try? env.clickhouse("DROP DATABASE IF EXISTS \(metadata)")
        _ = try? env.clickhouse("DROP DATABASE IF EXISTS \(curated)")
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The `run:` section of ``pipeline(table:postgresPassword:partitions:partition:outOfRange:lag:run:)`` unless
    /// given: short heartbeats, and a short backoff so that retried runs stay quick.
    static let quickRun = "{heartbeat_interval: 500ms, executor_timeout: 3s, retries: 3, retry_backoff: 200ms}"

    /// Writes a pipeline for `items` and returns its path. `table` is extra YAML inside the table entry. The lag is 0
    /// unless given (nil: the default), so that tests count the rows each run reads exactly.
    func pipeline(table: String = "", postgresPassword: String = "${PGPASSWORD}", partitions: Int = 4,
                  partition: String? = nil, outOfRange: String = "fail", lag: String? = "0", run: String = quickRun) throws -> String {
        let text = """
        pipeline: cluster-test
        source:
          postgres: {host: "${PGHOST}", port: "${PGPORT}", database: \(database), user: "${PGUSER}", password: "\(postgresPassword)"}
        sink:
          clickhouse: {url: "${SLUICE_CLICKHOUSE_URL}", user: "${SLUICE_CLICKHOUSE_USER}", password: "${SLUICE_CH_PASSWORD}",
                       database: \(clean), metadata_database: \(metadata), curated_database: \(curated)}
        staging: {directory: \(directory)/staging}
        run: \(run)
        tables:
          - name: items
            primary_key: [id]
            cursor: updated_at
            partition: \(partition ?? "{column: id, count: \(partitions)}")
            out_of_range: \(outOfRange)
        \(lag.map { "    lag: \($0)" } ?? "")
        \(table)
            columns:
              - {name: id, type: int64, nullable: false}
              - {name: name, type: string}
              - {name: born, type: date}
              - {name: updated_at, type: timestamptz, nullable: false}
        """
        let path = directory + "/pipeline-\(UUID().uuidString).yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// What one `sluice run --local 2` of `config` did: its exit status, output, its report (empty when none was
    /// written) and the report's first table.
    struct RunOutcome {
        var status: Int32
        var output: String
        var reportPath: String
        var report: [String: Any]
        var table: [String: Any]
    }

    func run(_ config: String, _ extra: [String] = [], environment: [String: String] = [:]) throws -> RunOutcome {
        let report = directory + "/report-\(UUID().uuidString).json"
        let result = try Shell.execute(Paths.sluice, ["run", "--config", config, "--local", "2", "--report", report] + extra,
                                       environment: env.overrides.merging(environment) { $1 })
        let json = (try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report)))) as? [String: Any]
        let table = (json?["tables"] as? [[String: Any]])?.first ?? [:]
        return RunOutcome(status: result.status, output: result.stdout + result.stderr, reportPath: report, report: json ?? [:],
                          table: table)
    }

    /// Every attempt of the first table's tasks in the `--report` JSON at `path`, task by task.
    func attempts(inReport path: String) throws -> [[String: Any]] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
        let table = (json?["tables"] as? [[String: Any]])?.first
        return (table?["tasks"] as? [[String: Any]] ?? []).flatMap { $0["attempts"] as? [[String: Any]] ?? [] }
    }

    func clickhouseCount() throws -> Int {
        Int(try env.clickhouse("SELECT count() FROM \(clean).items FINAL").trimmed) ?? -1
    }

    /// Every version in the clean table (no FINAL): with merges stopped, what the runs loaded, row for row.
    func rawCount() throws -> Int {
        Int(try env.clickhouse("SELECT count() FROM \(clean).items").trimmed) ?? -1
    }

    /// Where ``differences(where:in:)`` reads ClickHouse's rows.
    enum Layer {
        /// The clean table's live rows: `FINAL`, soft-deleted rows left out.
        case clean
        /// The curated table as it is: no `FINAL`, no filter; it must hold the live rows and nothing else.
        case curated
    }

    /// The differences between PostgreSQL's `items` and ClickHouse's rows in `layer`, compared value by value
    /// (id, name, born, and updated_at in whole seconds, as the clean layer keeps it); empty when they hold the same
    /// rows. For the curated layer, a key held twice is a difference too.
    func differences(where condition: String = "true", in layer: Layer = .clean) throws -> [String] {
        let source = try env.psql(database, """
            SET timezone = 'UTC';
            COPY (SELECT id, coalesce(name, '-'), coalesce(born::text, '-'), to_char(updated_at, 'YYYY-MM-DD HH24:MI:SS')
                  FROM items WHERE \(condition) ORDER BY id) TO STDOUT
            """).split(separator: "\n")
        let sink = try env.clickhouse("""
            SELECT id, ifNull(name, '-'), ifNull(if(toUInt16(born) = 0, '1970-01-01', toString(born)), '-'),
                   toString(updated_at)
            FROM \(layer == .clean ? "\(clean).items FINAL WHERE _sluice_deleted = 0" : "\(curated).items")
            ORDER BY id FORMAT TabSeparated
            """).split(separator: "\n")
        var problems: [String] = []
        if layer == .curated {
            let keys = try env.clickhouse("SELECT count() - uniqExact(id) FROM \(curated).items").trimmed
            if keys != "0" { problems.append("the curated table holds \(keys) rows more than it has keys") }
        }
        if source.count != sink.count { problems.append("PostgreSQL has \(source.count) rows, ClickHouse \(sink.count)") }
        for (expected, actual) in zip(source, sink) where expected != actual {
            problems.append("PostgreSQL \(expected) | ClickHouse \(actual)")
            if problems.count > 10 { break }
        }
        return problems
    }

    func bookmark() throws -> String {
        try env.clickhouse("""
            SELECT argMax(last_extracted_value, version) FROM \(metadata).cdc_state WHERE table_name = 'items' FORMAT TabSeparated
            """).trimmed
    }
}

/// A child process the test starts and stops itself.
final class Child: @unchecked Sendable {
    // @unchecked: the Process and pipes are used from the test's task only.
    let process = Process()
    private let output = Pipe()
    private var collected = Data()
    private let lock = NSLock()

    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:], removing: [String] = []) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        for name in removing { merged[name] = nil }
        process.environment = merged
        process.standardOutput = output
        process.standardError = output
        output.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.lock.withLock { self.collected.append(data) }
        }
        try process.run()
    }

    var text: String { lock.withLock { String(decoding: collected, as: UTF8.self) } }

    /// Waits for the process to exit (at most `seconds`, then kills it) and returns its status.
    func wait(seconds: Double) async -> Int32 {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        output.fileHandleForReading.readabilityHandler = nil
        return process.terminationStatus
    }

    /// Waits until the output contains `text`.
    func waitFor(_ text: String, seconds: Double) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if self.text.contains(text) { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }
}

/// A TCP port nothing listens on right now (below the ephemeral range would be safer, but these tests
/// connect only after the driver reported it is listening).
func freePort() -> Int {
    Int.random(in: 20_000...24_999)
}
