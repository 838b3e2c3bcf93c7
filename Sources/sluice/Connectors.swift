import ClickHouseSink
import ParquetSink
import ParquetSource
import PostgresSource
import SluicePipeline

extension ConnectorRegistry {
    /// The connectors this binary ships: register a new source or sink here, and nowhere else.
    static let builtIn = ConnectorRegistry(sources: [PostgresConnector.source, ParquetConnector.source], sinks: [ClickHouseConnector.sink, ParquetSinkConnector.sink])
}
