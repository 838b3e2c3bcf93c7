import PostgresSource
import SluiceCore
import Testing

@Suite struct PostgresSQLStateTests {
    /// SQLSTATE → (code, retryable), from the PostgreSQL manual's Appendix A.
    static let states: [(String, SluiceError.Code, Bool)] = [
        ("", .postgresConnection, true),                 // no SQLSTATE: the connection failed
        ("08006", .postgresConnection, true),            // connection_failure
        ("08001", .postgresConnection, true),            // sqlclient_unable_to_establish_sqlconnection
        ("57P01", .postgresQuery, true),                 // admin_shutdown
        ("57P03", .postgresQuery, true),                 // cannot_connect_now
        ("57014", .postgresTimeout, true),               // query_canceled (statement_timeout)
        ("40001", .postgresQuery, true),                 // serialization_failure
        ("40P01", .postgresQuery, true),                 // deadlock_detected
        ("53300", .postgresQuery, true),                 // too_many_connections
        ("53100", .postgresQuery, true),                 // disk_full
        ("55P03", .postgresQuery, true),                 // lock_not_available
        ("58030", .postgresQuery, true),                 // io_error
        ("42601", .postgresQuery, false),                // syntax_error
        ("42883", .postgresQuery, false),                // undefined_function
        ("42P01", .postgresMissingTable, false),         // undefined_table
        ("42703", .postgresMissingColumn, false),        // undefined_column
        ("42501", .postgresPrivilege, false),            // insufficient_privilege
        ("28P01", .postgresAuthentication, false),       // invalid_password
        ("22012", .postgresQuery, false),                // division_by_zero
        ("22P02", .postgresQuery, false),                // invalid_text_representation
        ("22023", .postgresQuery, false),                // invalid_parameter_value (a snapshot that is gone)
        ("23505", .postgresQuery, false),                // unique_violation
        ("0A000", .postgresQuery, false),                // feature_not_supported
        ("57P04", .postgresQuery, false),                // database_dropped
        ("3F000", .postgresMissingTable, false),         // invalid_schema_name
        ("XX000", .postgresQuery, false),                // internal_error
    ]

    @Test(arguments: states.indices) func classifies(_ index: Int) {
        let (state, code, retryable) = Self.states[index]
        let error = PostgresSQLState.error(sqlState: state, message: "m")
        #expect(error.code == code, "SQLSTATE \(state)")
        #expect(error.retryable == retryable, "SQLSTATE \(state)")
        #expect(error.underlying == (state.isEmpty ? "m" : "SQLSTATE \(state): m"))
    }
}
