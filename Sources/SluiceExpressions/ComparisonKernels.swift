/// The typed loops of the comparisons; they cannot fail, so they run over every row and zero the NULL ones.
enum ComparisonKernels {
    @inline(__always)
    static func ordered<T: StorageElement & Comparable>(
        _ operation: BinaryOperator, _ a: Operand<T>, _ b: Operand<T>, count: Int, validity: [Bool]?
    ) -> [Bool] {
        switch operation {
        case .equal: Kernels.mapTotal(a, b, count: count, validity: validity) { $0 == $1 }
        case .notEqual: Kernels.mapTotal(a, b, count: count, validity: validity) { $0 != $1 }
        case .less: Kernels.mapTotal(a, b, count: count, validity: validity) { $0 < $1 }
        case .lessOrEqual: Kernels.mapTotal(a, b, count: count, validity: validity) { $0 <= $1 }
        case .greater: Kernels.mapTotal(a, b, count: count, validity: validity) { $0 > $1 }
        default: Kernels.mapTotal(a, b, count: count, validity: validity) { $0 >= $1 }
        }
    }

    /// false < true.
    static func boolean(_ operation: BinaryOperator, _ a: Operand<Bool>, _ b: Operand<Bool>, count: Int, validity: [Bool]?) -> [Bool] {
        Kernels.mapTotal(a, b, count: count, validity: validity) { x, y in matches(operation, x == y ? 0 : (x ? 1 : -1)) }
    }

    static func decimal(_ operation: BinaryOperator, _ a: Operand<Int128>, scale sa: Int, _ b: Operand<Int128>, scale sb: Int,
                        count: Int, validity: [Bool]?) -> [Bool] {
        if sa == sb { return ordered(operation, a, b, count: count, validity: validity) }
        return Kernels.mapTotal(a, b, count: count, validity: validity) { x, y in
            matches(operation, DecimalMath.compare(x, scale: sa, y, scale: sb))
        }
    }

    static func float(_ operation: BinaryOperator, _ a: Operand<Double>, _ b: Operand<Double>, count: Int,
                      validity: [Bool]?) -> [Bool] {
        Kernels.mapTotal(a, b, count: count, validity: validity) { x, y in matches(operation, floatOrder(x, y)) }
    }

    /// PostgreSQL's float order: NaN equals NaN and sorts above everything else.
    @inline(__always)
    static func floatOrder(_ x: Double, _ y: Double) -> Int {
        if x.isNaN { return y.isNaN ? 0 : 1 }
        if y.isNaN { return -1 }
        return x < y ? -1 : (x == y ? 0 : 1)
    }

    static func bytes(_ operation: BinaryOperator, _ a: BytesOperand, _ b: BytesOperand, count: Int, validity: [Bool]?) -> [Bool] {
        var result = [Bool](repeating: false, count: count)
        a.withStorage { aBytes, aOffsets in
            b.withStorage { bBytes, bOffsets in
                result.withUnsafeMutableBufferPointer { out in
                    for i in 0..<count {
                        let x = aBytes.value(i, stride: a.stride, offsets: aOffsets)
                        let y = bBytes.value(i, stride: b.stride, offsets: bOffsets)
                        switch operation {
                        case .equal: out[i] = x.count == y.count && compareBytes(x, y) == 0
                        case .notEqual: out[i] = x.count != y.count || compareBytes(x, y) != 0
                        default: out[i] = matches(operation, compareBytes(x, y))
                        }
                    }
                }
            }
        }
        if let validity { Kernels.zeroInvalid(&result, validity) }
        return result
    }

    /// Lexicographic order of two byte strings: -1, 0 or 1.
    @inline(__always)
    static func compareBytes(_ x: UnsafeRawBufferPointer, _ y: UnsafeRawBufferPointer) -> Int {
        let common = min(x.count, y.count)
        var index = 0
        while index < common {
            let p = x[index], q = y[index]
            if p != q { return p < q ? -1 : 1 }
            index += 1
        }
        return x.count < y.count ? -1 : (x.count == y.count ? 0 : 1)
    }

    @inline(__always)
    static func matches(_ operation: BinaryOperator, _ order: Int) -> Bool {
        switch operation {
        case .equal: order == 0
        case .notEqual: order != 0
        case .less: order < 0
        case .lessOrEqual: order <= 0
        case .greater: order > 0
        default: order >= 0
        }
    }
}
