import ClickHouseSink
import Foundation
import HTTPTransport
import SluiceCore
import Testing

/// The server `scripts/services.sh` starts from `cluster/clickhouse/config.xml` and `users.xml`, checked against the
/// running ClickHouse 18.16: the read-only analyst, the writer's profile, what 18.16 cannot forbid the writer, and
/// the https port with its generated certificate (docs/clickhouse.md, "Server configuration").
@Suite struct ServerConfigurationTests {
    let schema = Schema([Field(name: "id", type: .int64, nullable: false), Field(name: "name", type: .string, nullable: true)])

    func rows(_ range: Range<Int>) throws -> RecordBatch {
        try makeBatch(schema, range.map { [.int(Int64($0)), $0.isMultiple(of: 7) ? .null : .string("row \($0)")] })
    }

    /// Runs `body` with a table `server_config_<random>` of `schema` made by the writer in the analyst's database
    /// (created if missing, never dropped: the curated layer lives there), dropped afterwards.
    func withAnalystTable(_ body: (_ writer: ClickHouseClient, _ analyst: ClickHouseClient, _ table: String) async throws -> Void) async throws {
        let analyst = ClickHouseClient(config: try TestClickHouse.analystConfig())
        let writer = try TestClickHouse.client()
        let database = analyst.config.database
        let table = "server_config_\(UInt32.random(in: 0...UInt32.max))"
        try await writer.createDatabase(database)
        try await writer.createTable(ClickHouseTableDefinition(database: database, name: table, columns: schema.fields, orderBy: ["id"]))
        do {
            try await body(writer, analyst, table)
        } catch {
            try? await writer.execute("DROP TABLE IF EXISTS \(ClickHouseSQL.qualifiedName(database: database, table: table))")
            throw error
        }
        try await writer.execute("DROP TABLE IF EXISTS \(ClickHouseSQL.qualifiedName(database: database, table: table))")
    }

    // MARK: The analyst

