import Foundation
import SluiceConfig
import SluiceCore
import Testing

/// Writes configuration files into a fresh temporary directory.
struct ConfigFixture {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "sluice-config-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ text: String) throws -> String {
        let path = directory + "/" + name
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

let baseConfig = """
pipeline: test
source:
  postgres:
    host: db.internal
    database: etl
    user: etl
    password: ${PG_PASSWORD}
sink:
  clickhouse:
    url: http://ch:8123
    password_file: PASSWORD_FILE
staging:
  directory: /tmp/staging
"""

let ordersTable = """
tables:
  - name: orders
    source: sales.orders
    primary_key: [id]
    cursor: updated_at
    partition: {column: id, count: 4}
    columns:
      - {name: id, type: int64, nullable: false}
      - {name: total, type: "decimal(12,2)"}
      - {name: placed_on, source: order_date, type: date, out_of_range: set_null}
      - {name: updated_at, type: timestamptz}
"""

/// Expects `body` to throw a SluiceError and returns it.
func expectConfigError(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> SluiceError? {
    do {
        try body()
        Issue.record("expected an error", sourceLocation: sourceLocation)
        return nil
    } catch let error as SluiceError {
        return error
    } catch {
        Issue.record("unexpected error type \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// Settings shaped like a connector's (the real ones live in PostgresSource and ClickHouseSink), to decode the
/// connector sections the loader keeps as written.
struct ServerSettings: Decodable {
    var host: String
    var port: Int
    var database: String
    var user: String
    var password: PasswordSource

    enum CodingKeys: String, CodingKey { case host, port, database, user, password, passwordFile }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        host = try c.decode(String.self, forKey: .host)
        port = try c.decodeIfPresent(Int.self, forKey: .port) ?? 5432
        database = try c.decode(String.self, forKey: .database)
        user = try c.decode(String.self, forKey: .user)
        password = PasswordSource(inline: try c.decodeIfPresent(Secret.self, forKey: .password),
                                  file: try c.decodeIfPresent(String.self, forKey: .passwordFile))
    }
}

struct HTTPSettings: Decodable {
    var url: String
    var password: PasswordSource

    enum CodingKeys: String, CodingKey { case url, password, passwordFile }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        url = try c.decode(String.self, forKey: .url)
        password = PasswordSource(inline: try c.decodeIfPresent(Secret.self, forKey: .password),
                                  file: try c.decodeIfPresent(String.self, forKey: .passwordFile))
    }
}

@Suite struct PipelineLoaderTests {
    let env = ["PG_PASSWORD": "s3cret-pg"]

    @Test func loadsAValidPipelineWithDefaults() throws {
        let fixture = try ConfigFixture()
        let path = try fixture.write("p.yaml", baseConfig + "\n" + ordersTable)
        let config = try PipelineLoader(environment: env).load(path: path)
        #expect(config.pipeline == "test")
        #expect(config.source.kind == "postgres" && config.sink.kind == "clickhouse")
        let source = try config.source.decode(ServerSettings.self, environment: env)
        #expect(source.port == 5432)
        #expect(source.password.inline?.value == "s3cret-pg")
        #expect(config.staging.compression == .snappy)
        #expect(config.run.retries == 3)
        #expect(config.run.retryBackoff == .seconds(5) && config.run.retryBackoffMax == .seconds(30))
        #expect(config.run.excludeExecutorAfter == 3)
        let orders = try #require(config.table(named: "orders"))
        #expect(orders.sourceName == ("sales", "orders"))
        #expect(orders.target == "orders")
        #expect(orders.partition.effectiveStrategy == .range)
        #expect(orders.columns[2].source == "order_date")
        #expect(orders.columns[2].outOfRange == .setNull)
        #expect(orders.schema.fields[1].type == .decimal(precision: 12, scale: 2))
        #expect(orders.schema.fields[0].nullable == false)
        #expect(orders.effectiveLag == TableConfig.defaultTimestampLag)
        // A connector section keeps ${VAR} references unexpanded: each process (driver, executors) expands them from
        // its own environment, so secrets never travel between them.
        #expect(config.source.text.contains("${PG_PASSWORD}"))
        #expect(!config.source.text.contains("s3cret-pg"))
        let elsewhere = try config.source.decode(ServerSettings.self, environment: ["PG_PASSWORD": "executor's own"])
        #expect(elsewhere.password.inline?.value == "executor's own")
    }

    @Test func sectionsTravelAsJSONAndDecodeTheSameWayOnTheOtherSide() throws {
        let fixture = try ConfigFixture()
        let path = try fixture.write("p.yaml", baseConfig + "\n" + ordersTable)
        let config = try PipelineLoader(environment: env).load(path: path)
        let json = try JSONEncoder().encode(config.source)
        let received = try JSONDecoder().decode(ConnectorSection.self, from: json)
        #expect(received == config.source)
        #expect(try received.decode(ServerSettings.self, environment: env).host == "db.internal")
        // An error found on the other side still names the file and line it came from.
        let error = expectConfigError { _ = try received.decode(ServerSettings.self, environment: [:]) }
        #expect(error?.context.file == path)
        #expect(error?.context.line == 7)
        #expect(error?.code == .configSecret)
    }

    @Test func theQuickstartExampleIsValid() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/quickstart/pipeline.yaml").path
        let environment = ["PGPASSWORD": "x", "SLUICE_CH_PASSWORD": "y"]
        let config = try PipelineLoader(environment: environment).load(path: path)
        #expect(config.tables.map(\.name) == ["orders"])
        #expect(try config.source.decode(ServerSettings.self, environment: environment).port == 25432)
    }

    @Test func secretsNeverPrint() {
        let secret = Secret("hunter2")
        #expect("\(secret)" == "<redacted>")
        #expect(String(reflecting: secret) == "<redacted>")
    }

    @Test func passwordFilesAreReadWithoutTheirNewline() throws {
        let fixture = try ConfigFixture()
        let passwordFile = try fixture.write("ch-password", "from-file\n")
        let path = try fixture.write("p.yaml", baseConfig.replacingOccurrences(of: "PASSWORD_FILE", with: passwordFile)
            + "\n" + ordersTable)
        let config = try PipelineLoader(environment: env).load(path: path)
        #expect(try config.sink.decode(HTTPSettings.self, environment: env).password.resolve()?.value == "from-file")
        let missing = PasswordSource(inline: nil, file: fixture.directory + "/nope")
        #expect(throws: SluiceError.self) { try missing.resolve() }
    }

    @Test func tablesComeFromOneFilePerTable() throws {
        let fixture = try ConfigFixture()
        _ = try fixture.write("tables/b_customers.yaml", """
            name: customers
            primary_key: [id]
            columns: [{name: id, type: int32, nullable: false}]
            """)
        _ = try fixture.write("tables/a_items.yml", """
            name: items
            primary_key: [id]
            columns: [{name: id, type: int64, nullable: false}]
            """)
        let path = try fixture.write("p.yaml", baseConfig + "\ntables_dir: tables\n" + ordersTable)
        let config = try PipelineLoader(environment: env).load(path: path)
        #expect(config.tables.map(\.name) == ["orders", "items", "customers"])
    }

    @Test func aTableFileErrorNamesThatFile() throws {
        let fixture = try ConfigFixture()
        let tableFile = try fixture.write("tables/t.yaml", """
            name: items
            primary_key: [id]
            columns:
              - {name: id, type: int65}
            """)
        let path = try fixture.write("p.yaml", baseConfig + "\ntables_dir: tables\n" + ordersTable)
        let error = expectConfigError { _ = try PipelineLoader(environment: env).load(path: path) }
        #expect(error?.context.file == tableFile)
        #expect(error?.context.line == 4)
        #expect(error?.message.contains("int65") == true)
    }
}

@Suite struct PipelineErrorTests {
    let env = ["PG_PASSWORD": "pw"]

    /// Loads `text` and returns the error, checking it names the file.
    func error(in text: String, environment: [String: String]? = nil) throws -> SluiceError? {
        let fixture = try ConfigFixture()
        let path = try fixture.write("bad.yaml", text)
        let error = expectConfigError { _ = try PipelineLoader(environment: environment ?? env).load(path: path) }
        #expect(error?.context.file == path)
        return error
    }

    @Test func unknownKeysAreErrorsWithTheirLine() throws {
        let text = (baseConfig + "\n" + ordersTable).replacingOccurrences(of: "cursor: updated_at", with: "cursr: updated_at")
        let error = try error(in: text)
        #expect(error?.code == .configInvalid)
        #expect(error?.context.line == 18)
        #expect(error?.context.key == "tables.[0].cursr")
        #expect(error?.message.contains("unknown key 'cursr'") == true)
    }

    /// Loads `text` and returns the error decoding its source section as a connector would.
    func sourceError(in text: String, environment: [String: String]? = nil) throws -> SluiceError? {
        let fixture = try ConfigFixture()
        let path = try fixture.write("bad.yaml", text)
        let config = try PipelineLoader(environment: environment ?? env).load(path: path)
        let error = expectConfigError { _ = try config.source.decode(ServerSettings.self, environment: environment ?? env) }
        #expect(error?.context.file == path)
        return error
    }

    @Test func missingKeysNameTheirParent() throws {
        let text = (baseConfig + "\n" + ordersTable).replacingOccurrences(of: "    user: etl\n", with: "")
        let error = try sourceError(in: text)
        #expect(error?.context.key == "source.postgres")
        #expect(error?.message.contains("missing required key 'user'") == true)
        #expect(error?.context.line == 4)
    }

    @Test func aTableWithoutAPrimaryKeyIsToldWhatOneIsForAndWhereToFindIt() throws {
        let text = baseConfig + "\n" + ordersTable.replacingOccurrences(of: "    primary_key: [id]\n", with: "")
        let error = expectConfigError { _ = try PipelineLoader(environment: env).parse(text, file: "p.yaml") }
        #expect(error?.message.contains("missing required key 'primary_key': the columns that identify a row") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("sluice init") == true)
        // The line of the table that lacks it.
        #expect(error?.context.line == baseConfig.split(separator: "\n", omittingEmptySubsequences: false).count + 2, "\(String(describing: error))")
    }

    @Test func wrongTypesAreReported() throws {
        let text = baseConfig.replacingOccurrences(of: "host: db.internal", with: "host: db.internal\n    port: fivefour")
            + "\n" + ordersTable
        let error = try sourceError(in: text)
        #expect(error?.context.key == "source.postgres.port")
        #expect(error?.context.line == 5)
        #expect(error?.message.contains("whole number") == true)
    }

    @Test func unknownConnectorKeysAreErrorsToo() throws {
        let text = baseConfig.replacingOccurrences(of: "host: db.internal", with: "hots: db.internal") + "\n" + ordersTable
        let error = try sourceError(in: text)
        #expect(error?.context.key == "source.postgres.hots" || error?.context.key == "source.postgres")
        #expect(error?.context.line == 4 || error?.context.line == 5)
    }

    @Test func unsetEnvironmentVariablesAreNamed() throws {
        let error = try sourceError(in: baseConfig + "\n" + ordersTable, environment: [:])
        #expect(error?.code == .configSecret)
        #expect(error?.message.contains("PG_PASSWORD") == true)
        #expect(error?.context.line == 7)
    }

    @Test func aSectionNamesExactlyOneConnector() throws {
        let error = try error(in: baseConfig.replacingOccurrences(of: "sink:\n  clickhouse:", with: "sink:\n  clickhouse: {}\n  scylla:")
            + "\n" + ordersTable)
        #expect(error?.context.key == "sink")
        #expect(error?.message.contains("exactly one connector") == true)
    }

    @Test func enumeratedSettingsListWhatIsAllowed() throws {
        let error = try error(in: baseConfig.replacingOccurrences(of: "directory: /tmp/staging", with: "directory: /tmp/staging\n  compression: lz5")
            + "\n" + ordersTable)
        #expect(error?.context.key == "staging.compression")
        #expect(error?.message.contains("'lz5' is not one of snappy, zstd or none") == true)
    }

    @Test func keyTimestampsKeepTheirMicroseconds() throws {
        let table = ordersTable.replacingOccurrences(of: "primary_key: [id]", with: "primary_key: [id, updated_at]")
            .replacingOccurrences(of: "{name: updated_at, type: timestamptz}", with: "{name: updated_at, type: timestamptz, nullable: false}")
        let fixture = try ConfigFixture()
        let config = try PipelineLoader(environment: env).load(path: try fixture.write("p.yaml", baseConfig + "\n" + table))
        let orders = try #require(config.table(named: "orders"))
        #expect(orders.subseconds(for: orders.columns[3]) == .column, "a key timestamp keeps its microseconds by default")
        let dropped = try error(in: baseConfig + "\n" + table.replacingOccurrences(
            of: "type: timestamptz, nullable: false}", with: "type: timestamptz, nullable: false, subseconds: drop}"))
        #expect(dropped?.context.key == "tables.[0].columns.[3].subseconds")
        #expect(dropped?.message.contains("primary key") == true)
    }

    @Test func lowCardinalityIsForStringColumns() throws {
        let table = ordersTable.replacingOccurrences(of: "columns:\n", with: "columns:\n      - {name: status, type: string, low_cardinality: true}\n")
        let fixture = try ConfigFixture()
        let config = try PipelineLoader(environment: env).load(path: try fixture.write("p.yaml", baseConfig + "\n" + table))
        let orders = try #require(config.table(named: "orders"))
        #expect(orders.columns.map(\.lowCardinality) == [true, false, false, false, false])
        let numeric = try error(in: baseConfig + "\n" + ordersTable.replacingOccurrences(
            of: "{name: total, type: \"decimal(12,2)\"}", with: "{name: total, type: \"decimal(12,2)\", low_cardinality: true}"))
        #expect(numeric?.code == .configInvalid)
        #expect(numeric?.context.key == "tables.[0].columns.[1].low_cardinality")
        #expect(numeric?.message == "low_cardinality applies to string columns; total is decimal(12,2)", "\(numeric?.message ?? "")")
    }

    @Test func lagsAreDurationsOfTimeCursorsOnly() throws {
        let fixture = try ConfigFixture()
        let explicit = try PipelineLoader(environment: env).load(path: try fixture.write("p.yaml", baseConfig + "\n"
            + ordersTable.replacingOccurrences(of: "cursor: updated_at", with: "cursor: updated_at\n    lag: 0")))
        #expect(explicit.tables[0].effectiveLag == .zero)
        #expect(explicit.tables[0].advice.first?.contains("lag 0") == true)
        let integer = try error(in: baseConfig + "\n" + ordersTable.replacingOccurrences(of: "cursor: updated_at", with: "cursor: id\n    lag: 5m"))
        #expect(integer?.context.key == "tables.[0].lag")
    }

    @Test func badTypesNameTheColumn() throws {
        let text = (baseConfig + "\n" + ordersTable).replacingOccurrences(of: "decimal(12,2)", with: "decimal(40,2)")
        let error = try error(in: text)
        #expect(error?.context.key == "tables.[0].columns.[1].type")
        #expect(error?.context.line == 22)
    }

    @Test func crossReferencesAreChecked() throws {
        let cursor = try error(in: (baseConfig + "\n" + ordersTable)
            .replacingOccurrences(of: "cursor: updated_at", with: "cursor: changed_at"))
        #expect(cursor?.message.contains("cursor column 'changed_at'") == true)
        #expect(cursor?.context.line == 18)
        let key = try error(in: (baseConfig + "\n" + ordersTable)
            .replacingOccurrences(of: "primary_key: [id]", with: "primary_key: [order_id]"))
        #expect(key?.message.contains("order_id") == true)
        let range = try error(in: (baseConfig + "\n" + ordersTable)
            .replacingOccurrences(of: "type: \"decimal(12,2)\"", with: "type: \"decimal(12,2)\", out_of_range: set_null"))
        #expect(range?.message.contains("date and timestamp") == true)
        let duplicate = try error(in: baseConfig + "\n" + ordersTable + "\n"
            + ordersTable.replacingOccurrences(of: "tables:\n", with: ""))
        #expect(duplicate?.message.contains("duplicate table name") == true)
        let nullableKey = try error(in: (baseConfig + "\n" + ordersTable)
            .replacingOccurrences(of: "{name: id, type: int64, nullable: false}", with: "{name: id, type: int64}"))
        #expect(nullableKey?.message.contains("must be declared nullable: false") == true)
        let nullPolicy = try error(in: (baseConfig + "\n" + ordersTable)
            .replacingOccurrences(of: "type: date, out_of_range: set_null", with: "type: date, nullable: false, out_of_range: set_null"))
        #expect(nullPolicy?.message.contains("needs a nullable column") == true)
    }

    @Test func repeatedKeysAreNamedWithTheirLine() throws {
        let text = (baseConfig + "\n" + ordersTable).replacingOccurrences(of: "    cursor: updated_at\n",
                                                                         with: "    cursor: updated_at\n    cursor: id\n")
        let error = try error(in: text)
        #expect(error?.code == .configSyntax)
        #expect(error?.message == "a mapping repeats the key(s) cursor")
        #expect(error?.context.line != nil)
    }

    @Test func backfillWindowsMustFitTheCursor() throws {
        let error = try error(in: (baseConfig + "\n" + ordersTable)
            .replacingOccurrences(of: "    cursor: updated_at\n", with: "    cursor: updated_at\n    backfill_window: 30 days\n"))
        #expect(error?.message.contains("not a positive duration") == true)
        #expect(error?.context.key == "tables.[0].backfill_window")
    }

    @Test func yamlSyntaxErrorsHaveALine() throws {
        let error = try error(in: baseConfig + "\ntables:\n  - name: [unclosed\n")
        #expect(error?.code == .configSyntax)
        #expect(error?.context.line != nil)
    }

    @Test func aMissingFileIsClear() {
        let error = expectConfigError { _ = try PipelineLoader(environment: [:]).load(path: "/nonexistent/p.yaml") }
        #expect(error?.message == "no such file")
        #expect(error?.description.hasPrefix("/nonexistent/p.yaml: no such file") == true)
    }

    @Test func retrySettingsAreReadAndChecked() throws {
        let fixture = try ConfigFixture()
        let run = "run: {retries: 5, retry_backoff: 500ms, retry_backoff_max: 2m, exclude_executor_after: 0}"
        let config = try PipelineLoader(environment: env).load(path: try fixture.write("p.yaml", baseConfig + "\n" + run + "\n" + ordersTable))
        #expect(config.run.retries == 5 && config.run.excludeExecutorAfter == 0)
        #expect(config.run.retryBackoff == ConfigDuration(microseconds: 500_000) && config.run.retryBackoffMax == .seconds(120))
        #expect(config.run.executorMemory == nil, "unset: each executor keeps its own --memory")
        for (text, mebibytes) in [("768MiB", 768), ("2Gi", 2_048), ("1GiB", 1_024), ("512", 512)] {
            let sized = try PipelineLoader(environment: env).load(
                path: try fixture.write("m.yaml", baseConfig + "\nrun: {executor_memory: \(text)}\n" + ordersTable))
            #expect(sized.run.executorMemory?.mebibytes == mebibytes, "\(text)")
        }

        let cases: [(String, String, String)] = [
            ("run: {retry_backoff: 2h}", "run.retry_backoff", "at most 1h"),
            ("run: {retry_backoff_max: 2d}", "run.retry_backoff_max", "at most 1d"),
            ("run: {exclude_executor_after: -1}", "run.exclude_executor_after", "0 (never)"),
            ("run: {retry_backoff: soon}", "run.retry_backoff", "not a duration"),
            ("run: {executor_memory: 64MiB}", "run.executor_memory", "at least 128MiB"),
            ("run: {executor_memory: 1TB}", "run.executor_memory", "not an amount of memory"),
        ]
        for (run, key, message) in cases {
            let found = try self.error(in: baseConfig + "\n" + run + "\n" + ordersTable)
            #expect(found?.context.key == key, "\(run)")
            #expect(found?.message.contains(message) == true, "\(run): \(String(describing: found))")
            #expect(found?.retryable == false, "a configuration error is never retried")
        }
    }
}

@Suite struct SubstitutionTests {
    @Test func expandsReferencesAndDefaults() throws {
        let substitution = EnvironmentSubstitution(environment: ["A": "1", "EMPTY": ""])
        #expect(try substitution.expand("x${A}y").get() == "x1y")
        #expect(try substitution.expand("${B:-dflt}").get() == "dflt")
        #expect(try substitution.expand("${EMPTY:-dflt}").get() == "dflt")
        #expect(try substitution.expand("$$A costs $5").get() == "$A costs $5")
        #expect(throws: EnvironmentSubstitution.UnsetVariable(name: "B")) { try substitution.expand("${B}").get() }
    }

    @Test func durations() {
        #expect(ConfigDuration(parsing: "500ms")?.microseconds == 500_000)
        #expect(ConfigDuration(parsing: "5m")?.microseconds == 300_000_000)
        #expect(ConfigDuration(parsing: "2h")?.description == "2h")
        #expect(ConfigDuration(parsing: "12") == .seconds(12))
        #expect(ConfigDuration(parsing: "-1s") == nil)
        #expect(ConfigDuration(parsing: "soon") == nil)
    }
}

@Suite struct ConfigRobustnessTests {
    /// Random damage to a valid file (flipped, deleted and inserted bytes) must give a configuration or a
    /// SluiceError — never a crash or a hang. Seeded, so a failure reproduces.
    @Test func damagedFilesNeverCrashTheLoader() throws {
        let text = Array((baseConfig + "\n" + ordersTable).utf8)
        let alphabet = Array(" :-[]{}\"'#&*!|>%@`\n\t\\,?0123456789abcdefxyz$".utf8)
        var generator = SplitMix64(seed: 0x5EED)
        var parsed = 0, rejected = 0
        for _ in 0..<3_000 {
            var bytes = text
            for _ in 0..<Int.random(in: 1...6, using: &generator) {
                let index = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes[index] = alphabet.randomElement(using: &generator)!
                case 1: bytes.remove(at: index)
                default: bytes.insert(alphabet.randomElement(using: &generator)!, at: index)
                }
            }
            do {
                _ = try PipelineLoader(environment: ["PG_PASSWORD": "x"]).parse(String(decoding: bytes, as: UTF8.self), file: "fuzz.yaml")
                parsed += 1
            } catch {
                #expect(error.context.file == "fuzz.yaml")
                rejected += 1
            }
        }
        #expect(parsed > 0 && rejected > 0)
    }
}

