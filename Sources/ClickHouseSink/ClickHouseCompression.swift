/// How insert bodies travel to ClickHouse (`sink.clickhouse.compression`): as plain Native, or in blocks of
/// ClickHouse's own compressed stream (``ClickHouseCompressedBlock``) with `decompress=1`, which every server
/// version since long before 18.16 reads. See docs/clickhouse.md, "Compressed inserts", for the measurements
/// behind the default.
public enum ClickHouseCompression: Sendable, Hashable, CustomStringConvertible {
    /// Plain Native: the least CPU on both sides; the most bytes on the network.
    case none
    /// LZ4 blocks: 2.6 times fewer bytes on bench/insert's orders for 0.04 s of CPU per million rows, as fast as
    /// plain on loopback; the default.
    case lz4
    /// zstd blocks at a level (1...22): half LZ4's bytes for 1.5 times its CPU; faster than LZ4 below about 1 Gbit/s.
    case zstd(level: Int32)

    /// ClickHouse's own default level for its ZSTD method.
    public static let defaultZstdLevel: Int32 = 1
    public static let zstdLevels: ClosedRange<Int32> = 1...22
    public static let `default` = ClickHouseCompression.lz4

    /// The block method; nil for plain bodies.
    public var method: ClickHouseCompressedBlock.Method? {
        switch self {
        case .none: nil
        case .lz4: .lz4
        case .zstd: .zstd
        }
    }

    /// `none`, `lz4`, `zstd(3)`.
    public var description: String {
        switch self {
        case .none: "none"
        case .lz4: "lz4"
        case .zstd(let level): "zstd(\(level))"
        }
    }
}
