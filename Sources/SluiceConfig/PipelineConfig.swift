public import SluiceCore

/// A whole pipeline: where rows come from, where they go, how they are staged, and which tables to move.
/// Loaded by ``PipelineLoader``; every default is documented on its property.
public struct PipelineConfig: Sendable, Decodable {
    /// A short name for the pipeline, used in logs and run ids.
    public var pipeline: String
    public var source: SourceConfig
    public var sink: SinkConfig
    public var staging: StagingConfig
    /// Run behaviour (retries, heartbeats, batch size); every field has a default.
    public var run: RunSettings
    /// The tables to move, in order. Tables may also come from `tables_dir` (one file per table).
    public var tables: [TableConfig]

    enum CodingKeys: String, CodingKey { case pipeline, source, sink, staging, run, tables, tablesDir }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        pipeline = try container.decode(String.self, forKey: .pipeline)
        source = try container.decode(SourceConfig.self, forKey: .source)
        sink = try container.decode(SinkConfig.self, forKey: .sink)
        staging = try container.decode(StagingConfig.self, forKey: .staging)
        run = try container.decodeIfPresent(RunSettings.self, forKey: .run) ?? RunSettings()
        tables = try container.decodeIfPresent([TableConfig].self, forKey: .tables) ?? []
        _ = container.contains(.tablesDir)  // read by the loader, before decoding
    }

    /// The table named `name`.
    public func table(named name: String) -> TableConfig? {
        tables.first { $0.name == name }
    }
}

/// Where rows come from. One source kind per pipeline.
public struct SourceConfig: Sendable, Decodable {
    public var postgres: PostgresSourceConfig
}

/// Where rows go.
public struct SinkConfig: Sendable, Decodable {
    public var clickhouse: ClickHouseSinkConfig
}

/// A password given inline (usually as `${ENV_VAR}`) or as a file to read (a mounted Kubernetes secret).
public struct PasswordSource: Sendable, Hashable {
    public var inline: Secret?
    public var file: String?

    public init(inline: Secret? = nil, file: String? = nil) {
        self.inline = inline
        self.file = file
    }

    /// The password, read from the file if one is named (one trailing newline trimmed).
    public func resolve() throws(SluiceError) -> Secret? {
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw SluiceError(.configSecret, "cannot read the password file \(file)")
            }
            var text = String(decoding: data, as: UTF8.self)
            if text.hasSuffix("\n") { text.removeLast() }
            if text.hasSuffix("\r") { text.removeLast() }
            return Secret(text)
        }
        return inline
    }
}

/// PostgreSQL connection settings.
public struct PostgresSourceConfig: Sendable, Decodable {
    public var host: String
    /// Default 5432.
    public var port: Int
    public var database: String
    public var user: String
    public var password: PasswordSource
    /// libpq's sslmode: disable, allow, prefer (default), require, verify-ca, verify-full.
    public var sslmode: String
    public var sslrootcert: String?
    /// Shown in pg_stat_activity; default "sluice".
    public var applicationName: String
    /// Default 10s.
    public var connectTimeout: ConfigDuration
    /// Per statement, including each COPY; none by default.
    public var statementTimeout: ConfigDuration?

    enum CodingKeys: String, CodingKey {
        case host, port, database, user, password, passwordFile, sslmode, sslrootcert, applicationName
        case connectTimeout, statementTimeout
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        host = try c.decode(String.self, forKey: .host)
        port = try c.decodeIfPresent(Int.self, forKey: .port) ?? 5432
        database = try c.decode(String.self, forKey: .database)
        user = try c.decode(String.self, forKey: .user)
        password = PasswordSource(inline: try c.decodeIfPresent(Secret.self, forKey: .password),
                                  file: try c.decodeIfPresent(String.self, forKey: .passwordFile))
        sslmode = try c.decodeIfPresent(String.self, forKey: .sslmode) ?? "prefer"
        sslrootcert = try c.decodeIfPresent(String.self, forKey: .sslrootcert)
        applicationName = try c.decodeIfPresent(String.self, forKey: .applicationName) ?? "sluice"
        connectTimeout = try c.decodeIfPresent(ConfigDuration.self, forKey: .connectTimeout) ?? .seconds(10)
        statementTimeout = try c.decodeIfPresent(ConfigDuration.self, forKey: .statementTimeout)
    }
}

