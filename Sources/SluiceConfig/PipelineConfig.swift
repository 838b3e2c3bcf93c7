import Foundation
public import SluiceCore

/// A whole pipeline: where rows come from, where they go, how they are staged, and which tables to move.
/// Loaded by ``PipelineLoader``; every default is documented on its property.
public struct PipelineConfig: Sendable, Decodable {
    /// A short name for the pipeline, used in logs and run ids.
    public var pipeline: String
    /// The source connector's settings (`source: {postgres: {...}}`), read by that connector.
    public var source: ConnectorSection
    /// The sink connector's settings (`sink: {clickhouse: {...}}`), read by that connector.
    public var sink: ConnectorSection
    public var staging: StagingConfig
    /// Run behaviour (retries, heartbeats, batch size); every field has a default.
    public var run: RunSettings
    /// The tables to move, in order. Tables may also come from `tables_dir` (one file per table).
    public var tables: [TableConfig]
    /// The directory of the table files (`tables_dir`, resolved against the configuration file), if any.
    public var tablesDirectory: String?

    enum CodingKeys: String, CodingKey { case pipeline, source, sink, staging, run, tables, tablesDir }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        pipeline = try container.decode(String.self, forKey: .pipeline)
        source = try container.decode(ConnectorSection.self, forKey: .source)
        sink = try container.decode(ConnectorSection.self, forKey: .sink)
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

/// A password given inline (usually as `${ENV_VAR}`) or as a file to read (a mounted Kubernetes secret).
/// Connectors decode it from a `password` and a `password_file` key of their settings.
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

/// Where Parquet shards are written: `<directory>/<run>/<table>/part-<partition>.parquet`.
public struct StagingConfig: Sendable, Hashable, Codable {
    /// How shards are compressed.
    public enum Compression: String, Sendable, Hashable, Codable, ConfigChoice {
        case snappy, zstd, none
    }

    /// A local directory (or a volume every executor mounts at the same path), or `s3://bucket/prefix`: then shards
    /// and manifests live in the bucket and executors need no shared disk.
    public var directory: String
    /// Where the bucket is, when ``directory`` is `s3://...` (default AWS in `AWS_REGION`). Credentials are never
    /// here: they come from each process's environment.
    public var s3: S3EndpointSettings?
    /// Default snappy.
    public var compression: Compression
    /// Keep shards after a successful load (default true: they are the run's staging layer).
    public var keepShards: Bool
    /// How many runs' directories stay in staging (default 5); older ones are deleted when a run ends.
    public var keepRuns: Int

    public init(directory: String, s3: S3EndpointSettings? = nil, compression: Compression = .snappy, keepShards: Bool = true,
                keepRuns: Int = 5) {
        self.directory = directory
        self.s3 = s3
        self.compression = compression
        self.keepShards = keepShards
        self.keepRuns = keepRuns
    }

    enum CodingKeys: String, CodingKey { case directory, s3, compression, keepShards, keepRuns }

    /// Whether staging is in an S3 bucket.
    public var isInBucket: Bool { directory.hasPrefix("s3://") }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        directory = try c.decode(String.self, forKey: .directory)
        s3 = try c.decodeIfPresent(S3EndpointSettings.self, forKey: .s3)
        if directory.hasPrefix("s3://") {
            guard directory.dropFirst(5).prefix(while: { $0 != "/" }).isEmpty == false else {
                throw DecodingError.dataCorruptedError(forKey: .directory, in: c, debugDescription: "an s3:// staging directory names a bucket: s3://bucket/prefix")
            }
            // Keys are joined with "/": a trailing one would make empty path segments.
            while directory.hasSuffix("/") { directory.removeLast() }
        } else if s3 != nil {
            throw DecodingError.dataCorruptedError(forKey: .s3, in: c, debugDescription: "s3: settings apply only to an s3:// staging directory")
        }
        compression = try c.decodeIfPresent(Compression.self, forKey: .compression) ?? .snappy
        keepShards = try c.decodeIfPresent(Bool.self, forKey: .keepShards) ?? true
        keepRuns = try c.decodeIfPresent(Int.self, forKey: .keepRuns) ?? 5
        guard keepRuns >= 1 else {
            throw DecodingError.dataCorruptedError(forKey: .keepRuns, in: c, debugDescription: "keep_runs must be at least 1 (the run that just ended)")
        }
    }
}

/// Where an S3 bucket is: `s3: {endpoint: "http://127.0.0.1:9000", region: us-east-1, addressing: path}`.
public struct S3EndpointSettings: Sendable, Hashable, Codable {
    /// `http(s)://host[:port]`; default AWS's endpoint for ``region``.
    public var endpoint: String?
    /// Default `AWS_REGION`, then `AWS_DEFAULT_REGION`, else `us-east-1`.
    public var region: String?
    /// `auto` (default), `path` or `virtual`.
    public var addressing: String?

    public init(endpoint: String? = nil, region: String? = nil, addressing: String? = nil) {
        self.endpoint = endpoint
        self.region = region
        self.addressing = addressing
    }

    enum CodingKeys: String, CodingKey { case endpoint, region, addressing }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        endpoint = try c.decodeIfPresent(String.self, forKey: .endpoint)
        region = try c.decodeIfPresent(String.self, forKey: .region)
        addressing = try c.decodeIfPresent(String.self, forKey: .addressing)
        if let addressing, !["auto", "path", "virtual"].contains(addressing) {
            throw DecodingError.dataCorruptedError(forKey: .addressing, in: c, debugDescription: "addressing must be auto, path or virtual")
        }
    }
}

