/// Streaming encoder of the RLE/bit-packing hybrid (Encodings.md, RLE = 3), for definition levels,
/// dictionary indices and RLE booleans. Runs of 8 or more equal values become RLE runs; the rest are
/// bit-packed in groups of 8 (up to 63 groups per run, so the run header fits in one byte).
struct RLEHybridEncoder: ~Copyable {
    let bitWidth: Int
    private(set) var output: ByteBuffer
    private var buffered: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0, 0, 0, 0, 0)
    private var bufferedCount = 0
    private var currentValue: UInt32 = 0
    private var repeatCount = 0
    /// Values in the open bit-packed run (a multiple of 8 once flushed).
    private var literalCount = 0
    /// Offset of the open bit-packed run's header byte, or -1.
    private var literalHeaderOffset = -1

    init(bitWidth: Int, capacity: Int = 1024) {
        self.bitWidth = bitWidth
        output = ByteBuffer(capacity: capacity)
    }

    @inline(__always)
    mutating func put(_ value: UInt32) {
        if value == currentValue && repeatCount > 0 {
            repeatCount += 1
            if repeatCount > 8 { return }
        } else {
            if repeatCount >= 8 { flushRepeatedRun() }
            repeatCount = 1
            currentValue = value
        }
        withUnsafeMutableBytes(of: &buffered) { raw in
            raw.storeBytes(of: value, toByteOffset: bufferedCount * 4, as: UInt32.self)
        }
        bufferedCount += 1
        if bufferedCount == 8 { flushBufferedValues() }
    }

    /// Puts `value` `count` times; long runs cost O(1) after the first few values.
    mutating func put(_ value: UInt32, repeating count: Int) {
        var remaining = count
        while remaining > 0 && !(repeatCount > 8 && value == currentValue) {
            put(value)
            remaining -= 1
        }
        repeatCount += remaining
    }

    private mutating func flushBufferedValues() {
        if repeatCount >= 8 {
            bufferedCount = 0
            if literalCount != 0 { flushLiteralRun(updateHeader: true) }
            return
        }
        literalCount += bufferedCount
        let groups = (literalCount + 7) / 8
        flushLiteralRun(updateHeader: groups + 1 >= 64)
        repeatCount = 0
    }

    private mutating func flushLiteralRun(updateHeader: Bool) {
        if literalHeaderOffset < 0 {
            literalHeaderOffset = output.count
            output.appendByte(0)
        }
        if bufferedCount > 0 {
            // Pad a partial group with zeros (only happens on the final flush).
            var values = buffered
            withUnsafeMutableBytes(of: &values) { raw in
                for k in bufferedCount..<8 { raw.storeBytes(of: UInt32(0), toByteOffset: k * 4, as: UInt32.self) }
                BitPacking.packGroup(raw.baseAddress!.assumingMemoryBound(to: UInt32.self), width: bitWidth, into: &output)
            }
            bufferedCount = 0
        }
        if updateHeader {
            let groups = (literalCount + 7) / 8
            output.storeByte(UInt8(groups << 1 | 1), at: literalHeaderOffset)
            literalHeaderOffset = -1
            literalCount = 0
        }
    }

    private mutating func flushRepeatedRun() {
        output.appendVarint(UInt64(repeatCount) << 1)
        var value = currentValue
        for _ in 0..<((bitWidth + 7) / 8) {
            output.appendByte(UInt8(truncatingIfNeeded: value))
            value >>= 8
        }
        bufferedCount = 0
        repeatCount = 0
    }

    /// Writes out everything pending; call once after the last value.
    mutating func finish() {
        guard literalCount > 0 || repeatCount > 0 || bufferedCount > 0 else { return }
        let allRepeat = literalCount == 0 && (repeatCount == bufferedCount || bufferedCount == 0)
        if repeatCount > 0 && allRepeat {
            flushRepeatedRun()
        } else {
            literalCount += bufferedCount
            flushLiteralRun(updateHeader: true)
            repeatCount = 0
        }
    }

    /// Empties the output for the next page, keeping its memory.
    mutating func reset() {
        output.removeAll()
        bufferedCount = 0
        repeatCount = 0
        literalCount = 0
        literalHeaderOffset = -1
        currentValue = 0
    }
}

extension RLEHybridEncoder {
    /// A dictionary-encoded data page's values (RLE_DICTIONARY): the index bit width in one byte, then the
    /// indices in the RLE/bit-packed hybrid, without a length prefix (parquet-format Encodings.md).
    static func appendDictionaryIndices(_ indices: borrowing PODBuffer<UInt32>, dictionarySize: Int,
                                        to output: inout ByteBuffer) {
        let width = max(1, BitPacking.bitWidth(of: UInt64(max(dictionarySize, 1) - 1)))
        output.appendByte(UInt8(width))
        var rle = RLEHybridEncoder(bitWidth: width, capacity: indices.count * width / 8 + 64)
        for k in 0..<indices.count { rle.put(indices.base[k]) }
        rle.finish()
        output.append(contentsOf: rle.output)
    }
}