/// ClickHouse over its HTTP interface.
public struct ClickHouseSinkConfig: Sendable, Decodable {
    /// `http://host:8123` (or https).
    public var url: String
    /// Default "default".
    public var user: String
    public var password: PasswordSource
    /// The clean layer's database; default "clean".
    public var database: String
    /// Where bookmarks live (`<metadata_database>.cdc_state`); default "etl_metadata".
    public var metadataDatabase: String
    /// ClickHouse settings sent with every query as URL parameters.
    public var settings: [String: String]
    /// Default 300s per insert.
    public var timeout: ConfigDuration

    enum CodingKeys: String, CodingKey {
        case url, user, password, passwordFile, database, metadataDatabase, settings, timeout
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        url = try c.decode(String.self, forKey: .url)
        user = try c.decodeIfPresent(String.self, forKey: .user) ?? "default"
        password = PasswordSource(inline: try c.decodeIfPresent(Secret.self, forKey: .password),
                                  file: try c.decodeIfPresent(String.self, forKey: .passwordFile))
        database = try c.decodeIfPresent(String.self, forKey: .database) ?? "clean"
        metadataDatabase = try c.decodeIfPresent(String.self, forKey: .metadataDatabase) ?? "etl_metadata"
        settings = try c.decodeIfPresent([String: String].self, forKey: .settings) ?? [:]
        timeout = try c.decodeIfPresent(ConfigDuration.self, forKey: .timeout) ?? .seconds(300)
    }
}

/// Where Parquet shards are written: `<directory>/<run>/<table>/part-<partition>.parquet`.
public struct StagingConfig: Sendable, Decodable {
    public var directory: String
    /// snappy (default), zstd or none.
    public var compression: String
    /// Keep shards after a successful load (default true: they are the run's staging layer).
    public var keepShards: Bool

    public static let compressions = ["snappy", "zstd", "none"]

    enum CodingKeys: String, CodingKey { case directory, compression, keepShards }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        directory = try c.decode(String.self, forKey: .directory)
        compression = try c.decodeIfPresent(String.self, forKey: .compression) ?? "snappy"
        keepShards = try c.decodeIfPresent(Bool.self, forKey: .keepShards) ?? true
    }
}

/// How a run behaves.
public struct RunSettings: Sendable, Decodable {
    /// How many times a failed task is retried (default 3, so at most 4 attempts).
    public var retries: Int
    /// How often driver and executors send heartbeats (default 2s).
    public var heartbeatInterval: ConfigDuration
    /// An executor silent this long is declared dead and its tasks are retried elsewhere (default 10s).
    public var executorTimeout: ConfigDuration
    /// Rows per column batch while extracting (default 65536).
    public var batchRows: Int
    /// How long the driver waits for the first executor (default 60s).
    public var executorWait: ConfigDuration

    public init() {
        retries = 3
        heartbeatInterval = .seconds(2)
        executorTimeout = .seconds(10)
        batchRows = 65_536
        executorWait = .seconds(60)
    }

    enum CodingKeys: String, CodingKey { case retries, heartbeatInterval, executorTimeout, batchRows, executorWait }

    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        retries = try c.decodeIfPresent(Int.self, forKey: .retries) ?? retries
        heartbeatInterval = try c.decodeIfPresent(ConfigDuration.self, forKey: .heartbeatInterval) ?? heartbeatInterval
        executorTimeout = try c.decodeIfPresent(ConfigDuration.self, forKey: .executorTimeout) ?? executorTimeout
        batchRows = try c.decodeIfPresent(Int.self, forKey: .batchRows) ?? batchRows
        executorWait = try c.decodeIfPresent(ConfigDuration.self, forKey: .executorWait) ?? executorWait
    }
}

import Foundation
