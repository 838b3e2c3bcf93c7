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
    /// ClickHouse settings sent with every query as URL parameters.
    public var settings: [String: String]
    /// Default 300s per request.
    public var timeout: ConfigDuration
    /// How insert bodies travel: `compression: none | lz4 | zstd` (default lz4), with `compression_level` for zstd
    /// (1...22, default 1).
    public var compression: ClickHouseCompression

    /// The spellings of `compression`.
    public enum CompressionName: String, Sendable, CaseIterable, ConfigChoice {
        case none, lz4, zstd
    }

    enum CodingKeys: String, CodingKey {
        case url, user, password, passwordFile, database, curatedDatabase, curatedLayer, metadataDatabase, settings, timeout
        case compression, compressionLevel
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
        settings = try c.decodeIfPresent([String: String].self, forKey: .settings) ?? [:]
        timeout = try c.decodeIfPresent(ConfigDuration.self, forKey: .timeout) ?? .seconds(300)
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
        let config = ClickHouseConfig(url: url, user: user, password: try password.resolve()?.value, database: "default",
                                      settings: settings, timeouts: timeouts, compression: compression)
        try config.validate()
        return ClickHouseClient(config: config, logger: logger)
    }

    /// `clickhouse user@host:port`, for messages.
    public var summary: String { "clickhouse \(user)@\(URLText.hostAndPort(url))" }
}
