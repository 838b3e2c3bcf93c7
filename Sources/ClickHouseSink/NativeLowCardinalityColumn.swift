import SluiceCore

/// One `LowCardinality(String)` or `LowCardinality(Nullable(String))` column of a Native block: the distinct values
/// once (the dictionary), then one index per row. Built from a batch's string column before the block is sized.
///
/// The bytes, as ClickHouse's `SerializationLowCardinality` reads a column of a Native block (one dictionary per block,
/// sent with the indexes as "additional keys"; the Native format has no shared dictionary):
///
/// | field | encoding |
/// |---|---|
/// | keys version | UInt64 1 (`SharedDictionariesWithAdditionalKeys`) |
/// | index type and flags (only when rows > 0) | UInt64: 0, 1, 2 for UInt8, UInt16, UInt32 indexes, + 1 << 9 (`HasAdditionalKeysBit`) + 1 << 10 (`NeedUpdateDictionary`) |
/// | number of keys | UInt64 |
/// | keys | each a Native `String` (varint length, bytes) |
/// | number of rows | UInt64 |
/// | indexes | one per row, of the index type, little-endian |
///
/// For `LowCardinality(Nullable(String))` there is no null map: key 0 is the NULL (written as an empty string, which
/// the reader marks NULL), NULL rows point at it, and a non-NULL empty string gets a key of its own.
struct NativeLowCardinalityColumn {
    private static let keysVersion: UInt64 = 1
    private static let hasAdditionalKeys: UInt64 = 1 << 9
    private static let needUpdateDictionary: UInt64 = 1 << 10

    /// The batch's bytes (shared, not copied) and each key's range in them, in order of first appearance.
    private let bytes: [UInt8]
    private var keys: [Range<Int>] = []
    private var indexes: [UInt32] = []
    /// Bytes of the column's data, as ``write(into:)`` writes it.
    private(set) var size = 8

    init(_ arrays: ByteArrays, validity: [Bool]?, nullable: Bool, rows: Int) {
        let bytes = arrays.bytes
        self.bytes = bytes
        guard rows > 0 else { return }
        var positions: [ArraySlice<UInt8>: UInt32] = [:]
        var keys: [Range<Int>] = nullable ? [0..<0] : []
        var indexes: [UInt32] = []
        indexes.reserveCapacity(rows)
        arrays.offsets.withUnsafeBufferPointer { offsets in
            for row in 0..<rows {
                if let validity, !validity[row] {
                    indexes.append(0)  // the NULL key (nullable columns only reach here with a validity)
                    continue
                }
                let range = offsets[row]..<offsets[row + 1]
                let value = bytes[range]
                if let position = positions[value] {
                    indexes.append(position)
                } else {
                    let position = UInt32(keys.count)
                    positions[value] = position
                    keys.append(range)
                    indexes.append(position)
                }
            }
        }
        self.keys = keys
        self.indexes = indexes
        let keyBytes = keys.reduce(0) { $0 + NativeWriter.varintSize(UInt64($1.count)) + $1.count }
        size += 8 + 8 + keyBytes + 8 + rows * indexWidth
    }

    /// 1, 2 or 4 bytes: the narrowest unsigned integer that numbers every key.
    private var indexWidth: Int { keys.count <= 1 << 8 ? 1 : keys.count <= 1 << 16 ? 2 : 4 }

    func write(into writer: inout NativeWriter) {
        writer.integer(Self.keysVersion)
        guard !indexes.isEmpty else { return }  // ClickHouse writes nothing more for an empty column
        let indexType: UInt64 = indexWidth == 1 ? 0 : indexWidth == 2 ? 1 : 2
        writer.integer(indexType | Self.hasAdditionalKeys | Self.needUpdateDictionary)
        writer.integer(UInt64(keys.count))
        bytes.withUnsafeBytes { all in
            for key in keys { writer.string(UnsafeRawBufferPointer(rebasing: all[key])) }
        }
        writer.integer(UInt64(indexes.count))
        switch indexWidth {
        case 1: for index in indexes { writer.integer(UInt8(truncatingIfNeeded: index)) }
        case 2: for index in indexes { writer.integer(UInt16(truncatingIfNeeded: index)) }
        default: for index in indexes { writer.integer(index) }
        }
    }
}
