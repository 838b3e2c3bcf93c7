import Foundation
public import S3
public import SluiceConfig
public import SluiceCore

/// The `source.parquet` section of a pipeline: where the data lake's files are. Each table names a folder (or one
/// file) under it; see ``ParquetTableSpec``.
public struct ParquetSourceSettings: Sendable, Hashable, Decodable {
    /// The lake's root: a local directory (absolute, or relative to the working directory of the process), or
    /// `s3://bucket/prefix/`.
    public var root: String
    /// How to reach the bucket of an `s3://` root; credentials come from the environment (docs/s3.md).
    public var s3: S3EndpointSettings?
    /// Rows per task: row groups are gathered into tasks of about this many rows; a bigger row group is a task of
    /// its own. Default 1,000,000.
    public var rowsPerTask: Int

    enum CodingKeys: String, CodingKey { case path, rowsPerTask, s3 }

    public init(root: String, rowsPerTask: Int = 1_000_000, s3: S3EndpointSettings? = nil) {
        self.root = root
        self.rowsPerTask = rowsPerTask
        self.s3 = s3
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        root = try c.decode(String.self, forKey: .path)
        s3 = try c.decodeIfPresent(S3EndpointSettings.self, forKey: .s3)
        if let s3 {
            do {
                _ = try s3.validatedEndpoint(region: s3.region ?? "us-east-1")
            } catch {
                throw DecodingError.dataCorruptedError(forKey: .s3, in: c, debugDescription: error.message)
            }
        }
        if root.hasPrefix("s3://"), S3URL(root) == nil {
            throw DecodingError.dataCorruptedError(forKey: .path, in: c, debugDescription: "'\(root)' is not s3://bucket/prefix")
        }
        rowsPerTask = try c.decodeIfPresent(Int.self, forKey: .rowsPerTask) ?? 1_000_000
        guard rowsPerTask >= 1 else {
            throw DecodingError.dataCorruptedError(forKey: .rowsPerTask, in: c, debugDescription: "rows_per_task must be at least 1")
        }
    }

    /// `parquet /data/lake`, for messages.
    public var summary: String { "parquet \(root)" }

    /// Where the lake's files are read from: a local directory, or a bucket (the client built from ``s3`` and this
    /// process's environment).
    public func store() throws(SluiceError) -> any FileStore {
        guard let url = S3URL(root) else { return LocalFileStore(root: root) }
        return S3FileStore(client: try (s3 ?? S3EndpointSettings()).client(), bucket: url.bucket,
                           prefix: url.key.isEmpty || url.key.hasSuffix("/") ? url.key : url.key + "/")
    }
}
