import SluiceCore

/// The physical numeric types (INT32, INT64, FLOAT, DOUBLE) as the writer handles them: how to pull
/// them out of a Sluice column and how to order them for statistics.
protocol ParquetNumeric: ParquetFixedWidth {
    /// Calls `body` with the non-NULL values among `rows` of `column`, converted to this physical type
    /// (straight from the column's array when no conversion and no NULL is involved).
    static func withValues<R>(of column: Column, rows: Range<Int>, scratch: inout PODBuffer<Self>,
                              _ body: (UnsafeBufferPointer<Self>) -> R) -> R
    /// Whether `a` sorts before `b` (unsigned: compare the bit patterns as unsigned integers).
    static func less(_ a: Self, _ b: Self, unsigned: Bool) -> Bool
    /// NaN never takes part in statistics.
    var isNaNValue: Bool { get }
    /// The value statistics should record as a minimum / maximum (floats: -0.0 / +0.0 for zeros).
    var asStatisticsMin: Self { get }
    var asStatisticsMax: Self { get }
}

extension ParquetNumeric {
    var isNaNValue: Bool { false }
    var asStatisticsMin: Self { self }
    var asStatisticsMax: Self { self }

    /// Copies the non-NULL values among `rows` of `array`, converted by `convert`, into `scratch`.
    @inline(__always)
    static func gather<S>(_ array: [S], validity: [Bool]?, rows: Range<Int>, scratch: inout PODBuffer<Self>,
                          _ convert: (S) -> Self) -> UnsafeBufferPointer<Self> {
        scratch.removeAll()
        let out = scratch.appendUninitialized(rows.count)
        var n = 0
        array.withUnsafeBufferPointer { source in
            if let validity {
                validity.withUnsafeBufferPointer { valid in
                    for row in rows where valid[row] {
                        out[n] = convert(source[row])
                        n += 1
                    }
                }
            } else {
                for row in rows {
                    out[n] = convert(source[row])
                    n += 1
                }
            }
        }
        return UnsafeBufferPointer(start: out, count: n)
    }

    /// `body` over the non-NULL values of an array that needs no conversion.
    @inline(__always)
    static func withSameValues<R>(_ array: [Self], validity: [Bool]?, rows: Range<Int>, scratch: inout PODBuffer<Self>,
                                  _ body: (UnsafeBufferPointer<Self>) -> R) -> R {
        if validity == nil {
            return array.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[rows])) }
        }
        return body(gather(array, validity: validity, rows: rows, scratch: &scratch) { $0 })
    }
}

extension Int32: ParquetNumeric {
    static func withValues<R>(of column: Column, rows: Range<Int>, scratch: inout PODBuffer<Int32>,
                              _ body: (UnsafeBufferPointer<Int32>) -> R) -> R {
        switch column.values {
        case .int32(let a): return withSameValues(a, validity: column.validity, rows: rows, scratch: &scratch, body)
        case .int64(let a):
            return body(gather(a, validity: column.validity, rows: rows, scratch: &scratch) { Int32(truncatingIfNeeded: $0) })
        case .int128(let a):
            return body(gather(a, validity: column.validity, rows: rows, scratch: &scratch) { Int32(truncatingIfNeeded: $0) })
        default: preconditionFailure("INT32 column from \(column.values.kind) storage")
        }
    }

    @inline(__always)
    static func less(_ a: Int32, _ b: Int32, unsigned: Bool) -> Bool {
        unsigned ? UInt32(bitPattern: a) < UInt32(bitPattern: b) : a < b
    }
}

extension Int64: ParquetNumeric {
    static func withValues<R>(of column: Column, rows: Range<Int>, scratch: inout PODBuffer<Int64>,
                              _ body: (UnsafeBufferPointer<Int64>) -> R) -> R {
        switch column.values {
        case .int64(let a): return withSameValues(a, validity: column.validity, rows: rows, scratch: &scratch, body)
        case .int128(let a):
            return body(gather(a, validity: column.validity, rows: rows, scratch: &scratch) { Int64(truncatingIfNeeded: $0) })
        default: preconditionFailure("INT64 column from \(column.values.kind) storage")
        }
    }

    @inline(__always)
    static func less(_ a: Int64, _ b: Int64, unsigned: Bool) -> Bool {
        unsigned ? UInt64(bitPattern: a) < UInt64(bitPattern: b) : a < b
    }
}

extension Float: ParquetNumeric {
    static func withValues<R>(of column: Column, rows: Range<Int>, scratch: inout PODBuffer<Float>,
                              _ body: (UnsafeBufferPointer<Float>) -> R) -> R {
        guard case .float32(let a) = column.values else { preconditionFailure("FLOAT column from \(column.values.kind)") }
        return withSameValues(a, validity: column.validity, rows: rows, scratch: &scratch, body)
    }

    @inline(__always)
    static func less(_ a: Float, _ b: Float, unsigned: Bool) -> Bool { a < b }
    var isNaNValue: Bool { isNaN }
    var asStatisticsMin: Float { self == 0 ? -0.0 : self }
    var asStatisticsMax: Float { self == 0 ? 0.0 : self }
}

extension Double: ParquetNumeric {
    static func withValues<R>(of column: Column, rows: Range<Int>, scratch: inout PODBuffer<Double>,
                              _ body: (UnsafeBufferPointer<Double>) -> R) -> R {
        guard case .float64(let a) = column.values else { preconditionFailure("DOUBLE column from \(column.values.kind)") }
        return withSameValues(a, validity: column.validity, rows: rows, scratch: &scratch, body)
    }

    @inline(__always)
    static func less(_ a: Double, _ b: Double, unsigned: Bool) -> Bool { a < b }
    var isNaNValue: Bool { isNaN }
    var asStatisticsMin: Double { self == 0 ? -0.0 : self }
    var asStatisticsMax: Double { self == 0 ? 0.0 : self }
}
