/// LSB-first bit packing as used by the RLE/bit-packing hybrid and DELTA_BINARY_PACKED
/// (Encodings.md, "Run Length Encoding / Bit-Packing Hybrid", note 1).
enum BitPacking {
    /// Bits needed to store `value` (0 for 0).
    @inline(__always)
    static func bitWidth(of value: UInt64) -> Int {
        value == 0 ? 0 : 64 - value.leadingZeroBitCount
    }

    /// Unpacks `count` values of `width` bits (0...32) starting at bit `startBit` of `source` into
    /// `destination`. Bits past `sourceCount` bytes read as zero.
    @inline(__always)
    static func unpack32(_ source: UnsafeRawPointer, sourceCount: Int, startBit: Int = 0, width: Int, count: Int,
                         into destination: UnsafeMutablePointer<UInt32>) {
        if width == 0 {
            destination.update(repeating: 0, count: count)
            return
        }
        let mask: UInt64 = (1 << UInt64(width)) - 1
        // Fast path: an unaligned 8-byte load holds any value of up to 57 bits at any bit offset.
        let safeBits = (sourceCount - 8) * 8   // values whose 8-byte load stays in bounds start below this bit
        var i = 0
        var bit = startBit
        while i < count && bit < safeBits {
            let word = source.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self)
            destination[i] = UInt32(truncatingIfNeeded: (UInt64(littleEndian: word) >> UInt64(bit & 7)) & mask)
            i += 1
            bit += width
        }
        while i < count {
            destination[i] = UInt32(truncatingIfNeeded: slowLoad(source, sourceCount: sourceCount, bit: bit, width: width))
            i += 1
            bit += width
        }
    }

    /// Unpacks `count` values of `width` bits (0...64) into 64-bit values.
    static func unpack64(_ source: UnsafeRawPointer, sourceCount: Int, startBit: Int = 0, width: Int, count: Int,
                         into destination: UnsafeMutablePointer<UInt64>) {
        if width == 0 {
            destination.update(repeating: 0, count: count)
            return
        }
        if width <= 56 {
            let mask: UInt64 = (1 << UInt64(width)) - 1
            let safeBits = (sourceCount - 8) * 8
            var i = 0
            var bit = startBit
            while i < count && bit < safeBits {
                let word = source.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self)
                destination[i] = (UInt64(littleEndian: word) >> UInt64(bit & 7)) & mask
                i += 1
                bit += width
            }
            while i < count {
                destination[i] = slowLoad(source, sourceCount: sourceCount, bit: bit, width: width)
                i += 1
                bit += width
            }
            return
        }
        for i in 0..<count {
            destination[i] = slowLoad(source, sourceCount: sourceCount, bit: startBit + i * width, width: width)
        }
    }

    /// One value read bit by bit-group; bits past `sourceCount` read as zero.
    @inline(never)
    static func slowLoad(_ source: UnsafeRawPointer, sourceCount: Int, bit: Int, width: Int) -> UInt64 {
        var result: UInt64 = 0
        var produced = 0
        var bitPosition = bit
        while produced < width {
            let byteIndex = bitPosition >> 3
            let shift = bitPosition & 7
            let take = min(8 - shift, width - produced)
            let byte: UInt64 = byteIndex < sourceCount ? UInt64(source.load(fromByteOffset: byteIndex, as: UInt8.self)) : 0
            result |= ((byte >> UInt64(shift)) & ((1 << UInt64(take)) - 1)) << UInt64(produced)
            produced += take
            bitPosition += take
        }
        return result
    }

    /// Packs 8 values of `width` bits (0...32) into exactly `width` bytes appended to `output`.
    @inline(__always)
    static func packGroup(_ values: UnsafePointer<UInt32>, width: Int, into output: inout ByteBuffer) {
        if width == 0 { return }
        var accumulator: UInt64 = 0
        var bits = 0
        output.reserve(width)
        for k in 0..<8 {
            accumulator |= UInt64(values[k]) << UInt64(bits)
            bits += width
            while bits >= 8 {
                output.appendByte(UInt8(truncatingIfNeeded: accumulator))
                accumulator >>= 8
                bits -= 8
            }
        }
    }
}
