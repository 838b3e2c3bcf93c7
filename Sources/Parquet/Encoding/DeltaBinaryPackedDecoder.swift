import SluiceCore

/// Decoder of DELTA_BINARY_PACKED (Encodings.md, "Delta Encoding"): a header (block size, miniblocks per
/// block, value count, first value), then blocks of a zigzag min delta, one bit width per miniblock and the
/// bit-packed miniblocks. Arithmetic wraps, as the spec requires; INT32 columns truncate the result.
struct DeltaBinaryPackedDecoder {
    private let base: UnsafeRawPointer
    private let end: Int
    private var position = 0
    let totalCount: Int
    private let blockSize: Int
    private let miniblocks: Int
    private let valuesPerMiniblock: Int
    private var last: UInt64
    private var emittedFirst = false
    private var produced = 0
    // Current block state.
    private var minDelta: UInt64 = 0
    private var widths: [UInt8] = []
    private var inBlock = false
    private var miniblockIndex = 0
    private var miniblockRemaining = 0
    private var miniblockStart = 0
    private var miniblockBytes = 0
    private var miniblockOffset = 0
    private var scratch: [UInt64] = []

    /// Widest miniblock allowed: 32 for INT32 columns (and lengths), 64 for INT64.
    private let maxWidth: Int

    /// Parses the header. `maxValues` bounds the declared value count (the page's value count).
    init(_ bytes: UnsafeRawBufferPointer, maxValues: Int, maxWidth: Int = 64) throws(SluiceError) {
        self.maxWidth = maxWidth
        base = bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
        end = bytes.count
        var reader = VarintReader(base: base, end: end)
        let blockSize = try reader.unsigned()
        let miniblocks = try reader.unsigned()
        let total = try reader.unsigned()
        let first = try reader.unsigned()
        guard blockSize > 0, blockSize % 128 == 0, blockSize <= 1 << 16, miniblocks > 0, blockSize % miniblocks == 0,
              (blockSize / miniblocks) % 32 == 0
        else {
            throw ParquetError.corrupt("DELTA_BINARY_PACKED header has block size \(blockSize) with \(miniblocks) miniblocks")
        }
        guard total <= UInt64(maxValues) else {
            throw ParquetError.corrupt("DELTA_BINARY_PACKED data declares \(total) values where the page has \(maxValues)")
        }
        self.blockSize = Int(blockSize)
        self.miniblocks = Int(miniblocks)
        valuesPerMiniblock = Int(blockSize / miniblocks)
        totalCount = Int(total)
        last = (first >> 1) ^ (0 &- (first & 1))
        position = reader.position
        widths = Array(repeating: 0, count: self.miniblocks)
        scratch = Array(repeating: 0, count: valuesPerMiniblock)
    }

    /// Bytes consumed so far; after all values were decoded, where the data that follows starts.
    var consumed: Int { position }

    /// Decodes the next `count` values (wrapping 64-bit) into `out`.
    mutating func decode(into out: UnsafeMutablePointer<UInt64>, count: Int) throws(SluiceError) {
        guard count <= totalCount - produced else {
            throw ParquetError.corrupt("DELTA_BINARY_PACKED data holds \(totalCount) values, \(produced + count) wanted")
        }
        var filled = 0
        if !emittedFirst && filled < count {
            out[0] = last
            emittedFirst = true
            filled = 1
            produced += 1
        }
        while filled < count {
            if miniblockRemaining == 0 { try nextMiniblock() }
            let n = min(miniblockRemaining, count - filled)
            let width = Int(widths[miniblockIndex])
            try scratch.withUnsafeMutableBufferPointer { (buffer) throws(SluiceError) in
                BitPacking.unpack64(base + miniblockStart, sourceCount: miniblockBytes, startBit: miniblockOffset * width,
                                    width: width, count: n, into: buffer.baseAddress!)
            }
            var value = last
            let delta = minDelta
            scratch.withUnsafeBufferPointer { buffer in
                for k in 0..<n {
                    value = value &+ delta &+ buffer[k]
                    out[filled + k] = value
                }
            }
            last = value
            miniblockOffset += n
            miniblockRemaining -= n
            filled += n
            produced += n
        }
    }

    private mutating func nextMiniblock() throws(SluiceError) {
        if inBlock && miniblockIndex + 1 < miniblocks {
            miniblockIndex += 1
        } else {
            // A new block: min delta and the miniblock widths.
            var reader = VarintReader(base: base, end: end, position: position)
            let raw = try reader.unsigned()
            minDelta = (raw >> 1) ^ (0 &- (raw & 1))
            position = reader.position
            guard end - position >= miniblocks else {
                throw ParquetError.corrupt("DELTA_BINARY_PACKED block is truncated")
            }
            for k in 0..<miniblocks { widths[k] = base.load(fromByteOffset: position + k, as: UInt8.self) }
            position += miniblocks
            miniblockIndex = 0
            inBlock = true
        }
        let width = Int(widths[miniblockIndex])
        guard width <= maxWidth else {
            throw ParquetError.corrupt("DELTA_BINARY_PACKED miniblock bit width \(width) is over \(maxWidth)")
        }
        let bytes = valuesPerMiniblock * width / 8
        let remainingValues = totalCount - produced
        // The last miniblock may be cut short by lenient writers: use what is there (missing bits read as 0).
        guard bytes <= end - position || remainingValues <= valuesPerMiniblock else {
            throw ParquetError.corrupt("DELTA_BINARY_PACKED miniblock is truncated")
        }
        miniblockStart = position
        miniblockBytes = min(bytes, end - position)
        position += miniblockBytes
        miniblockOffset = 0
        miniblockRemaining = valuesPerMiniblock
    }
}

/// Reads ULEB128 varints with bounds checks.
struct VarintReader {
    let base: UnsafeRawPointer
    let end: Int
    var position = 0

    mutating func unsigned() throws(SluiceError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw ParquetError.corrupt("varint runs past the end of the page") }
            guard shift < 64 else { throw ParquetError.corrupt("varint is longer than 10 bytes") }
            let byte = base.load(fromByteOffset: position, as: UInt8.self)
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }
}
