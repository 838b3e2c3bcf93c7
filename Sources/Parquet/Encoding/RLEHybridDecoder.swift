import SluiceCore

/// Decoder of the RLE/bit-packing hybrid (Encodings.md, RLE = 3) over a byte range that the caller keeps
/// alive. Every header is checked against the bytes left; a final bit-packed run cut short is tolerated as
/// far as its bytes go, as other readers do.
struct RLEHybridDecoder {
    private let base: UnsafeRawPointer
    private let end: Int
    private var position = 0
    let bitWidth: Int
    private var rleRemaining = 0
    private var rleValue: UInt32 = 0
    private var packedRemaining = 0
    private var packedStart = 0
    private var packedBytes = 0
    private var packedIndex = 0

    /// `bitWidth` must be 0...32 (checked by the callers, who know where it came from).
    init(_ bytes: UnsafeRawBufferPointer, bitWidth: Int) {
        base = bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
        end = bytes.count
        self.bitWidth = bitWidth
    }

    /// Bytes consumed so far (for length-less streams followed by other data).
    var consumed: Int { position }

    /// Decodes exactly `count` values into `out`, or throws if the data ends first.
    mutating func decode(into out: UnsafeMutablePointer<UInt32>, count: Int) throws(SluiceError) {
        var filled = 0
        while filled < count {
            if rleRemaining > 0 {
                let n = min(rleRemaining, count - filled)
                (out + filled).update(repeating: rleValue, count: n)
                rleRemaining -= n
                filled += n
            } else if packedRemaining > 0 {
                let n = min(packedRemaining, count - filled)
                unpack(n, into: out + filled)
                filled += n
            } else {
                try readHeader(needed: count - filled)
            }
        }
    }

    /// Decodes `count` definition levels of a flat column (max level 1): writes `level == 1` to `validity`
    /// and returns how many are 1. Levels other than 0 and 1 are corrupt.
    mutating func decodeValidity(into validity: UnsafeMutablePointer<Bool>, count: Int,
                                 scratch: UnsafeMutablePointer<UInt32>, scratchCount: Int) throws(SluiceError) -> Int {
        var filled = 0
        var present = 0
        while filled < count {
            if rleRemaining > 0 {
                let n = min(rleRemaining, count - filled)
                guard rleValue <= 1 else { throw ParquetError.corrupt("definition level \(rleValue) above the maximum 1") }
                (validity + filled).update(repeating: rleValue == 1, count: n)
                if rleValue == 1 { present += n }
                rleRemaining -= n
                filled += n
            } else if packedRemaining > 0 {
                let n = min(packedRemaining, count - filled, scratchCount)
                unpack(n, into: scratch)
                var ones = 0
                var bad: UInt32 = 0
                for k in 0..<n {
                    let level = scratch[k]
                    bad |= level
                    ones &+= Int(level & 1)
                    validity[filled + k] = level == 1
                }
                guard bad <= 1 else { throw ParquetError.corrupt("definition level above the maximum 1") }
                present += ones
                filled += n
            } else {
                try readHeader(needed: count - filled)
            }
        }
        return present
    }

    @inline(__always)
    private mutating func unpack(_ n: Int, into out: UnsafeMutablePointer<UInt32>) {
        BitPacking.unpack32(base + packedStart, sourceCount: packedBytes, startBit: packedIndex * bitWidth,
                            width: bitWidth, count: n, into: out)
        packedIndex += n
        packedRemaining -= n
    }

    private mutating func readHeader(needed: Int) throws(SluiceError) {
        guard position < end else {
            throw ParquetError.corrupt("RLE/bit-packed data ended with \(needed) values still expected")
        }
        var header: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end, shift < 64 else { throw ParquetError.corrupt("RLE/bit-packed data has a bad run header") }
            let byte = base.load(fromByteOffset: position, as: UInt8.self)
            position += 1
            header |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { break }
            shift += 7
        }
        let length = header >> 1
        guard length <= UInt64(Int32.max) else { throw ParquetError.corrupt("RLE/bit-packed run of \(length) is too long") }
        if header & 1 == 1 {
            let values = Int(length) * 8
            let bytes = Int(length) * bitWidth
            let available = min(bytes, end - position)
            packedStart = position
            packedBytes = available
            packedIndex = 0
            packedRemaining = bitWidth == 0 ? values : min(values, available * 8 / bitWidth)
            position += available
        } else {
            let byteWidth = (bitWidth + 7) / 8
            guard end - position >= byteWidth else { throw ParquetError.corrupt("RLE run value is truncated") }
            var value: UInt32 = 0
            for k in 0..<byteWidth {
                value |= UInt32(base.load(fromByteOffset: position + k, as: UInt8.self)) << UInt32(8 * k)
            }
            position += byteWidth
            rleValue = value
            rleRemaining = Int(length)
        }
    }
}
