public import Logging
import SluiceConfig
public import SluiceCore
public import SluicePipeline

/// PostgreSQL as a ``SluicePipeline/Source``: the driver's side of the connector.
public struct PostgresTableSource: Source {
    public let settings: PostgresSettings
    let connection: PostgresConnectionConfig
    let logger: Logger

    public init(settings: PostgresSettings, logger: Logger) throws(SluiceError) {
        self.settings = settings
        self.connection = try settings.connectionConfig()
        self.logger = logger
    }

    public var summary: String { settings.summary }

    public func check() async throws(SluiceError) -> String {
        let config = connection
        let version = try await BlockingIO.run(name: "sluice.postgres.check") { () throws(SluiceError) -> Int in
            try PostgresConnection(config).serverVersion
        }
        return "PostgreSQL \(version / 10_000).\(version % 10_000)"
    }

    public func discover(_ pattern: String) async throws(SluiceError) -> [DiscoveredTable] {
        let config = connection
        return try await BlockingIO.run(name: "sluice.postgres.discover") { () throws(SluiceError) -> [DiscoveredTable] in
            let discovery = PostgresDiscovery(catalog: PostgresCatalog(try PostgresConnection(config)))
            var tables: [DiscoveredTable] = []
            for table in try discovery.tables(matching: pattern) { tables.append(try discovery.discover(table)) }
            return tables
        }
    }

    public func openRun(consistent: Bool) async throws(SluiceError) -> any SourceRun {
        let (config, failover, logger) = (connection, settings.snapshotFailover, logger)
        let run = try await BlockingIO.run(name: "sluice.postgres.snapshot") { () throws(SluiceError) -> PostgresRun in
            try PostgresRun(config: config, consistent: consistent, failover: failover, logger: logger)
        }
        await run.startWatching(every: .microseconds(settings.snapshotCheckInterval.microseconds))
        return run
    }
}