/// How a run behaves.
public struct RunSettings: Sendable, Decodable {
    /// How many times a failed task is retried (default 3, so at most 4 attempts). Only retryable failures are
    /// retried (a connection, a server restarting or overloaded, a timeout); configuration, schema, permission, SQL
    /// and data errors fail the table at their first attempt.
    public var retries: Int
    /// The wait before a task's first retry (default 5s); each further retry of the task waits twice as long, up to
    /// ``retryBackoffMax``, and every wait is lengthened by a random 0-25 % so that tasks which failed together do not
    /// come back together. With the defaults the waits are 5, 10 and 20 s: 35 s at least before the last attempt, so
    /// a ClickHouse or PostgreSQL outage of 20-30 s is outlasted (docs/ARCHITECTURE.md, "Retries and failures").
    public var retryBackoff: ConfigDuration
    /// The longest wait between two attempts of a task, before jitter (default 30s); below ``retryBackoff`` it counts
    /// as ``retryBackoff``.
    public var retryBackoffMax: ConfigDuration
    /// An executor whose attempts fail this many times in a row, while other executors complete theirs, gets no more
    /// tasks this run (default 3; 0: never).
    public var excludeExecutorAfter: Int
    /// How often driver and executors send heartbeats (default 2s).
    public var heartbeatInterval: ConfigDuration
    /// An executor silent this long is declared dead and its tasks are retried elsewhere (default 10s).
    public var executorTimeout: ConfigDuration
    /// Rows per column batch while extracting (default 65536); the executor's memory budget ends a batch sooner when
    /// its rows are wide.
    public var batchRows: Int
    /// The memory budget of each executor (default: the executor's own `--memory`, 512MiB unless given): divided among
    /// its slots, it bounds by bytes the extraction batches, the Parquet shards' row groups and the insert blocks
    /// (``SluiceCore/MemoryBudget``). `sluice run --local N` starts its executors with it; an executor started on its
    /// own takes the smaller of this and its `--memory`, so a run can ask a pod for less than its limit, never more.
    public var executorMemory: ConfigMemorySize?
    /// How long the driver waits for the first executor (default 60s).
    public var executorWait: ConfigDuration
    /// The longest a run may take; then its unfinished tables fail and keep their bookmarks (default none). A hung
    /// server then costs one run, not the schedule.
    public var timeout: ConfigDuration?
    /// An attempt that reports no progress (rows read, rows loaded) for this long is cancelled and fails, retryably,
    /// with `task_stalled` (default 10m; 0: never). Heartbeats keep an executor's connection alive, not a stuck task.
    public var taskStallTimeout: ConfigDuration
    /// At most this many tables have tasks running at once, in configuration order; the next starts when one ends
    /// (default: every table at once).
    public var maxParallelTables: Int?
    /// The first table that fails fails the rest of the run: their running attempts are cancelled and they keep
    /// their bookmarks (default false: the other tables carry on).
    public var failFast: Bool
    /// Speculative copies of slow attempts (default off).
    public var speculation: SpeculationConfig

    public init() {
        retries = 3
        retryBackoff = .seconds(5)
        retryBackoffMax = .seconds(30)
        excludeExecutorAfter = 3
        heartbeatInterval = .seconds(2)
        executorTimeout = .seconds(10)
        batchRows = 65_536
        executorWait = .seconds(60)
        taskStallTimeout = .seconds(600)
        failFast = false
        speculation = SpeculationConfig()
    }

    enum CodingKeys: String, CodingKey {
        case retries, retryBackoff, retryBackoffMax, excludeExecutorAfter, heartbeatInterval, executorTimeout, batchRows, executorMemory
        case executorWait, timeout
        case taskStallTimeout, maxParallelTables, failFast, speculation
    }

    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        retries = try c.decodeIfPresent(Int.self, forKey: .retries) ?? retries
        retryBackoff = try c.decodeIfPresent(ConfigDuration.self, forKey: .retryBackoff) ?? retryBackoff
        retryBackoffMax = try c.decodeIfPresent(ConfigDuration.self, forKey: .retryBackoffMax) ?? retryBackoffMax
        excludeExecutorAfter = try c.decodeIfPresent(Int.self, forKey: .excludeExecutorAfter) ?? excludeExecutorAfter
        heartbeatInterval = try c.decodeIfPresent(ConfigDuration.self, forKey: .heartbeatInterval) ?? heartbeatInterval
        executorTimeout = try c.decodeIfPresent(ConfigDuration.self, forKey: .executorTimeout) ?? executorTimeout
        batchRows = try c.decodeIfPresent(Int.self, forKey: .batchRows) ?? batchRows
        executorMemory = try c.decodeIfPresent(ConfigMemorySize.self, forKey: .executorMemory)
        executorWait = try c.decodeIfPresent(ConfigDuration.self, forKey: .executorWait) ?? executorWait
        timeout = try c.decodeIfPresent(ConfigDuration.self, forKey: .timeout)
        if let timeout, timeout.microseconds <= 0 {
            throw DecodingError.dataCorruptedError(forKey: .timeout, in: c, debugDescription: "timeout must be a positive duration (30m, 2h)")
        }
        taskStallTimeout = try c.decodeIfPresent(ConfigDuration.self, forKey: .taskStallTimeout) ?? taskStallTimeout
        maxParallelTables = try c.decodeIfPresent(Int.self, forKey: .maxParallelTables)
        if let maxParallelTables, maxParallelTables < 1 {
            throw DecodingError.dataCorruptedError(forKey: .maxParallelTables, in: c, debugDescription: "max_parallel_tables must be at least 1")
        }
        failFast = try c.decodeIfPresent(Bool.self, forKey: .failFast) ?? failFast
        speculation = try c.decodeIfPresent(SpeculationConfig.self, forKey: .speculation) ?? speculation
    }
}

import Foundation
