#if canImport(Darwin)
import Darwin
#else
import Glibc
#endif
import SluiceCore

/// ``ColumnValueEncoder`` for BYTE_ARRAY columns (string, json, binary) and FIXED_LEN_BYTE_ARRAY columns
/// (uuid, decimals over 18 digits as big-endian two's complement).
///
/// Statistics compare bytes unsigned lexicographically; for decimals (`signedOrder`) the first byte's sign
/// bit is flipped first, which orders equal-width two's complement numbers. Values longer than
/// `maxStatisticsBytes` are left out of min/max rather than truncated, so that statistics stay exact.
final class ByteStringEncoder: ColumnValueEncoder {
    /// Width of a FIXED_LEN_BYTE_ARRAY column, 0 for BYTE_ARRAY.
    private let fixedWidth: Int
    private let signedOrder: Bool
    private let dictionaryLimit: Int
    private let maxStatisticsBytes: Int
    private var startsWithDictionary: Bool
    private var dictionaryEnabled: Bool
    private var dictionaryUsed = false
    private let dictionary = ByteArrayDictionary()
    private var indices = PODBuffer<UInt32>(capacity: 4096)
    private var plain = ByteBuffer(capacity: 1 << 16)
    private var scratch = ByteBuffer(capacity: 4096)
    /// Per dictionary entry, the page number in which it was last seen (dictionary-mode page statistics).
    private var seenStamp = PODBuffer<UInt32>(capacity: 1024)
    private var stamp: UInt32 = 1
    private var pageMinIndex = -1
    private var pageMaxIndex = -1
    private var pageMin = ByteBuffer(capacity: 64)
    private var pageMax = ByteBuffer(capacity: 64)
    private var pageHasMinMax = false
    private var pageStatisticsDropped = false
    private var chunkMin: [UInt8]?
    private var chunkMax: [UInt8]?
    private var chunkStatisticsDropped = false

    init(fixedWidth: Int, signedOrder: Bool, dictionaryEnabled: Bool, dictionaryLimit: Int, maxStatisticsBytes: Int) {
        self.fixedWidth = fixedWidth
        self.signedOrder = signedOrder
        self.startsWithDictionary = dictionaryEnabled
        self.dictionaryEnabled = dictionaryEnabled
        self.dictionaryLimit = dictionaryLimit
        self.maxStatisticsBytes = maxStatisticsBytes
    }

    var usesDictionary: Bool { dictionaryEnabled }

    /// PLAIN size of the dictionary page: BYTE_ARRAY values carry a 4-byte length each.
    private var dictionaryPlainSize: Int {
        dictionary.byteCount + (fixedWidth == 0 ? 4 * dictionary.count : 0)
    }

    var dictionaryFull: Bool { dictionaryEnabled && dictionaryPlainSize >= dictionaryLimit }

    var pageValueBytes: Int {
        dictionaryEnabled ? (indices.count * BitPacking.bitWidth(of: UInt64(max(dictionary.count, 1))) + 7) / 8 + 1
            : plain.count
    }

    // MARK: appending

    func append(_ column: Column, rows: Range<Int>) {
        switch column.values {
        case .bytes(let arrays):
            arrays.offsets.withUnsafeBufferPointer { offsets in
                arrays.bytes.withUnsafeBytes { bytes in
                    let base = bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
                    forEachValid(column.validity, rows) { row in
                        let start = offsets[row]
                        put(base + start, offsets[row + 1] - start)
                    }
                }
            }
        case .fixedBytes(let width, let bytes):
            bytes.withUnsafeBytes { raw in
                let base = raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
                forEachValid(column.validity, rows) { row in put(base + row * width, width) }
            }
        case .int128(let values):
            values.withUnsafeBufferPointer { source in
                scratch.removeAll()
                let buffer = scratch.appendUninitialized(16)
                let width = fixedWidth
                forEachValid(column.validity, rows) { row in
                    var value = source[row]
                    // Big-endian two's complement in `width` bytes.
                    for k in stride(from: width - 1, through: 0, by: -1) {
                        buffer.storeBytes(of: UInt8(truncatingIfNeeded: value), toByteOffset: k, as: UInt8.self)
                        value >>= 8
                    }
                    put(UnsafeRawPointer(buffer), width)
                }
            }
        default:
            preconditionFailure("byte-string column from \(column.values.kind) storage")
        }
    }

    @inline(__always)
    private func forEachValid(_ validity: [Bool]?, _ rows: Range<Int>, _ body: (Int) -> Void) {
        if let validity {
            validity.withUnsafeBufferPointer { valid in
                for row in rows where valid[row] { body(row) }
            }
        } else {
            for row in rows { body(row) }
        }
    }

    @inline(__always)
    private func put(_ pointer: UnsafeRawPointer, _ length: Int) {
        if dictionaryEnabled {
            let index = dictionary.index(of: pointer, length: length)
            indices.append(index)
            let i = Int(index)
            if i >= seenStamp.count {
                let old = seenStamp.count
                seenStamp.resize(max(i + 1, old * 2, 1024))
                (seenStamp.base + old).update(repeating: 0, count: seenStamp.count - old)
            }
            if seenStamp.base[i] != stamp {
                seenStamp.base[i] = stamp
                observeDictionaryValue(i)
            }
        } else {
            if fixedWidth == 0 { plain.appendUInt32LE(UInt32(truncatingIfNeeded: length)) }
            plain.append(pointer, count: length)
            observePlainValue(pointer, length)
        }
    }

