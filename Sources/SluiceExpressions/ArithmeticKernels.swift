/// The typed loops of `+ - * / %`.
enum ArithmeticKernels {
    /// Integer arithmetic that fails on overflow and on division by zero. Division truncates toward zero and the
    /// remainder has the dividend's sign (as in PostgreSQL); `min % -1` is 0.
    @inline(__always)
    static func integer<T: FixedWidthInteger & StorageElement>(
        _ operation: BinaryOperator, _ a: Operand<T>, _ b: Operand<T>, count: Int, validity: [Bool]?
    ) -> Kernels.Output<T> {
        switch operation {
        case .add:
            return Kernels.map(a, b, count: count, validity: validity) { x, y in
                let (r, o) = x.addingReportingOverflow(y)
                return o ? nil : r
            }
        case .subtract:
            return Kernels.map(a, b, count: count, validity: validity) { x, y in
                let (r, o) = x.subtractingReportingOverflow(y)
                return o ? nil : r
            }
        case .multiply:
            return Kernels.map(a, b, count: count, validity: validity) { x, y in
                let (r, o) = x.multipliedReportingOverflow(by: y)
                return o ? nil : r
            }
        case .divide:
            return Kernels.map(a, b, count: count, validity: validity) { x, y in
                if y == 0 { return nil }
                let (r, o) = x.dividedReportingOverflow(by: y)
                return o ? nil : r
            }
        default:
            return Kernels.map(a, b, count: count, validity: validity) { x, y in
                if y == 0 { return nil }
                return y == -1 ? 0 : x % y
            }
        }
    }

    /// float64 arithmetic; a finite computation that gives an infinity and a division by zero fail (as in
    /// PostgreSQL). `%` is not defined on floats (the checker rejects it).
    @inline(__always)
    static func float(_ operation: BinaryOperator, _ a: Operand<Double>, _ b: Operand<Double>, count: Int,
                      validity: [Bool]?) -> Kernels.Output<Double> {
        switch operation {
        case .add:
            return Kernels.map(a, b, count: count, validity: validity) { x, y in finite(x + y, x, y) }
        case .subtract:
            return Kernels.map(a, b, count: count, validity: validity) { x, y in finite(x - y, x, y) }
        case .multiply:
            return Kernels.map(a, b, count: count, validity: validity) { x, y in finite(x * y, x, y) }
        default:
            return Kernels.map(a, b, count: count, validity: validity) { x, y in y == 0 ? nil : finite(x / y, x, y) }
        }
    }

    @inline(__always)
    private static func finite(_ result: Double, _ x: Double, _ y: Double) -> Double? {
        result.isInfinite && x.isFinite && y.isFinite ? nil : result
    }

    /// Exact decimal arithmetic (``DecimalMath``): fails when the result has more than `resultPrecision` digits
    /// and on division by zero.
    @inline(__always)
    static func decimal(
        _ operation: BinaryOperator, _ a: Operand<Int128>, scale sa: Int, _ b: Operand<Int128>, scale sb: Int,
        resultPrecision precision: Int, resultScale scale: Int, count: Int, validity: [Bool]?
    ) -> Kernels.Output<Int128> {
        let limit = DecimalMath.power(precision).magnitude
        switch operation {
        case .add, .subtract:
            let subtract = operation == .subtract
            if sa == scale && sb == scale {
                return Kernels.map(a, b, count: count, validity: validity) { x, y in
                    let (r, o) = subtract ? x.subtractingReportingOverflow(y) : x.addingReportingOverflow(y)
                    return !o && r.magnitude < limit ? r : nil
                }
            }
            let ma = DecimalMath.power(min(scale - sa, 38)), mb = DecimalMath.power(min(scale - sb, 38))
            return Kernels.map(a, b, count: count, validity: validity) { x, y in
                let (x2, o1) = x.multipliedReportingOverflow(by: ma)
                let (y2, o2) = y.multipliedReportingOverflow(by: mb)
                guard !o1, !o2 else { return nil }
                let (r, o) = subtract ? x2.subtractingReportingOverflow(y2) : x2.addingReportingOverflow(y2)
                return !o && r.magnitude < limit ? r : nil
            }
        case .multiply:
            return Kernels.map(a, b, count: count, validity: validity) { x, y in
                let (r, o) = x.multipliedReportingOverflow(by: y)
                return !o && r.magnitude < limit ? r : nil
            }
        case .divide:
            return Kernels.map(a, b, count: count, validity: validity) { x, y in
                y == 0 ? nil : DecimalMath.divide(x, scale: sa, y, scale: sb, resultScale: scale, precision: precision)
            }
        default:
            return Kernels.map(a, b, count: count, validity: validity) { x, y in
                y == 0 ? nil : DecimalMath.remainder(x, scale: sa, y, scale: sb, precision: precision)
            }
        }
    }
}
