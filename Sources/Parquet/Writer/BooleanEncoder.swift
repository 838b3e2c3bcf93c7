import SluiceCore

/// ``ColumnValueEncoder`` for BOOLEAN columns: PLAIN bit-packed (LSB first), never a dictionary.
final class BooleanEncoder: ColumnValueEncoder {
    private var packed = ByteBuffer(capacity: 8192)
    private var pending: UInt8 = 0
    private var pendingBits = 0
    private var pageCount = 0
    private var pageSeen: (false: Bool, true: Bool) = (false, false)
    private var chunkSeen: (false: Bool, true: Bool) = (false, false)

    var usesDictionary: Bool { false }
    var dictionaryFull: Bool { false }
    var pageValueBytes: Int { packed.count + 1 }

    func append(_ column: Column, rows: Range<Int>) {
        guard case .boolean(let values) = column.values else { preconditionFailure("BOOLEAN column from \(column.values.kind)") }
        values.withUnsafeBufferPointer { source in
            if let validity = column.validity {
                validity.withUnsafeBufferPointer { valid in
                    for row in rows where valid[row] { put(source[row]) }
                }
            } else {
                for row in rows { put(source[row]) }
            }
        }
    }

    @inline(__always)
    private func put(_ value: Bool) {
        if value { pending |= 1 << UInt8(pendingBits); pageSeen.true = true } else { pageSeen.false = true }
        pendingBits += 1
        pageCount += 1
        if pendingBits == 8 {
            packed.appendByte(pending)
            pending = 0
            pendingBits = 0
        }
    }

    func finishPage(into output: inout ByteBuffer) -> (ParquetEncoding, PageMinMax?) {
        output.append(contentsOf: packed)
        if pendingBits > 0 { output.appendByte(pending) }
        packed.removeAll()
        pending = 0
        pendingBits = 0
        pageCount = 0
        let stats = Self.minMax(pageSeen)
        chunkSeen = (chunkSeen.false || pageSeen.false, chunkSeen.true || pageSeen.true)
        pageSeen = (false, false)
        return (.plain, stats)
    }

    private static func minMax(_ seen: (false: Bool, true: Bool)) -> PageMinMax? {
        guard seen.false || seen.true else { return nil }
        return PageMinMax(min: [seen.false ? 0 : 1], max: [seen.true ? 1 : 0], legacyCompatible: true)
    }

    func fallBackToPlain() {}
    func writeDictionaryPage(into output: inout ByteBuffer) -> Int? { nil }
    func chunkStatistics() -> PageMinMax? { Self.minMax(chunkSeen) }
    func resetChunk() { chunkSeen = (false, false) }
}
