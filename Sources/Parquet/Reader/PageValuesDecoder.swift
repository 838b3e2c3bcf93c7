import SluiceCore

/// Decodes the values of a column chunk's pages into the chunk's output column, row by row.
///
/// ``ColumnChunkDecoder`` reads the page headers, decompresses pages and decodes definition levels; this
/// decodes the value section: `nonNull` values for the page's `rows` rows starting at `rowStart`, placed by
/// `validity` (nil when every row of the page is non-NULL).
protocol PageValuesDecoder: AnyObject {
    func readDictionary(_ data: UnsafeRawBufferPointer, count: Int) throws(SluiceError)
    func readValues(_ data: UnsafeRawBufferPointer, encoding: ParquetEncoding, nonNull: Int, rowStart: Int, rows: Int,
                    validity: UnsafePointer<Bool>?) throws(SluiceError)
    func finish() -> ColumnValues
}

/// Writes `rows` output slots: the next of the dense values (`value(k)`) for each non-NULL row, `zero` for
/// each NULL row (a NULL slot holds zero, as ``ColumnValues`` requires).
@inline(__always)
func scatter<U>(_ out: UnsafeMutablePointer<U>, rows: Int, validity: UnsafePointer<Bool>?, zero: U,
                _ value: (Int) -> U) {
    if let validity {
        var k = 0
        for row in 0..<rows {
            if validity[row] {
                out[row] = value(k)
                k += 1
            } else {
                out[row] = zero
            }
        }
    } else {
        for row in 0..<rows { out[row] = value(row) }
    }
}

/// Dictionary indices of a data page (Encodings.md, "Dictionary Encoding"): one byte of bit width, then the
/// RLE/bit-packed hybrid without a length prefix. Every index is checked against the dictionary size.
enum DictionaryIndices {
    static func decode(_ data: UnsafeRawBufferPointer, count: Int, dictionaryCount: Int?,
                       into indices: inout PODBuffer<UInt32>) throws(SluiceError) {
        indices.removeAll()
        guard count > 0 else { return }
        guard let dictionaryCount else {
            throw ParquetError.corrupt("dictionary-encoded page without a dictionary page")
        }
        guard let first = data.first else { throw ParquetError.corrupt("dictionary-encoded page has no data") }
        let width = Int(first)
        guard width <= 32 else { throw ParquetError.corrupt("dictionary index bit width \(width) is over 32") }
        var decoder = RLEHybridDecoder(UnsafeRawBufferPointer(rebasing: data[1...]), bitWidth: width)
        let out = indices.appendUninitialized(count)
        try decoder.decode(into: out, count: count)
        var largest: UInt32 = 0
        for k in 0..<count { largest = max(largest, out[k]) }
        guard Int(largest) < dictionaryCount else {
            throw ParquetError.corrupt("dictionary index \(largest) is out of range for a dictionary of \(dictionaryCount) values")
        }
    }
}

/// The physical numeric types as the reader decodes them.
protocol PhysicalNumeric: BitwiseCopyable {
    /// Whether DELTA_BINARY_PACKED applies (INT32, INT64).
    static var deltaAllowed: Bool { get }
    /// The value from a wrapped 64-bit DELTA_BINARY_PACKED result.
    init(deltaBits: UInt64)
}

extension Int32: PhysicalNumeric {
    static var deltaAllowed: Bool { true }
    @inline(__always) init(deltaBits: UInt64) { self = Int32(truncatingIfNeeded: deltaBits) }
}

extension Int64: PhysicalNumeric {
    static var deltaAllowed: Bool { true }
    @inline(__always) init(deltaBits: UInt64) { self = Int64(bitPattern: deltaBits) }
}

extension Float: PhysicalNumeric {
    static var deltaAllowed: Bool { false }
    init(deltaBits: UInt64) { self = Float(bitPattern: UInt32(truncatingIfNeeded: deltaBits)) }
}

extension Double: PhysicalNumeric {
    static var deltaAllowed: Bool { false }
    init(deltaBits: UInt64) { self = Double(bitPattern: deltaBits) }
}

/// Makes the output array of a finished column from its buffer.
struct OutputFactory<U> {
    let make: ([U]) -> ColumnValues
}

/// The Swift array for one column chunk's output values, written in place page by page (so that finishing
/// the column hands the array over without a copy). Not zeroed up front: every slot is written exactly once
/// by the pages (``ColumnChunkDecoder`` finishes a column only when its pages covered every row).
struct OutputArray<U: BitwiseCopyable> {
    private(set) var values: [U]
    /// The all-zero value NULL slots hold.
    let zero: U

    init(count: Int) {
        values = [U](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
        zero = [U](unsafeUninitializedCapacity: 1) { buffer, initialized in
            UnsafeMutableRawPointer(buffer.baseAddress!).initializeMemory(as: UInt8.self, repeating: 0,
                                                                          count: MemoryLayout<U>.stride)
            initialized = 1
        }[0]
    }

    var count: Int { values.count }

    /// Runs `body` with the output slots starting at `offset`.
    @inline(__always)
    mutating func withSlots<R>(from offset: Int, _ body: (UnsafeMutablePointer<U>) throws(SluiceError) -> R)
        throws(SluiceError) -> R {
        let result: Result<R, SluiceError> = values.withUnsafeMutableBufferPointer { buffer in
            Result { () throws(SluiceError) -> R in try body(buffer.baseAddress! + offset) }
        }
        return try result.get()
    }
}
