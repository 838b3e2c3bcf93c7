import Foundation
import Parquet
public import SluiceConfig
import SluiceStorage
public import SluiceCore

/// The `sink.parquet` section of a pipeline: a results folder of Parquet files, one folder per table, optionally split
/// into `key=value` folders by columns (Hive style, which `source: {parquet: ...}`, Spark, pyarrow and chdb read back).
public struct ParquetSinkSettings: Sendable, Hashable, Decodable {
    /// The results folder: a local directory (shared between the driver and the executors) or `s3://bucket/prefix`.
    public var root: String
    /// Where the bucket is, for an `s3://` folder (default AWS in `AWS_REGION`); credentials come from the environment.
    public var s3: S3EndpointSettings?
    /// Columns whose values become folders (`partition_by: [day]` → `orders/day=2026-11-01/part-….parquet`); a table
    /// without one of them is written unpartitioned. The values leave the files, as in Hive and Spark.
    public var partitionBy: [String]
    /// snappy (default), zstd, gzip or none.
    public var compression: String
    /// Rows per row group; default 1,048,576.
    public var rowGroupRows: Int

    enum CodingKeys: String, CodingKey { case path, s3, partitionBy, compression, rowGroupRows }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        root = try c.decode(String.self, forKey: .path)
        s3 = try c.decodeIfPresent(S3EndpointSettings.self, forKey: .s3)
        if root.hasPrefix("s3://") {
            while root.hasSuffix("/") { root.removeLast() }
        } else if s3 != nil {
            throw DecodingError.dataCorruptedError(forKey: .s3, in: c, debugDescription: "s3: settings apply only to an s3:// path")
        }
        partitionBy = try c.decodeIfPresent([String].self, forKey: .partitionBy) ?? []
        compression = try c.decodeIfPresent(String.self, forKey: .compression) ?? "snappy"
        guard Self.codec(compression) != nil else {
            throw DecodingError.dataCorruptedError(forKey: .compression, in: c,
                                                   debugDescription: "compression must be snappy, zstd, gzip or none, not '\(compression)'")
        }
        rowGroupRows = try c.decodeIfPresent(Int.self, forKey: .rowGroupRows) ?? 1 << 20
        guard rowGroupRows >= 1 else {
            throw DecodingError.dataCorruptedError(forKey: .rowGroupRows, in: c, debugDescription: "row_group_rows must be at least 1")
        }
    }

    /// The files of the results folder, through the store staging uses (a directory, or a bucket).
    func store() throws(SluiceError) -> any StagingStore {
        try StagingConfig(directory: root, s3: s3).store()
    }

    static func codec(_ name: String) -> ParquetCompression? {
        switch name {
        case "snappy": .snappy
        case "zstd": .zstd()
        case "gzip": .gzip()
        case "none": .uncompressed
        default: nil
        }
    }
}
