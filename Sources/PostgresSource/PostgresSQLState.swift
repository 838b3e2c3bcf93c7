public import SluiceCore

/// What a server error's SQLSTATE (PostgreSQL manual, Appendix A) means to Sluice: which error code it gets, and
/// whether another attempt can succeed. Pure; ``PostgresConnection`` applies it to every failed statement.
public enum PostgresSQLState {
    /// 42P01 / 3F000 missing table (or schema), 42703 missing column, 42501 privilege, 57014 timeout or cancel,
    /// 08xxx (or no SQLSTATE: the connection failed) connection, 28xxx authentication, anything else a query error.
    public static func code(_ sqlState: String) -> SluiceError.Code {
        switch sqlState {
        case "42P01", "3F000": .postgresMissingTable
        case "42703": .postgresMissingColumn
        case "42501": .postgresPrivilege
        case "57014": .postgresTimeout
        case _ where sqlState.hasPrefix("08") || sqlState.isEmpty: .postgresConnection
        case _ where sqlState.hasPrefix("28"): .postgresAuthentication
        default: .postgresQuery
        }
    }

    /// True when the cause can pass: the connection (class 08, or no SQLSTATE), a conflict with another transaction
    /// (40001 serialization failure, 40P01 deadlock, 40003 completion unknown, 55P03 lock not available, 55006 object
    /// in use), the server short of resources (class 53: disk full, out of memory, too many connections) or going
    /// down (57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now, 57P05 idle session timeout),
    /// 57014 a statement cancelled or past `statement_timeout`, and 58000 / 58030 system and I/O errors.
    /// False for the rest, which fail the same way every time: syntax and undefined objects (class 42), credentials
    /// (28), data exceptions (22), constraints (23), unsupported features (0A), a database dropped (57P04), ...
    public static func isRetryable(_ sqlState: String) -> Bool {
        if sqlState.isEmpty { return true }
        if ["08", "53"].contains(where: sqlState.hasPrefix) { return true }
        return ["40001", "40P01", "40003", "55P03", "55006", "57P01", "57P02", "57P03", "57P05", "57014", "58000", "58030"]
            .contains(sqlState)
    }

    /// The error for a failed statement: its code and class from the SQLSTATE, which `underlying` keeps
    /// (`SQLSTATE 42P01: relation "x" does not exist`).
    public static func error(sqlState: String, message: String) -> SluiceError {
        let underlying = sqlState.isEmpty ? message : "SQLSTATE \(sqlState): \(message)"
        return SluiceError(code(sqlState), message, underlying: underlying, retryable: isRetryable(sqlState))
    }
}