    @Test func theAnalystReadsButCannotInsertCreateOrDrop() async throws {
        try await withAnalystTable { writer, analyst, table in
            let database = analyst.config.database
            let name = ClickHouseSQL.qualifiedName(database: database, table: table)
            try await writer.insert(database: database, table: table, schema: schema, batches: [try rows(0..<100)])

            #expect(try await analyst.value("SELECT count() FROM \(name)") == "100")
            // Unqualified names resolve in the analyst's database.
            #expect(try await analyst.rows("SELECT id, name FROM \(ClickHouseSQL.identifier(table)) WHERE id IN (6, 7) ORDER BY id")
                == [["6", "row 6"], ["7", nil]])

            let insert = await #expect(throws: SluiceError.self) {
                try await analyst.insert(database: database, table: table, schema: schema, batches: [try rows(100..<101)])
            }
            #expect(insert?.code == .clickHouseAccessDenied && insert?.retryable == false)
            #expect(insert?.context.table == "\(database).\(table)")
            #expect(insert?.message.hasPrefix("INSERT into \(database).\(table) refused by ClickHouse \(analyst.config.endpoint): "
                + "user analyst is read-only (the readonly setting): it may not write, create, drop or change settings (query id sluice-") == true,
                "\(insert?.message ?? "")")
            #expect(insert?.underlying == "Code 164: Cannot insert into table in readonly mode")
            #expect(insert.map { !"\($0)".contains(analyst.config.password ?? "-") } == true)

            let statements = [
                ("INSERT INTO \(name) SELECT number, 'x' FROM system.numbers LIMIT 1", "Cannot insert into table in readonly mode"),
                ("CREATE TABLE \(database).server_config_other (id Int64) ENGINE = MergeTree ORDER BY id", "Cannot create table in readonly mode"),
                ("CREATE DATABASE server_config_other", "Cannot create database in readonly mode"),
                ("DROP TABLE \(name)", "Cannot drop table in readonly mode"),
                ("TRUNCATE TABLE \(name)", "Cannot drop table in readonly mode"),
                ("DROP DATABASE \(ClickHouseSQL.identifier(database))", "Cannot drop table in readonly mode"),
                ("ALTER TABLE \(name) DELETE WHERE id = 1", "Cannot execute query in readonly mode"),
                ("SELECT * FROM numbers(3)", "Table functions are forbidden in readonly mode"),
            ]
            for (sql, reply) in statements {
                let error = await #expect(throws: SluiceError.self, "\(sql)") { try await analyst.execute(sql) }
                #expect(error?.code == .clickHouseAccessDenied, "\(sql)")
                #expect(error?.message.contains("refused by ClickHouse \(analyst.config.endpoint) (database \(database)): user analyst is read-only") == true,
                        "\(error?.message ?? "")")
                #expect(error?.underlying == "Code 164: \(reply)", "\(sql)")
            }
            #expect(try await writer.value("SELECT count() FROM \(name)") == "100", "nothing the analyst tried changed the table")
        }
    }

    /// readonly 1 (not 2) in the analyst profile: the profile's limits cannot be lifted per request.
    @Test func theAnalystRunsWithItsProfileAndCannotChangeIt() async throws {
        let analyst = ClickHouseClient(config: try TestClickHouse.analystConfig())
        try await TestClickHouse.client().createDatabase(analyst.config.database)
        let settings = try await analyst.rows("""
            SELECT name, value, changed FROM system.settings
            WHERE name IN ('readonly', 'max_memory_usage', 'max_threads', 'max_execution_time') ORDER BY name
            """)
        #expect(settings == [["max_execution_time", "600", "1"], ["max_memory_usage", "2000000000", "1"],
                             ["max_threads", "1", "1"], ["readonly", "1", "1"]])
        for (name, value) in [("max_memory_usage", "20000000000"), ("max_threads", "16"), ("readonly", "0"), ("readonly", "2")] {
            let error = await #expect(throws: SluiceError.self, "\(name)=\(value)") {
                try await analyst.value("SELECT 1", settings: [name: value])
            }
            #expect(error?.code == .clickHouseAccessDenied)
            #expect(error?.underlying == "Code 164: Cannot override setting (\(name)) in readonly mode", "\(error?.underlying ?? "")")
        }
        // The value it already has is not a change.
        #expect(try await analyst.value("SELECT 1", settings: ["readonly": "1"]) == "1")
    }

    /// allow_databases: the analyst's databases only (system is always readable, and only lists those).
    @Test func theAnalystSeesOnlyItsDatabases() async throws {
        let allowed = try TestClickHouse.environment("SLUICE_CH_ANALYST_DATABASES").split(separator: " ").map(String.init)
        let writer = try TestClickHouse.client()
        for database in allowed {
            try await writer.createDatabase(database)
            let analyst = ClickHouseClient(config: try TestClickHouse.analystConfig(database: database))
            #expect(try await analyst.value("SELECT currentDatabase()") == database)
        }
        try await TestClickHouse.withDatabase { writer, database in
            try await writer.createTable(ClickHouseTableDefinition(database: database, name: "t", columns: schema.fields, orderBy: ["id"]))
            let analyst = ClickHouseClient(config: try TestClickHouse.analystConfig())
            let select = await #expect(throws: SluiceError.self) { try await analyst.query("SELECT * FROM \(database).t") }
            #expect(select?.code == .clickHouseAccessDenied)
            #expect(select?.message.contains("user analyst may not use this database (not in its allow_databases)") == true,
                    "\(select?.message ?? "")")
            #expect(select?.underlying == "Code 291: Access denied to database \(database) for user analyst")
            // The system tables hide what the analyst may not use.
            #expect(try await analyst.value("SELECT count() FROM system.tables WHERE database = '\(database)'") == "0")
            #expect(try await analyst.value("SELECT count() FROM system.columns WHERE database = '\(database)'") == "0")
            #expect(try await analyst.rows("SHOW DATABASES").allSatisfy { allowed.contains($0[0] ?? "") || $0[0] == "system" })

            // Its session cannot start in another database either, `default` included.
            for other in [database, "default", "etl_metadata"] {
                let session = await #expect(throws: SluiceError.self, "\(other)") {
                    try await ClickHouseClient(config: try TestClickHouse.analystConfig(database: other)).ping()
                }
                #expect(session?.code == .clickHouseAccessDenied)
                #expect(session?.underlying == "Code 291: Access denied to database \(other) for user analyst")
            }
        }
    }

    @Test func thereIsNoPasswordlessDefaultUser() async throws {
        var config = try TestClickHouse.config()
        config.user = "default"
        config.password = nil
        let error = await #expect(throws: SluiceError.self) { try await ClickHouseClient(config: config).ping() }
        #expect(error?.code == .clickHouseAuthentication)
        #expect(error?.underlying == "Code 192: Unknown user default")
    }

    // MARK: The writer

    @Test func theWriterRunsWithTheWriterProfile() async throws {
        let writer = try TestClickHouse.client()
        let settings = try await writer.rows("""
            SELECT name, value, changed FROM system.settings
            WHERE name IN ('readonly', 'allow_ddl', 'max_memory_usage', 'max_threads', 'max_insert_block_size') ORDER BY name
            """)
        // changed = 1: set by the profile (18.16's own defaults are 10000000000 bytes and one thread per core).
        #expect(settings == [["allow_ddl", "1", "0"], ["max_insert_block_size", "1048576", "1"], ["max_memory_usage", "4000000000", "1"],
                             ["max_threads", "2", "1"], ["readonly", "0", "0"]])
        // The limit is enforced per query. It is the writer's default, not a cap: a request may lower it, and also
        // raise it (18.16 has no settings constraints; only readonly 1 stops a user changing settings).
        let error = await #expect(throws: SluiceError.self) {
            try await writer.value("SELECT count() FROM (SELECT groupArray(number) FROM numbers(10000000))",
                                   settings: ["max_memory_usage": "10000000"])
        }
        #expect(error?.code == .clickHouseServer)
        #expect(error?.underlying?.contains("Memory limit (for query) exceeded") == true, "\(error?.underlying ?? "")")
        #expect(try await writer.value("SELECT value FROM system.settings WHERE name = 'max_memory_usage'",
                                       settings: ["max_memory_usage": "8000000000"]) == "8000000000")
    }

    /// "The writer cannot drop the metadata database" is not enforceable on 18.16: no setting separates dropping a
    /// database the writer writes to from the DDL it needs elsewhere. Each candidate is applied here as a per-request
    /// setting (the same setting a profile would give), to a stand-in for etl_metadata, never the real one.
    @Test func theWriterCanDropADatabaseItWritesTo() async throws {
        try await TestClickHouse.withDatabase { writer, metadata in
            let bookmarks = CDCStateTable(client: writer, database: metadata)
            try await bookmarks.ensureSchema()
            let bookmark = CDCStateRow(table: "orders", lastExtractedValue: "42", lastExtractedTime: nil, backfill: false,
                                       backfillChangedAt: 1_700_000_000_000_000, runID: "run-1")
            try await bookmarks.save(bookmark)
            let staging = ClickHouseTableDefinition(database: metadata, name: "orders__sluice_stage_probe", columns: schema.fields, orderBy: ["id"])
            let dropMetadata = ClickHouseDDL.dropDatabase(metadata)

            // readonly 2 stops the drop, and the bookmark writes and staging tables with it.
            let readonly = ClickHouseClient(config: with(writer.config) { $0.settings["readonly"] = "2" })
            let readonlyDrop = await #expect(throws: SluiceError.self) { try await readonly.execute(dropMetadata) }
            #expect(readonlyDrop?.underlying == "Code 164: Cannot drop table in readonly mode")
            let readonlySave = await #expect(throws: SluiceError.self) { try await CDCStateTable(client: readonly, database: metadata).save(bookmark) }
            #expect(readonlySave?.underlying == "Code 164: Cannot insert into table in readonly mode")
            let readonlyStage = await #expect(throws: SluiceError.self) { try await readonly.createTable(staging) }
            #expect(readonlyStage?.underlying == "Code 164: Cannot create table in readonly mode")

            // allow_ddl 0 lets the bookmarks be written but stops the staging tables (and CREATE TABLE IF NOT EXISTS
            // of the existing bookmarks table) as it stops the drop.
            let noDDL = ClickHouseClient(config: with(writer.config) { $0.settings["allow_ddl"] = "0" })
            try await CDCStateTable(client: noDDL, database: metadata).save(bookmark)
            let noDDLDrop = await #expect(throws: SluiceError.self) { try await noDDL.execute(dropMetadata) }
            #expect(noDDLDrop?.code == .clickHouseAccessDenied)
            #expect(noDDLDrop?.message.contains("user etl may not run DDL (the allow_ddl setting is 0)") == true, "\(noDDLDrop?.message ?? "")")
            #expect(noDDLDrop?.underlying == "Code 392: Cannot drop table. DDL queries are prohibited for the user")
            let noDDLStage = await #expect(throws: SluiceError.self) { try await noDDL.createTable(staging) }
            #expect(noDDLStage?.underlying == "Code 392: Cannot create table. DDL queries are prohibited for the user")
            let noDDLEnsure = await #expect(throws: SluiceError.self) { try await CDCStateTable(client: noDDL, database: metadata).ensureSchema() }
            #expect(noDDLEnsure?.code == .clickHouseAccessDenied)

            // No SQL privileges to give or take.
            let revoke = await #expect(throws: SluiceError.self) { try await writer.execute("REVOKE DROP ON \(metadata).* FROM etl") }
            #expect(revoke?.code == .clickHouseSyntax)

            // The writer as configured: staging tables come and go, and the metadata database goes as easily.
            try await writer.createTable(staging)
            try await writer.execute("DROP TABLE \(staging.qualifiedName)")
            try await writer.execute(dropMetadata)
            #expect(try await writer.value("SELECT count() FROM system.databases WHERE name = '\(metadata)'") == "0")
        }
    }

    // MARK: https

    @Test func httpsWithTheGeneratedCertificate() async throws {
        let config = try TestClickHouse.httpsConfig()
        #expect(config.url.hasPrefix("https://127.0.0.1:"))
        try await TestClickHouse.withDatabase { _, database in
            let https = ClickHouseClient(config: with(config) { $0.database = database })
            #expect(try await https.ping() == (try await TestClickHouse.client().ping()))
            try await https.createTable(ClickHouseTableDefinition(database: database, name: "t", columns: schema.fields, orderBy: ["id"]))
            let summary = try await https.insert(database: database, table: "t", schema: schema,
                                                 batches: [try rows(0..<50_000), try rows(50_000..<100_000)])
            #expect(summary.rows == 100_000)
            #expect(try await https.rows("SELECT count(), sum(id), countIf(name IS NULL) FROM t") == [["100000", "4999950000", "14286"]])
            // The same server: the plain port sees the rows too.
            #expect(try await TestClickHouse.client().value("SELECT count() FROM \(database).t") == "100000")
        }
    }

    @Test func httpsWithoutTheCertificateIsATLSError() async throws {
        let config = try TestClickHouse.httpsConfig()
        let plainURL = try TestClickHouse.config().url
        let systemCAs = ClickHouseClient(config: with(config) { $0.tls = HTTPTLSOptions() })
        let error = await #expect(throws: SluiceError.self) { try await systemCAs.ping() }
        #expect(error?.code == .httpTLS)
        #expect(error?.message.contains("TLS with \(config.endpoint) failed") == true, "\(error?.message ?? "")")
        #expect(error.map { !"\($0)".contains(config.password ?? "-") } == true)

        // http:// to the https port and https:// to the http port fail too, neither silently in clear. The plain port
        // answers a TLS hello with an HTTP error (OpenSSL: "wrong version number") or, about one time in four with
        // curl, not at all, until the connect timeout (which covers the handshake) ends it.
        let plainToTLS = ClickHouseClient(config: with(config) { $0.url = $0.url.replacingOccurrences(of: "https://", with: "http://") })
        await #expect(throws: SluiceError.self) { try await plainToTLS.ping() }
        let tlsToPlain = ClickHouseClient(config: with(config) {
            $0.url = plainURL.replacingOccurrences(of: "http://", with: "https://")
            $0.timeouts = HTTPTimeouts(connect: .seconds(2))
        })
        let handshake = await #expect(throws: SluiceError.self) { try await tlsToPlain.ping() }
        #expect(handshake?.code == .httpTLS || handshake?.code == .httpUnreachable, "\(handshake.map { "\($0)" } ?? "")")
    }
}

/// `value` changed by `change`.
private func with<T>(_ value: T, _ change: (inout T) throws -> Void) rethrows -> T {
    var copy = value
    try change(&copy)
    return copy
}
