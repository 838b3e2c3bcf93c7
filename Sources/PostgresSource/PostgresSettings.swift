import Foundation
public import SluiceConfig
public import SluiceCore

/// The `source.postgres` section of a pipeline: how to reach the server. Decoded by this connector from its
/// configuration section, in the environment of the process that connects.
public struct PostgresSettings: Sendable, Hashable, Decodable {
    public var host: String
    /// Default 5432.
    public var port: Int
    public var database: String
    public var user: String
    public var password: PasswordSource
    /// libpq's sslmode; default prefer.
    public var sslmode: PostgresConnectionConfig.SSLMode
    public var sslrootcert: String?
    /// Shown in pg_stat_activity; default "sluice".
    public var applicationName: String
    /// Default 10s.
    public var connectTimeout: ConfigDuration
    /// Per statement of the tasks' COPY sessions and of planning; default 1h, 0s for none. A bound, not a budget: a
    /// partition that takes longer fails every attempt, so size partitions (`rows_per_task`) well below it. The run's
    /// snapshot session never has one.
    public var statementTimeout: ConfigDuration
    /// TCP keepalive idle time of every session (``PostgresConnectionConfig/keepaliveIdleSeconds``); default 30s,
    /// 0s for the operating system's defaults.
    public var tcpKeepalive: ConfigDuration
    /// How often the driver checks that the run's snapshot session is alive; default 5s.
    public var snapshotCheckInterval: ConfigDuration
    /// Whether a lost snapshot is replaced by a new one for the partitions not yet read (docs/postgres.md, "When
    /// the snapshot is lost"); default true. false keeps the one snapshot: every later task then fails.
    public var snapshotFailover: Bool

    enum CodingKeys: String, CodingKey {
        case host, port, database, user, password, passwordFile, sslmode, sslrootcert, applicationName
        case connectTimeout, statementTimeout, tcpKeepalive, snapshotCheckInterval, snapshotFailover
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        host = try c.decode(String.self, forKey: .host)
        port = try c.decodeIfPresent(Int.self, forKey: .port) ?? 5432
        database = try c.decode(String.self, forKey: .database)
        user = try c.decode(String.self, forKey: .user)
        password = PasswordSource(inline: try c.decodeIfPresent(Secret.self, forKey: .password),
                                  file: try c.decodeIfPresent(String.self, forKey: .passwordFile))
        if password.inline != nil && password.file != nil {
            throw DecodingError.dataCorruptedError(forKey: .passwordFile, in: c,
                                                   debugDescription: "give either password or password_file, not both")
        }
        sslmode = try c.decodeIfPresent(PostgresConnectionConfig.SSLMode.self, forKey: .sslmode) ?? .prefer
        sslrootcert = try c.decodeIfPresent(String.self, forKey: .sslrootcert)
        applicationName = try c.decodeIfPresent(String.self, forKey: .applicationName) ?? "sluice"
        connectTimeout = try c.decodeIfPresent(ConfigDuration.self, forKey: .connectTimeout) ?? .seconds(10)
        statementTimeout = try c.decodeIfPresent(ConfigDuration.self, forKey: .statementTimeout) ?? .seconds(3_600)
        tcpKeepalive = try c.decodeIfPresent(ConfigDuration.self, forKey: .tcpKeepalive) ?? .seconds(30)
        snapshotCheckInterval = try c.decodeIfPresent(ConfigDuration.self, forKey: .snapshotCheckInterval) ?? .seconds(5)
        if snapshotCheckInterval.microseconds < 100_000 {
            throw DecodingError.dataCorruptedError(forKey: .snapshotCheckInterval, in: c,
                                                   debugDescription: "check the snapshot at most every 100ms")
        }
        snapshotFailover = try c.decodeIfPresent(Bool.self, forKey: .snapshotFailover) ?? true
    }

    /// libpq settings, with the password resolved in this process (from its environment or a secret file).
    public func connectionConfig() throws(SluiceError) -> PostgresConnectionConfig {
        PostgresConnectionConfig(
            host: host, port: port, database: database, user: user, password: try password.resolve()?.value,
            sslMode: sslmode, sslRootCert: sslrootcert,
            applicationName: applicationName, connectTimeoutSeconds: Int(max(1, connectTimeout.microseconds / 1_000_000)),
            statementTimeoutMilliseconds: Int(statementTimeout.microseconds / 1_000),
            keepaliveIdleSeconds: Int(tcpKeepalive.microseconds / 1_000_000))
    }

    /// `postgres user@host:port/database`, for messages.
    public var summary: String { "postgres \(user)@\(host):\(port)/\(database)" }
}

/// Parsed where the configuration is read, with an error listing the modes.
extension PostgresConnectionConfig.SSLMode: ConfigChoice {}

extension TableConfig {
    /// The source table as PostgreSQL names it.
    public func postgresTable() throws(SluiceError) -> PostgresTableName {
        try PostgresTableName(parsing: source)
    }
}

extension PartitionConfig {
    /// The planner's input for this table's partition settings over `table`, restricted by the predicates
    /// every task shares (filters, soft deletes, the cursor window).
    func plannerInput(table: PostgresTableName, shared: [PostgresPredicate]) -> PartitionPlanInput {
        let strategy: PartitionStrategy
        switch effectiveStrategy {
        case nil: strategy = .single
        case .range?: strategy = column.map { .range(column: $0) } ?? .single
        case .balanced?: strategy = column.map { .balanced(column: $0, quantiles: .automatic) } ?? .single
        case .ctid?: strategy = .blocks
        case .predicates?: strategy = .explicit(predicates)
        }
        let count: PartitionCount = self.count.map { .fixed($0) } ?? .targetRowsPerTask(Int64(rowsPerTask))
        return PartitionPlanInput(table: table, strategy: strategy, count: count, predicates: shared)
    }
}