    // MARK: statistics

    @inline(__always)
    private func compare(_ a: UnsafeRawPointer, _ aCount: Int, _ b: UnsafeRawPointer, _ bCount: Int) -> Int {
        if signedOrder && aCount > 0 && bCount > 0 {
            let a0 = a.load(as: UInt8.self) ^ 0x80, b0 = b.load(as: UInt8.self) ^ 0x80
            if a0 != b0 { return a0 < b0 ? -1 : 1 }
            let c = memcmp(a + 1, b + 1, min(aCount, bCount) - 1)
            return c != 0 ? Int(c) : aCount - bCount
        }
        let common = min(aCount, bCount)
        let c = common > 0 ? memcmp(a, b, common) : 0
        return c != 0 ? Int(c) : aCount - bCount
    }

    private func observeDictionaryValue(_ index: Int) {
        let value = dictionary.value(at: index)
        guard value.count <= maxStatisticsBytes else { pageStatisticsDropped = true; return }
        let base = value.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
        if pageMinIndex < 0 {
            pageMinIndex = index
            pageMaxIndex = index
            return
        }
        let lo = dictionary.value(at: pageMinIndex), hi = dictionary.value(at: pageMaxIndex)
        if compare(base, value.count, lo.baseAddress ?? base, lo.count) < 0 { pageMinIndex = index }
        if compare(base, value.count, hi.baseAddress ?? base, hi.count) > 0 { pageMaxIndex = index }
    }

    @inline(__always)
    private func observePlainValue(_ pointer: UnsafeRawPointer, _ length: Int) {
        guard length <= maxStatisticsBytes else { pageStatisticsDropped = true; return }
        if !pageHasMinMax {
            pageMin.removeAll(); pageMin.append(pointer, count: length)
            pageMax.removeAll(); pageMax.append(pointer, count: length)
            pageHasMinMax = true
            return
        }
        if compare(pointer, length, pageMin.base, pageMin.count) < 0 {
            pageMin.removeAll(); pageMin.append(pointer, count: length)
        } else if compare(pointer, length, pageMax.base, pageMax.count) > 0 {
            pageMax.removeAll(); pageMax.append(pointer, count: length)
        }
    }

    /// The current page's min/max as arrays (nil if the page has no value or dropped its statistics).
    private func pageMinMax() -> (min: [UInt8], max: [UInt8])? {
        if pageMinIndex >= 0 {
            return (Array(dictionary.value(at: pageMinIndex)), Array(dictionary.value(at: pageMaxIndex)))
        }
        if pageHasMinMax { return (pageMin.toArray(), pageMax.toArray()) }
        return nil
    }

    // MARK: pages and chunks

    func finishPage(into output: inout ByteBuffer) -> (ParquetEncoding, PageMinMax?) {
        let encoding: ParquetEncoding
        if dictionaryEnabled {
            RLEHybridEncoder.appendDictionaryIndices(indices, dictionarySize: dictionary.count, to: &output)
            indices.removeAll()
            encoding = .rleDictionary
            dictionaryUsed = true
        } else {
            output.append(contentsOf: plain)
            plain.removeAll()
            encoding = .plain
        }
        var stats: PageMinMax?
        let minMax = pageMinMax()
        if let minMax {
            if !pageStatisticsDropped { stats = PageMinMax(min: minMax.min, max: minMax.max, legacyCompatible: false) }
            mergeChunk(minMax)
        }
        if pageStatisticsDropped { chunkStatisticsDropped = true }
        pageMinIndex = -1
        pageMaxIndex = -1
        pageHasMinMax = false
        pageStatisticsDropped = false
        stamp &+= 1
        if stamp == 0 {
            seenStamp.buffer.update(repeating: 0)
            stamp = 1
        }
        return (encoding, stats)
    }

    private func mergeChunk(_ page: (min: [UInt8], max: [UInt8])) {
        func less(_ a: [UInt8], _ b: [UInt8]) -> Bool {
            a.withUnsafeBytes { ra in
                b.withUnsafeBytes { rb in
                    let pa = ra.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
                    let pb = rb.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
                    return compare(pa, ra.count, pb, rb.count) < 0
                }
            }
        }
        if let current = chunkMin { if less(page.min, current) { chunkMin = page.min } } else { chunkMin = page.min }
        if let current = chunkMax { if less(current, page.max) { chunkMax = page.max } } else { chunkMax = page.max }
    }

    func fallBackToPlain() {
        dictionaryEnabled = false
    }

    func writeDictionaryPage(into output: inout ByteBuffer) -> Int? {
        guard dictionaryUsed else { return nil }
        if fixedWidth > 0 {
            output.append(contentsOf: dictionary.data)
        } else {
            output.reserve(dictionaryPlainSize)
            for index in 0..<dictionary.count {
                let value = dictionary.value(at: index)
                output.appendUInt32LE(UInt32(value.count))
                output.append(value)
            }
        }
        return dictionary.count
    }

    func chunkStatistics() -> PageMinMax? {
        guard !chunkStatisticsDropped, let chunkMin, let chunkMax else { return nil }
        return PageMinMax(min: chunkMin, max: chunkMax, legacyCompatible: false)
    }

    func resetChunk() {
        dictionary.removeAll()
        dictionaryEnabled = startsWithDictionary
        dictionaryUsed = false
        seenStamp.removeAll()
        chunkMin = nil
        chunkMax = nil
        chunkStatisticsDropped = false
    }
}
