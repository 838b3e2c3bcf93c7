public import SluiceCore

/// Error codes of the PostgreSQL source. Every error is a ``SluiceError`` carrying one of these codes
/// and the table / column / row it concerns; server errors keep PostgreSQL's SQLSTATE in `underlying`
/// (`SQLSTATE 42P01: relation "x" does not exist`) and are classified retryable or not by it
/// (``PostgresSQLState/isRetryable(_:)``).
extension SluiceError.Code {
    /// The server could not be reached or the connection broke (retryable).
    public static let postgresConnection = Self("postgres_connection", retryable: true)
    /// The server refused the credentials, the role or the database (not retryable).
    public static let postgresAuthentication = Self("postgres_authentication", retryable: false)
    /// The table does not exist (or is not visible on the search path).
    public static let postgresMissingTable = Self("postgres_missing_table", retryable: false)
    /// A column does not exist in the table.
    public static let postgresMissingColumn = Self("postgres_missing_column", retryable: false)
    /// The role lacks a privilege (SELECT on the table or column, ...).
    public static let postgresPrivilege = Self("postgres_privilege", retryable: false)
    /// The statement ran past `statement_timeout` or was cancelled.
    public static let postgresTimeout = Self("postgres_timeout", retryable: true)
    /// Any other error reported by the server for a statement; retryable when its SQLSTATE says the cause can pass
    /// (serialization failure, deadlock, resources, shutdown), not otherwise (syntax, data, undefined objects).
    public static let postgresQuery = Self("postgres_query", retryable: false)
    /// A task could not join the run's exported snapshot (`invalid snapshot identifier`, SQLSTATE 22023): the session
    /// holding it was lost. Retryable: the driver replaces the snapshot and the retry reads the new one.
    public static let postgresSnapshotLost = Self("postgres_snapshot_lost", retryable: true)
    /// A COPY BINARY stream that does not follow the format (truncated, garbage, wrong field count).
    public static let postgresCopyFormat = Self("postgres_copy_format", retryable: false)
    /// A source type that cannot be read into the declared target type; found before the run.
    public static let postgresUnsupportedConversion = Self("postgres_unsupported_conversion", retryable: false)
}
