extension Column {
    /// Bytes that rows `rows` of this column take in memory: the values (a byte string's bytes plus its 8-byte
    /// offset), plus one validity byte per row when the column has NULLs. What a batch costs to hold, not what
    /// it costs on disk; O(1).
    public func memoryBytes(rows: Range<Int>) -> Int {
        let count = rows.count
        let validityBytes = validity == nil ? 0 : count
        switch values {
        case .boolean: return count + validityBytes
        case .int32, .float32: return 4 * count + validityBytes
        case .int64, .float64: return 8 * count + validityBytes
        case .int128: return 16 * count + validityBytes
        case .fixedBytes(let width, _): return width * count + validityBytes
        case .bytes(let arrays):
            return arrays.offsets[rows.upperBound] - arrays.offsets[rows.lowerBound] + 8 * count + validityBytes
        }
    }

    /// Rows `range` as a new column (the values are copied).
    public func slice(_ range: Range<Int>) -> Column {
        let sliced: ColumnValues
        switch values {
        case .boolean(let v): sliced = .boolean(Array(v[range]))
        case .int32(let v): sliced = .int32(Array(v[range]))
        case .int64(let v): sliced = .int64(Array(v[range]))
        case .int128(let v): sliced = .int128(Array(v[range]))
        case .float32(let v): sliced = .float32(Array(v[range]))
        case .float64(let v): sliced = .float64(Array(v[range]))
        case .bytes(let v): sliced = .bytes(v.slice(range))
        case .fixedBytes(let width, let v): sliced = .fixedBytes(width: width, Array(v[range.lowerBound * width..<range.upperBound * width]))
        }
        let flags = validity.map { Array($0[range]) }
        return Column(values: sliced, validity: flags.flatMap { $0.contains(false) ? $0 : nil })
    }
}

extension RecordBatch {
    /// Bytes that rows `rows` take in memory (``Column/memoryBytes(rows:)`` summed over the columns).
    public func memoryBytes(rows: Range<Int>) -> Int {
        columns.reduce(0) { $0 + $1.memoryBytes(rows: rows) }
    }

    /// Bytes the whole batch takes in memory.
    public var memoryBytes: Int { memoryBytes(rows: 0..<rowCount) }

    /// How many rows from `start` fit in `bytes` of memory: the longest run whose ``memoryBytes(rows:)`` stays
    /// within `bytes`, but at least one row (a row larger than the limit still has to travel, alone). Found by
    /// binary search, O(columns × log rows), so callers can cut batches by bytes without walking rows.
    public func rowsFitting(from start: Int, bytes: Int) -> Int {
        precondition(start >= 0 && start <= rowCount, "start must lie within the batch")
        guard start < rowCount else { return 0 }
        var low = 1, high = rowCount - start
        while low < high {
            let middle = (low + high + 1) / 2
            if memoryBytes(rows: start..<start + middle) <= bytes { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// Rows `range` as a new batch (the values are copied).
    public func slice(_ range: Range<Int>) -> RecordBatch {
        precondition(range.lowerBound >= 0 && range.upperBound <= rowCount, "the rows must lie within the batch")
        var batch = try! RecordBatch(schema: schema, columns: columns.map { $0.slice(range) })  // same schema, equal lengths
        batch.rowCount = range.count  // a batch of no columns keeps its row count
        return batch
    }
}

/// A ``BatchSource`` whose batches each take at most `maxBytes` in memory (``RecordBatch/memoryBytes``), cut
/// from the batches of `base`: a batch within the limit passes through untouched, a larger one is handed out
/// in slices of consecutive rows (a single row larger than the limit travels alone). Only the current slice
/// is copied, so memory holds the base batch plus one slice.
public struct ByteBoundedBatches<Base: BatchSource>: BatchSource {
    var base: Base
    public let maxBytes: Int
    private var current: RecordBatch?
    private var position = 0

    public init(_ base: Base, maxBytes: Int) {
        precondition(maxBytes > 0, "a batch holds at least one byte")
        self.base = base
        self.maxBytes = maxBytes
    }

    public mutating func next() throws(SluiceError) -> RecordBatch? {
        while true {
            if let batch = current, position < batch.rowCount {
                let rows = batch.rowsFitting(from: position, bytes: maxBytes)
                defer { position += rows }
                if position == 0 && rows == batch.rowCount {
                    current = nil
                    return batch
                }
                return batch.slice(position..<position + rows)
            }
            current = nil
            position = 0
            guard let batch = try base.next() else { return nil }
            guard batch.rowCount > 0 else { continue }
            current = batch
        }
    }
}

extension ByteBoundedBatches: Sendable where Base: Sendable {}
