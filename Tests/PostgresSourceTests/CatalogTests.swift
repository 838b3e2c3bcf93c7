import Foundation
import SluiceCore
import Testing
@testable import PostgresSource

@Suite("Catalogue and connection errors against PostgreSQL 15", .serialized)
struct CatalogTests {
    let connection: PostgresConnection

    init() throws {
        connection = try TestDatabase.connect()
        try connection.execute("""
            CREATE TABLE IF NOT EXISTS catalog_items (id bigint PRIMARY KEY, "Mixed Case" text NOT NULL, price numeric(12,2),
                                                      created timestamptz, secret text);
            """)
    }

    @Test func describesColumnsInOrderWithTypes() throws {
        let columns = try PostgresCatalog(connection).describe(PostgresTableName(name: "catalog_items"))
        #expect(columns.map(\.name) == ["id", "Mixed Case", "price", "created", "secret"])
        #expect(columns.map(\.typeName) == ["bigint", "text", "numeric(12,2)", "timestamp with time zone", "text"])
        #expect(columns.map(\.notNull) == [true, true, false, false, false])
        #expect(columns.map(\.suggestedTarget) == [.int64, .string, .decimal(precision: 12, scale: 2), .timestampTZ, .string])
    }

    @Test func missingTableNamesTheTable() throws {
        let error = try #require(throws: SluiceError.self) {
            _ = try PostgresCatalog(connection).describe(PostgresTableName(schema: "public", name: "no_such_table"))
        }
        #expect(error.code == .postgresMissingTable)
        #expect(error.context.table == "public.no_such_table")
        let schemaError = try #require(throws: SluiceError.self) {
            _ = try PostgresCatalog(connection).tableOID(PostgresTableName(schema: "no_such_schema", name: "t"))
        }
        #expect(schemaError.code == .postgresMissingTable)
    }

    @Test func missingColumnNamesTableAndColumn() throws {
        let error = try #require(throws: SluiceError.self) {
            _ = try PostgresCatalog(connection).describe(PostgresTableName(name: "catalog_items"), columns: ["id", "nope"])
        }
        #expect(error.code == .postgresMissingColumn)
        #expect(error.context == ErrorContext(table: "catalog_items", column: "nope"))
    }

    @Test func missingPrivilegesAreReportedPerTableAndColumn() throws {
        let admin = try PostgresConnection(try TestDatabase.superConfig(database: TestDatabase.name))
        try admin.execute("""
            DO $$ BEGIN
              IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pgsource_limited') THEN
                CREATE ROLE pgsource_limited LOGIN PASSWORD 'limited-pw';
              END IF;
            END $$;
            GRANT CONNECT ON DATABASE \(TestDatabase.name) TO pgsource_limited;
            CREATE TABLE IF NOT EXISTS catalog_private (a int, b int);
            CREATE TABLE IF NOT EXISTS catalog_partial (a int, b int);
            REVOKE ALL ON catalog_private FROM pgsource_limited;
            GRANT SELECT (a) ON catalog_partial TO pgsource_limited;
            """)
        let limited = try PostgresConnection(try TestDatabase.config(user: "pgsource_limited", password: "limited-pw"))
        let catalog = PostgresCatalog(limited)
        let tableError = try #require(throws: SluiceError.self) { _ = try catalog.tableOID(PostgresTableName(name: "catalog_private")) }
        #expect(tableError.code == .postgresPrivilege)
        #expect(tableError.context.table == "catalog_private")
        #expect(try catalog.describe(PostgresTableName(name: "catalog_partial"), columns: ["a"]).count == 1)
        let columnError = try #require(throws: SluiceError.self) {
            _ = try catalog.describe(PostgresTableName(name: "catalog_partial"), columns: ["a", "b"])
        }
        #expect(columnError.code == .postgresPrivilege)
        #expect(columnError.context == ErrorContext(table: "catalog_partial", column: "b"))
        // The server agrees: COPY of the forbidden column fails with the same code.
        let copyError = try #require(throws: SluiceError.self) {
            _ = try limited.copyOut("COPY (SELECT b FROM catalog_partial) TO STDOUT (FORMAT binary)") { _ in }
        }
        #expect(copyError.code == .postgresPrivilege)
        #expect(copyError.underlying?.hasPrefix("SQLSTATE 42501") == true)
    }

    @Test func wrongPasswordIsAnAuthenticationErrorAndNotRetried() throws {
        var config = try TestDatabase.config(password: "wrong-password")
        config.connectRetries = 3
        config.retryDelaySeconds = 2
        let started = Date()
        let error = try #require(throws: SluiceError.self) { _ = try PostgresConnection(config) }
        #expect(error.code == .postgresAuthentication)
        #expect(error.message.contains(config.host))
        #expect(!error.description.contains("wrong-password"))
        #expect(!error.retryable)
        #expect(Date().timeIntervalSince(started) < 2, "an authentication failure must not be retried")
    }

    @Test func unreachableServerIsRetriedWithBackoffThenNamed() throws {
        var config = try TestDatabase.config()
        config.port = 1  // nothing listens on port 1
        config.connectRetries = 2
        config.retryDelaySeconds = 0.2
        let started = Date()
        let error = try #require(throws: SluiceError.self) { _ = try PostgresConnection(config) }
        let elapsed = Date().timeIntervalSince(started)
        #expect(error.code == .postgresConnection)
        #expect(error.message.contains("\(config.host):1"))
        #expect(error.retryable)
        #expect(elapsed >= 0.6, "two retries wait 0.2 s then 0.4 s")
        #expect(config.retryDelay(attempt: 1) == 0.2 && config.retryDelay(attempt: 2) == 0.4 && config.retryDelay(attempt: 10) == 10)
    }

    @Test func missingDatabaseIsNotRetried() throws {
        let error = try #require(throws: SluiceError.self) { _ = try PostgresConnection(try TestDatabase.config(database: "no_such_db_xyz")) }
        #expect(error.code == .postgresAuthentication)
        #expect(error.message.contains("no_such_db_xyz"))
    }

    @Test func statementTimeoutIsReported() throws {
        var config = try TestDatabase.config()
        config.statementTimeoutMilliseconds = 50
        let slow = try PostgresConnection(config)
        let error = try #require(throws: SluiceError.self) { _ = try slow.query("SELECT pg_sleep(2)") }
        #expect(error.code == .postgresTimeout)
        #expect(error.retryable)
    }

    @Test func parametersAreNeverSpliced() throws {
        let hostile = "x'); DROP TABLE catalog_items; --"
        let rows = try connection.query("SELECT $1::text, $2::text IS NULL", parameters: [hostile, nil])
        #expect(rows == [[hostile, "t"]])
        #expect(try PostgresCatalog(connection).tableOID(PostgresTableName(name: "catalog_items")) > 0)
    }

    @Test func sessionSettingsAreThoseTheTextFormsRelyOn() throws {
        let rows = try connection.query("SELECT current_setting('TimeZone'), current_setting('DateStyle'), current_setting('IntervalStyle'), "
                                        + "current_setting('client_encoding'), current_setting('application_name')")
        #expect(rows == [["UTC", "ISO, YMD", "iso_8601", "UTF8", "sluice-postgres-tests"]])
    }

    @Test func sizeEstimatesAndMinMax() throws {
        try connection.execute("""
            DROP TABLE IF EXISTS catalog_sized; CREATE TABLE catalog_sized (id int, ts timestamp);
            INSERT INTO catalog_sized SELECT g, '2024-01-01'::timestamp + g * interval '1 minute' FROM generate_series(1, 5000) g;
            """)
        let catalog = PostgresCatalog(connection)
        let table = PostgresTableName(name: "catalog_sized")
        #expect(try catalog.sizeEstimate(table).rows == nil)  // never analysed
        #expect(try catalog.estimateRows(table) == 5000)      // small: exact count
        try connection.execute("ANALYZE catalog_sized")
        #expect(try catalog.sizeEstimate(table).rows == 5000)
        #expect(try catalog.sizeEstimate(table).pages > 10)
        let bounds = try #require(try catalog.minMaxText(table, column: "ts"))
        #expect(bounds.min == "2024-01-01 00:01:00" && bounds.max == "2024-01-04 11:20:00")
    }
}
