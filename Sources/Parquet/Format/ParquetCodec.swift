/// The compression codec of a column chunk (parquet.thrift `CompressionCodec`).
public struct ParquetCodec: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let uncompressed = Self(rawValue: 0)
    public static let snappy = Self(rawValue: 1)
    public static let gzip = Self(rawValue: 2)
    public static let lzo = Self(rawValue: 3)
    public static let brotli = Self(rawValue: 4)
    /// Deprecated: Hadoop-framed LZ4 blocks (or, from old Arrow writers, one raw LZ4 block).
    public static let lz4 = Self(rawValue: 5)
    public static let zstd = Self(rawValue: 6)
    /// One raw LZ4 block per page.
    public static let lz4Raw = Self(rawValue: 7)

    public var description: String {
        switch rawValue {
        case 0: "UNCOMPRESSED"
        case 1: "SNAPPY"
        case 2: "GZIP"
        case 3: "LZO"
        case 4: "BROTLI"
        case 5: "LZ4"
        case 6: "ZSTD"
        case 7: "LZ4_RAW"
        default: "CODEC(\(rawValue))"
        }
    }
}
