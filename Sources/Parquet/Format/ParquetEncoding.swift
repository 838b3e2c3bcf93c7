/// A value or level encoding (parquet.thrift `Encoding`). Unknown values read from a file are kept as is.
public struct ParquetEncoding: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let plain = Self(rawValue: 0)
    /// Deprecated spelling of dictionary encoding (Parquet 1.0 writers).
    public static let plainDictionary = Self(rawValue: 2)
    public static let rle = Self(rawValue: 3)
    /// Deprecated MSB-first bit packing of levels.
    public static let bitPacked = Self(rawValue: 4)
    public static let deltaBinaryPacked = Self(rawValue: 5)
    public static let deltaLengthByteArray = Self(rawValue: 6)
    public static let deltaByteArray = Self(rawValue: 7)
    public static let rleDictionary = Self(rawValue: 8)
    public static let byteStreamSplit = Self(rawValue: 9)
    public static let alp = Self(rawValue: 10)

    public var description: String {
        switch rawValue {
        case 0: "PLAIN"
        case 2: "PLAIN_DICTIONARY"
        case 3: "RLE"
        case 4: "BIT_PACKED"
        case 5: "DELTA_BINARY_PACKED"
        case 6: "DELTA_LENGTH_BYTE_ARRAY"
        case 7: "DELTA_BYTE_ARRAY"
        case 8: "RLE_DICTIONARY"
        case 9: "BYTE_STREAM_SPLIT"
        case 10: "ALP"
        default: "ENCODING(\(rawValue))"
        }
    }

    var isDictionary: Bool { self == .plainDictionary || self == .rleDictionary }
}
