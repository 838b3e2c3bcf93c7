public import PostgresSource
public import SluiceConfig
public import SluiceCore

extension PostgresSourceConfig {
    /// libpq settings for this source, with the password resolved in this process (from its environment
    /// or a secret file).
    public func connectionConfig() throws(SluiceError) -> PostgresConnectionConfig {
        guard let sslMode = PostgresConnectionConfig.SSLMode(rawValue: sslmode) else {
            throw SluiceError(.configInvalid, "unknown sslmode '\(sslmode)'", context: ErrorContext(key: "source.postgres.sslmode"))
        }
        return PostgresConnectionConfig(
            host: host, port: port, database: database, user: user, password: try password.resolve()?.value,
            sslMode: sslMode, sslRootCert: sslrootcert, applicationName: applicationName,
            connectTimeoutSeconds: Int(max(1, connectTimeout.microseconds / 1_000_000)),
            statementTimeoutMilliseconds: statementTimeout.map { Int($0.microseconds / 1_000) })
    }
}

extension TableConfig {
    /// The source table as PostgreSQL names it.
    public func postgresTable() throws(SluiceError) -> PostgresTableName {
        try PostgresTableName(parsing: source)
    }

}
