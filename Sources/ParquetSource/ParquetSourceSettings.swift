import Foundation
import SluiceConfig
import SluiceCore

/// The `source.parquet` section of a pipeline: where the data lake's files are. Each table names a folder (or one
/// file) under it; see ``ParquetTableSpec``.
public struct ParquetSourceSettings: Sendable, Hashable, Decodable {
    /// The lake's root: a local directory (absolute, or relative to the working directory of the process).
    public var root: String
    /// Rows per task: row groups are gathered into tasks of about this many rows; a bigger row group is a task of
    /// its own. Default 1,000,000.
    public var rowsPerTask: Int

    enum CodingKeys: String, CodingKey { case path, rowsPerTask }

    public init(root: String, rowsPerTask: Int = 1_000_000) {
        self.root = root
        self.rowsPerTask = rowsPerTask
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        root = try c.decode(String.self, forKey: .path)
        if root.hasPrefix("s3://") {
            throw DecodingError.dataCorruptedError(
                forKey: .path, in: c,
                debugDescription: "s3:// paths are not read by this build yet (docs/lake.md); give a local directory")
        }
        rowsPerTask = try c.decodeIfPresent(Int.self, forKey: .rowsPerTask) ?? 1_000_000
        guard rowsPerTask >= 1 else {
            throw DecodingError.dataCorruptedError(forKey: .rowsPerTask, in: c, debugDescription: "rows_per_task must be at least 1")
        }
    }

    /// `parquet /data/lake`, for messages.
    public var summary: String { "parquet \(root)" }

    /// Where the lake's files are read from.
    func store() -> any FileStore { LocalFileStore(root: root) }
}
