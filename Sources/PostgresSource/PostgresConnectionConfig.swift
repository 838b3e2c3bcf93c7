/// How to reach a PostgreSQL server. The password is already resolved by the caller (from the environment
/// or a file); it is never printed (see ``description``).
public struct PostgresConnectionConfig: Sendable, Hashable, CustomStringConvertible {
    /// libpq's `sslmode`.
    public enum SSLMode: String, Sendable, Hashable, CaseIterable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var database: String
    public var user: String
    public var password: String?
    public var sslMode: SSLMode
    /// The CA certificate file for `verify-ca` / `verify-full` (libpq `sslrootcert`).
    public var sslRootCert: String?
    /// Shown in `pg_stat_activity.application_name`.
    public var applicationName: String
    /// libpq `connect_timeout`; 0 waits forever.
    public var connectTimeoutSeconds: Int
    /// `statement_timeout` for every statement of the session; nil or 0 for none.
    public var statementTimeoutMilliseconds: Int?
    /// TCP keepalives on the client's socket (libpq `keepalives_idle`; probes every third of it, three of them, and
    /// `tcp_user_timeout` as long as idle plus the probes): a server that vanished without closing the connection
    /// (a host down, a network cut) fails the session within about twice this instead of hanging a COPY or the run's
    /// snapshot forever. nil or 0 leaves the operating system's defaults (two hours).
    public var keepaliveIdleSeconds: Int?
    /// Further attempts after a failed connection (auth failures are never retried).
    public var connectRetries: Int
    /// Delay before the first retry; doubles on each further one up to ``maxRetryDelaySeconds``.
    public var retryDelaySeconds: Double
    public var maxRetryDelaySeconds: Double

    public init(host: String, port: Int = 5432, database: String, user: String, password: String? = nil,
                sslMode: SSLMode = .prefer, sslRootCert: String? = nil, applicationName: String = "sluice",
                connectTimeoutSeconds: Int = 10, statementTimeoutMilliseconds: Int? = nil, keepaliveIdleSeconds: Int? = nil,
                connectRetries: Int = 3, retryDelaySeconds: Double = 0.5, maxRetryDelaySeconds: Double = 10) {
        self.host = host
        self.port = port
        self.database = database
        self.user = user
        self.password = password
        self.sslMode = sslMode
        self.sslRootCert = sslRootCert
        self.applicationName = applicationName
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.statementTimeoutMilliseconds = statementTimeoutMilliseconds
        self.keepaliveIdleSeconds = keepaliveIdleSeconds
        self.connectRetries = connectRetries
        self.retryDelaySeconds = retryDelaySeconds
        self.maxRetryDelaySeconds = maxRetryDelaySeconds
    }

    /// `user@host:port/database`, without the password.
    public var description: String { "\(user)@\(host):\(port)/\(database)" }

    /// The delay before retry number `attempt` (1-based): exponential backoff, capped.
    public func retryDelay(attempt: Int) -> Double {
        var delay = retryDelaySeconds
        for _ in 1..<max(attempt, 1) { delay *= 2 }
        return min(delay, maxRetryDelaySeconds)
    }

    /// The keyword/value pairs handed to `PQconnectdbParams`: every value travels separately, nothing is
    /// spliced into a conninfo string. The session settings pin the text forms catalogue queries rely on
    /// (ISO dates, UTC, UTF-8).
    var libpqParameters: [(String, String)] {
        var options = "-c DateStyle=ISO,YMD -c TimeZone=UTC -c IntervalStyle=iso_8601 -c extra_float_digits=3"
            + " -c standard_conforming_strings=on"
        if let timeout = statementTimeoutMilliseconds, timeout > 0 { options += " -c statement_timeout=\(timeout)" }
        var result: [(String, String)] = [
            ("host", host), ("port", String(port)), ("dbname", database), ("user", user),
            ("sslmode", sslMode.rawValue), ("application_name", applicationName),
            ("connect_timeout", String(max(connectTimeoutSeconds, 0))), ("client_encoding", "UTF8"),
            ("options", options),
        ]
        if let idle = keepaliveIdleSeconds, idle > 0 {
            let interval = max(1, idle / 3)
            result += [("keepalives", "1"), ("keepalives_idle", String(idle)), ("keepalives_interval", String(interval)),
                       ("keepalives_count", "3"), ("tcp_user_timeout", String((idle + 3 * interval) * 1000))]
        }
        if let password { result.append(("password", password)) }
        if let sslRootCert { result.append(("sslrootcert", sslRootCert)) }
        return result
    }
}
