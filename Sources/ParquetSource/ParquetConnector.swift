import Logging
import SluiceConfig
import SluiceCore
public import SluicePipeline

/// The Parquet files source connector, registered under `source: {parquet: ...}`.
public enum ParquetConnector {
    public static let source = SourceConnector(
        kind: ParquetReadSpec.kind,
        makeSource: { (section, logger) throws(SluiceError) in
            try ParquetSource(settings: try section.decode(ParquetSourceSettings.self), logger: logger)
        },
        makeReader: { (section, logger) throws(SluiceError) in
            try ParquetPartitionReader(settings: try section.decode(ParquetSourceSettings.self), logger: logger)
        })
}
