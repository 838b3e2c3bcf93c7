import Foundation
import SluiceCore
import Testing
@testable import PostgresSource

/// The PostgreSQL 15 the services script started (source /tmp/sluice-services/services.env). Tests FAIL
/// with a clear message when the variables are missing or the server is down; they never skip.
enum TestDatabase {
    static let name = "postgres_source_test"

    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    static func environment(_ key: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[key], !value.isEmpty else {
            throw Missing(description: "\(key) is not set: run scripts/services.sh start and source /tmp/sluice-services/services.env")
        }
        return value
    }

    /// The server as user etl, on database `database`.
    static func config(database: String = name, user: String? = nil, password: String? = nil) throws -> PostgresConnectionConfig {
        PostgresConnectionConfig(host: try environment("PGHOST"), port: Int(try environment("PGPORT")) ?? 5432,
                                 database: database, user: try user ?? environment("PGUSER"),
                                 password: try password ?? environment("PGPASSWORD"), sslMode: .disable,
                                 applicationName: "sluice-postgres-tests", connectTimeoutSeconds: 5, connectRetries: 0)
    }

    /// The superuser on database `postgres`.
    static func superConfig(database: String = "postgres") throws -> PostgresConnectionConfig {
        var config = try config(database: database, user: "postgres", password: environment("SLUICE_PG_SUPER_PASSWORD"))
        config.applicationName = "sluice-postgres-tests-admin"
        return config
    }

    /// Creates the test database once per process (owned by the etl user).
    private static let prepared: Result<Void, any Error> = {
        do {
            let admin = try PostgresConnection(try superConfig())
            let exists = try admin.query("SELECT 1 FROM pg_database WHERE datname = $1", parameters: [name])
            if exists.isEmpty {
                let owner = ProcessInfo.processInfo.environment["PGUSER"] ?? "etl"
                do {
                    try admin.execute("CREATE DATABASE \(SQL.quoteIdentifier(name)) OWNER \(SQL.quoteIdentifier(owner))")
                } catch let error as SluiceError where error.underlying?.contains("42P04") == true {
                    // Created by a concurrent test process.
                }
            }
            return .success(())
        } catch {
            return .failure(error)
        }
    }()

    /// A connection to the test database as user etl.
    static func connect() throws -> PostgresConnection {
        _ = try config()  // fails clearly when the environment is missing
        try prepared.get()
        return try PostgresConnection(try config())
    }

    /// The raw COPY BINARY bytes of `query`.
    static func copyBytes(_ connection: PostgresConnection, _ query: String) throws -> [UInt8] {
        var bytes: [UInt8] = []
        try connection.copyOut("COPY (\(query)) TO STDOUT (FORMAT binary)") { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// Decodes `query`'s rows into `targets` (one per column), whole and drip-fed byte by byte; checks both
    /// agree and returns the batches.
    static func decode(_ connection: PostgresConnection, _ query: String, columns: [SourceColumn], targets: [DataType],
                       nullable: Bool = true, options: CopyDecodeOptions = CopyDecodeOptions()) throws -> [RecordBatch] {
        let bytes = try copyBytes(connection, query)
        let schema = Schema(zip(columns, targets).map { Field(name: $0.name, type: $1, nullable: nullable) })
        let whole = try decodeAll(bytes, columns: columns, schema: schema, options: options)
        let drip = try decodeAll(bytes, columns: columns, schema: schema, options: options, chunkSize: 1)
        // Compared through their descriptions: NaN != NaN would fail a plain ==.
        #expect(String(reflecting: whole) == String(reflecting: drip), "drip-fed decoding differs from whole-buffer decoding for \(query)")
        return whole
    }
}
