import Logging
import SluiceConfig
import SluiceCore
public import SluicePipeline

/// The PostgreSQL source connector, registered under `source: {postgres: ...}`.
public enum PostgresConnector {
    public static let source = SourceConnector(
        kind: PostgresReadSpec.kind,
        makeSource: { (section, logger) throws(SluiceError) in
            try PostgresTableSource(settings: try section.decode(PostgresSettings.self), logger: logger)
        },
        makeReader: { (section, logger) throws(SluiceError) in
            try PostgresPartitionReader(settings: try section.decode(PostgresSettings.self), logger: logger)
        })
}
