public import SluiceCore

/// Holds one exported snapshot open for a run: a connection in a `REPEATABLE READ` transaction that ran
/// `pg_export_snapshot()`. Tasks join it with `SET TRANSACTION SNAPSHOT '<id>'` (``PostgresExtractor`` does
/// so for a ``TaskSource`` with a snapshot), so every partition of every table reads the same data. The
/// snapshot stays valid until ``close()`` (or deinit) ends the transaction, or until the session is lost (a
/// server restart, `pg_terminate_backend`): ``RunSnapshots`` watches it with ``isAlive()`` and replaces it.
///
/// Blocking: create and close it inside ``BlockingIO/run(name:_:)``.
public final class SnapshotHolder: Sendable {
    /// The snapshot id to hand to tasks (`00000003-0000001B-1`).
    public let snapshotID: String
    private let connection: PostgresConnection

    /// Connects, begins `REPEATABLE READ READ ONLY` and exports the snapshot.
    public init(config: PostgresConnectionConfig) throws(SluiceError) {
        var holderConfig = config
        holderConfig.applicationName = Self.applicationName(config.applicationName)
        // The transaction must outlive any statement timeout the tasks use.
        holderConfig.statementTimeoutMilliseconds = nil
        let connection = try PostgresConnection(holderConfig)
        // The session idles in its transaction for the whole run: a server-wide (or role's) idle or transaction
        // timeout would end the snapshot under the run. These settings are the session's own, so any role may set them.
        try connection.execute(Self.sessionSettings(serverVersion: connection.serverVersion))
        try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        let rows = try connection.query("SELECT pg_export_snapshot()")
        guard let id = rows.first?.first ?? nil, Self.isValidID(id) else {
            throw SluiceError(.postgresQuery, "pg_export_snapshot() returned no usable snapshot id")
        }
        self.connection = connection
        self.snapshotID = id
    }

    /// `application_name` of the snapshot's session (`sluice snapshot`), how operators (and tests) find it in
    /// `pg_stat_activity`.
    public static func applicationName(_ base: String) -> String { base + " snapshot" }

    /// What the session sets before it begins: no statement, idle-in-transaction or (PostgreSQL 17+) transaction
    /// timeout. TCP keepalives come from the connection's parameters (``PostgresConnectionConfig/keepaliveIdleSeconds``).
    static func sessionSettings(serverVersion: Int) -> String {
        var settings = ["SET statement_timeout = 0", "SET idle_in_transaction_session_timeout = 0"]
        if serverVersion >= 170_000 { settings.append("SET transaction_timeout = 0") }
        return settings.joined(separator: "; ")
    }

    /// Whether the session still holds the snapshot: one round trip (`SELECT 1`) in its transaction. False when the
    /// connection is gone (the server restarted, the backend was terminated, the network cut it off for longer than
    /// the keepalives allow).
    public func isAlive() -> Bool {
        (try? connection.query("SELECT 1")) != nil
    }

    /// Ends the transaction; the snapshot can no longer be joined afterwards.
    public func close() {
        try? connection.execute("ROLLBACK")
    }

    /// Snapshot ids are hexadecimal words joined by dashes; anything else is refused before it reaches SQL.
    static func isValidID(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 64 && id.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 70) || $0 == 45 }
    }

    /// The snapshot id as a quoted SQL literal, after checking its form.
    static func literal(_ id: String) throws(SluiceError) -> String {
        guard isValidID(id) else { throw SluiceError(.invalidValue, "'\(id)' is not a PostgreSQL snapshot id") }
        return "'" + id + "'"
    }
}
