import SluiceCore

/// ``ColumnValueEncoder`` for INT32, INT64, FLOAT and DOUBLE columns.
final class NumericEncoder<T: ParquetNumeric>: ColumnValueEncoder {
    private let unsignedOrder: Bool
    private let dictionaryLimit: Int
    private var dictionaryEnabled: Bool
    private let dictionary = FixedWidthDictionary<T>()
    private var indices = PODBuffer<UInt32>(capacity: 4096)
    private var plain = ByteBuffer(capacity: 1 << 16)
    private var scratch = PODBuffer<T>(capacity: 4096)
    private var pageMin: T?
    private var pageMax: T?
    private var chunkMin: T?
    private var chunkMax: T?

    init(unsignedOrder: Bool, dictionaryEnabled: Bool, dictionaryLimit: Int) {
        self.unsignedOrder = unsignedOrder
        self.dictionaryEnabled = dictionaryEnabled
        self.dictionaryLimit = dictionaryLimit
    }

    private var startsWithDictionary = true
    /// Whether a page of this chunk holds dictionary indices (then the chunk needs a dictionary page).
    private var dictionaryUsed = false

    var usesDictionary: Bool { dictionaryEnabled }

    var dictionaryFull: Bool { dictionaryEnabled && dictionary.plainSize >= dictionaryLimit }

    var pageValueBytes: Int {
        dictionaryEnabled ? (indices.count * BitPacking.bitWidth(of: UInt64(max(dictionary.count, 1))) + 7) / 8 + 1
            : plain.count
    }

    func append(_ column: Column, rows: Range<Int>) {
        T.withValues(of: column, rows: rows, scratch: &scratch) { values in
            guard !values.isEmpty else { return }
            updateStatistics(values)
            if dictionaryEnabled {
                let out = indices.appendUninitialized(values.count)
                let dictionary = self.dictionary
                for k in 0..<values.count { out[k] = dictionary.index(of: values[k]) }
            } else {
                plain.append(UnsafeRawPointer(values.baseAddress!), count: values.count * MemoryLayout<T>.size)
            }
        }
    }

    @inline(__always)
    private func updateStatistics(_ values: UnsafeBufferPointer<T>) {
        var lo: T
        var hi: T
        var k = 0
        // Skip leading NaNs (floats only).
        while k < values.count && values[k].isNaNValue { k += 1 }
        guard k < values.count else { return }
        lo = values[k]
        hi = values[k]
        let unsigned = unsignedOrder
        while k < values.count {
            let v = values[k]
            if T.less(v, lo, unsigned: unsigned) { lo = v }
            if T.less(hi, v, unsigned: unsigned) { hi = v }
            k += 1
        }
        // NaN never compares less, so it can only have been taken as the first value, which was skipped.
        if let current = pageMin, !T.less(lo, current, unsigned: unsigned) { lo = current }
        if let current = pageMax, !T.less(current, hi, unsigned: unsigned) { hi = current }
        pageMin = lo
        pageMax = hi
    }

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
        let stats = minMax(pageMin, pageMax)
        mergeChunk()
        pageMin = nil
        pageMax = nil
        return (encoding, stats)
    }

    private func mergeChunk() {
        if let lo = pageMin {
            if let current = chunkMin { if T.less(lo, current, unsigned: unsignedOrder) { chunkMin = lo } } else { chunkMin = lo }
        }
        if let hi = pageMax {
            if let current = chunkMax { if T.less(current, hi, unsigned: unsignedOrder) { chunkMax = hi } } else { chunkMax = hi }
        }
    }

    private func minMax(_ lo: T?, _ hi: T?) -> PageMinMax? {
        guard let lo, let hi else { return nil }
        return PageMinMax(min: Self.plainBytes(lo.asStatisticsMin), max: Self.plainBytes(hi.asStatisticsMax),
                          legacyCompatible: !unsignedOrder)
    }

    private static func plainBytes(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value) { Array($0) }
    }

    func fallBackToPlain() {
        dictionaryEnabled = false
    }

    func writeDictionaryPage(into output: inout ByteBuffer) -> Int? {
        guard dictionaryUsed else { return nil }
        output.append(UnsafeRawPointer(dictionary.values), count: dictionary.plainSize)
        return dictionary.count
    }

    func chunkStatistics() -> PageMinMax? { minMax(chunkMin, chunkMax) }

    func resetChunk() {
        dictionary.removeAll()
        dictionaryEnabled = startsWithDictionary
        dictionaryUsed = false
        chunkMin = nil
        chunkMax = nil
    }

    /// Turns dictionary encoding off for good (the option `dictionaryEnabled = false`).
    func disableDictionary() {
        startsWithDictionary = false
        dictionaryEnabled = false
    }
}
