import SluiceConfig
import SluiceCore
public import SluicePipeline

/// The ClickHouse sink connector, registered under `sink: {clickhouse: ...}`.
public enum ClickHouseConnector {
    public static let sink = SinkConnector(
        kind: ClickHouseTarget.kind,
        makeSink: { (section, logger) throws(SluiceError) in
            try ClickHouseWarehouse(settings: try section.decode(ClickHouseSettings.self), logger: logger)
        },
        makeWriter: { (section, logger) throws(SluiceError) in
            try ClickHouseStageWriter(settings: try section.decode(ClickHouseSettings.self), logger: logger)
        })
}
