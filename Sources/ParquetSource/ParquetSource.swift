public import Logging
import Parquet
import SluiceConfig
public import SluiceCore
public import SluicePipeline

/// The driver's side of `source: {parquet: ...}`: lists a table's files, reads their footers, checks them against the
/// declaration and plans tasks by row group.
public struct ParquetSource: Source {
    public let settings: ParquetSourceSettings
    let store: any FileStore
    let logger: Logger

    public init(settings: ParquetSourceSettings, store: (any FileStore)? = nil, logger: Logger) throws(SluiceError) {
        self.settings = settings
        if let store { self.store = store } else { self.store = try settings.store() }
        self.logger = logger
    }

    public var summary: String { settings.summary }

    public func check() async throws(SluiceError) -> String {
        let files = try await BlockingIO.run { () throws(SluiceError) in try store.list(under: "") }
        let parquet = files.filter { $0.key.hasSuffix(".parquet") }.count
        return "\(files.count) file\(files.count == 1 ? "" : "s"), \(parquet) named *.parquet"
    }

    public func openRun(consistent: Bool) async throws(SluiceError) -> any SourceRun {
        ParquetSourceRun(settings: settings, store: store, logger: logger)
    }
}
