import HTTPTransport
public import Logging
public import SluiceConfig
public import SluiceCore

/// The `sink.clickhouse` section of a pipeline. Decoded by this connector from its configuration section, in
/// the environment of the process that connects.
public struct ClickHouseSettings: Sendable, Hashable, Decodable {
    /// `http://host:8123` (or https).
    public var url: String
    /// Default "default".
    public var user: String
    public var password: PasswordSource
    /// The clean layer's database; default "clean".
    public var database: String
    /// The curated layer's database; default "curated".
    public var curatedDatabase: String
    /// False: no table gets a curated layer (each table's `curated` section decides otherwise). Default true.
    public var curatedLayer: Bool
    /// Where bookmarks live (`<metadata_database>.cdc_state`); default "etl_metadata".
    public var metadataDatabase: String
    /// A task that staged fewer rows than this is not attached on its own: at the end of the table its rows join
    /// the other small tasks' in one insert, so a run of many small tasks adds one part, not one per task.
    /// Default 100,000; 0 attaches every task on its own.
    public var gatherTasksBelowRows: UInt64
    /// ClickHouse settings sent with every query as URL parameters.
    public var settings: [String: String]
    /// A PEM file of the CA certificates an `https` server's certificate must chain to, instead of the system's.
    public var caFile: String?
    /// Default 300s. An insert fails when no byte moves either way for this long (libcurl's low-speed limit of
    /// 1 byte/s over `timeout`), however long a big shard takes while it moves; any other request fails when it
    /// takes longer than this as a whole.
    public var timeout: ConfigDuration
    /// Which column types the clean and curated layers get: chosen from the server's version (`auto`, the default)
    /// or pinned (`legacy`, `modern`). The metadata tables keep their types on every server.
    public var typeMapping: ClickHouseTypeMappingChoice

    /// How insert bodies travel: `compression: none | lz4 | zstd` (default lz4), with `compression_level` for zstd
    /// (1...22, default 1).
    public var compression: ClickHouseCompression

    /// The spellings of `compression`.
    public enum CompressionName: String, Sendable, CaseIterable, ConfigChoice {
        case none, lz4, zstd
    }

    enum CodingKeys: String, CodingKey {
        case url, user, password, passwordFile, database, curatedDatabase, curatedLayer, metadataDatabase, settings, timeout
        case gatherTasksBelowRows = "gatherTasksBelow"
        case typeMapping, caFile, compression, compressionLevel
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        url = try c.decode(String.self, forKey: .url)
        user = try c.decodeIfPresent(String.self, forKey: .user) ?? "default"
        password = PasswordSource(inline: try c.decodeIfPresent(Secret.self, forKey: .password),
                                  file: try c.decodeIfPresent(String.self, forKey: .passwordFile))
        if password.inline != nil && password.file != nil {
            throw DecodingError.dataCorruptedError(forKey: .passwordFile, in: c,
                                                   debugDescription: "give either password or password_file, not both")
        }
        database = try c.decodeIfPresent(String.self, forKey: .database) ?? "clean"
        metadataDatabase = try c.decodeIfPresent(String.self, forKey: .metadataDatabase) ?? "etl_metadata"
        curatedDatabase = try c.decodeIfPresent(String.self, forKey: .curatedDatabase) ?? "curated"
        curatedLayer = try c.decodeIfPresent(Bool.self, forKey: .curatedLayer) ?? true
        gatherTasksBelowRows = try c.decodeIfPresent(UInt64.self, forKey: .gatherTasksBelowRows) ?? 100_000
        settings = try c.decodeIfPresent([String: String].self, forKey: .settings) ?? [:]
        timeout = try c.decodeIfPresent(ConfigDuration.self, forKey: .timeout) ?? .seconds(300)
        typeMapping = try c.decodeIfPresent(ClickHouseTypeMappingChoice.self, forKey: .typeMapping) ?? .auto
        caFile = try c.decodeIfPresent(String.self, forKey: .caFile)
        let level = try c.decodeIfPresent(Int32.self, forKey: .compressionLevel)
        let name = try c.decodeIfPresent(CompressionName.self, forKey: .compression)
        if let level {
            guard name == .zstd else {
                throw DecodingError.dataCorruptedError(forKey: .compressionLevel, in: c,
                                                       debugDescription: "compression_level applies to compression: zstd only")
            }
            guard ClickHouseCompression.zstdLevels.contains(level) else {
                throw DecodingError.dataCorruptedError(forKey: .compressionLevel, in: c, debugDescription:
                    "zstd levels are \(ClickHouseCompression.zstdLevels.lowerBound) to \(ClickHouseCompression.zstdLevels.upperBound)")
            }
        }
        switch name {
        case nil: compression = .default
        case .none?: compression = .none
        case .lz4?: compression = .lz4
        case .zstd?: compression = .zstd(level: level ?? ClickHouseCompression.defaultZstdLevel)
        }
        let lowered = url.lowercased()
        guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://"), !url.contains("?") else {
            throw DecodingError.dataCorruptedError(forKey: .url, in: c, debugDescription:
                "'\(URLText.redacted(url))' is not an http:// or https:// URL without a query (give settings under `settings:`)")
        }
    }

    /// A client for this sink, with the password resolved in this process. Its session database is `default`:
    /// Sluice always names databases explicitly, and the clean database may not exist yet.
    public func client(logger: Logger) throws(SluiceError) -> ClickHouseClient {
        var timeouts = HTTPTimeouts()
        timeouts.total = .microseconds(timeout.microseconds)
        var config = ClickHouseConfig(url: url, user: user, password: try password.resolve()?.value, database: "default",
                                      settings: settings, timeouts: timeouts, tls: HTTPTLSOptions(caFile: caFile),
                                      compression: compression)
        config.insertTimeouts = ClickHouseConfig.insertTimeouts(inactivity: .microseconds(timeout.microseconds))
        try config.validate()
        return ClickHouseClient(config: config, logger: logger)
    }

    /// `clickhouse user@host:port`, for messages.
    public var summary: String { "clickhouse \(user)@\(URLText.hostAndPort(url))" }
}
