/// The codec the writer compresses pages with. Readers accept more (see ``PageCodec``).
public enum ParquetCompression: Sendable, Hashable, CustomStringConvertible {
    case uncompressed
    /// Snappy (libsnappy): fast, the default, what most writers use.
    case snappy
    /// Zstandard at `level` (1 is what Arrow uses by default; higher is smaller and slower).
    case zstd(level: Int32 = 1)
    /// gzip (zlib) at `level` 1...9.
    case gzip(level: Int32 = 6)

    public static let zstd: ParquetCompression = .zstd()
    public static let gzip: ParquetCompression = .gzip()

    var codec: ParquetCodec {
        switch self {
        case .uncompressed: .uncompressed
        case .snappy: .snappy
        case .zstd: .zstd
        case .gzip: .gzip
        }
    }

    public var description: String {
        switch self {
        case .uncompressed: "uncompressed"
        case .snappy: "snappy"
        case .zstd(let level): "zstd(\(level))"
        case .gzip(let level): "gzip(\(level))"
        }
    }

    /// Parses `uncompressed`/`none`, `snappy`, `zstd[:LEVEL]`, `gzip[:LEVEL]`.
    public init?(parsing text: String) {
        let parts = text.lowercased().split(separator: ":", maxSplits: 1)
        guard let name = parts.first else { return nil }
        let level = parts.count == 2 ? Int32(parts[1]) : nil
        if parts.count == 2 && level == nil { return nil }
        switch name {
        case "uncompressed", "none": self = .uncompressed
        case "snappy": self = .snappy
        case "zstd": self = .zstd(level: level ?? 1)
        case "gzip": self = .gzip(level: level ?? 6)
        default: return nil
        }
    }
}
