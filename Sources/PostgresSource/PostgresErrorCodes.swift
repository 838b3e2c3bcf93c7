public import SluiceCore

/// Error codes of the PostgreSQL source. Every error is a ``SluiceError`` carrying one of these codes
/// and the table / column / row it concerns; server errors keep PostgreSQL's SQLSTATE in `underlying`
/// (`SQLSTATE 42P01: relation "x" does not exist`).
extension SluiceError.Code {
    /// The server could not be reached or the connection broke (retryable).
    public static let postgresConnection = Self("postgres_connection")
    /// The server refused the credentials, the role or the database (not retryable).
    public static let postgresAuthentication = Self("postgres_authentication")
    /// The table does not exist (or is not visible on the search path).
    public static let postgresMissingTable = Self("postgres_missing_table")
    /// A column does not exist in the table.
    public static let postgresMissingColumn = Self("postgres_missing_column")
    /// The role lacks a privilege (SELECT on the table or column, ...).
    public static let postgresPrivilege = Self("postgres_privilege")
    /// The statement ran past `statement_timeout` or was cancelled.
    public static let postgresTimeout = Self("postgres_timeout")
    /// Any other error reported by the server for a statement.
    public static let postgresQuery = Self("postgres_query")
    /// A COPY BINARY stream that does not follow the format (truncated, garbage, wrong field count).
    public static let postgresCopyFormat = Self("postgres_copy_format")
    /// A source type that cannot be read into the declared target type; found before the run.
    public static let postgresUnsupportedConversion = Self("postgres_unsupported_conversion")
}

/// Which PostgreSQL source errors a retry can cure.
public enum PostgresErrors {
    /// True for connection failures, timeouts and serialization conflicts; false for bad credentials,
    /// missing objects, privileges, malformed data and impossible conversions.
    public static func isRetryable(_ error: SluiceError) -> Bool {
        switch error.code {
        case .postgresConnection, .postgresTimeout: return true
        case .postgresQuery:
            // 40001 serialization_failure, 40P01 deadlock_detected, 53xxx insufficient resources,
            // 57P01..57P03 admin shutdown / crash / cannot connect now.
            guard let underlying = error.underlying else { return false }
            return ["SQLSTATE 40001", "SQLSTATE 40P01", "SQLSTATE 53", "SQLSTATE 57P0"].contains { underlying.hasPrefix($0) }
        default: return false
        }
    }
}
