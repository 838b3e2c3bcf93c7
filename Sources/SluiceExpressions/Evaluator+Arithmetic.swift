import SluiceCore

extension Evaluator {
    func arithmetic(_ operation: BinaryOperator, _ node: TypedExpression, _ left: TypedExpression, _ right: TypedExpression,
                    mask: [Bool]?) throws(SluiceError) -> Vector {
        let a = try evaluate(left, mask: mask)
        let b = try evaluate(right, mask: mask)
        if a.isNullConstant || b.isNullConstant { return .null(node.type) }
        let constant = a.isConstant && b.isConstant
        let count = slotCount(a, b)
        let active = activeRows([a, b], mask: mask)
        let failure = { (row: Int) -> SluiceError in
            let leftText = describe(a, row: row, type: left.type)
            let rightText = describe(b, row: row, type: right.type)
            let isZero = Value(of: b.column, type: right.type, at: b.isConstant ? 0 : row).isZero
            if (operation == .divide || operation == .remainder) && isZero {
                return error(.expressionDivisionByZero, "division by zero", "\(leftText) \(operation.rawValue) \(rightText)",
                             at: node, row: row)
            }
            let kind = TypeRules.isDecimal(node.type) ? "decimal overflow" : (node.type == .float64 ? "float overflow" : "integer overflow")
            return error(.expressionOverflow, kind, "\(leftText) \(operation.rawValue) \(rightText) does not fit \(node.type)",
                         at: node, row: row)
        }
        switch node.type {
        case .int32:
            let output = ArithmeticKernels.integer(operation, Operand<Int32>(a), Operand<Int32>(b), count: count, validity: active)
            return try vector(output, constant: constant, mask: mask, type: node.type, failure: failure)
        case .int64:
            let output = ArithmeticKernels.integer(operation, Operand<Int64>(a), Operand<Int64>(b), count: count, validity: active)
            return try vector(output, constant: constant, mask: mask, type: node.type, failure: failure)
        case .float64:
            let output = ArithmeticKernels.float(operation, Operand<Double>(a), Operand<Double>(b), count: count, validity: active)
            return try vector(output, constant: constant, mask: mask, type: node.type, failure: failure)
        case .decimal(let precision, let scale):
            let output = ArithmeticKernels.decimal(
                operation, Operand<Int128>(a), scale: left.type.decimalScale, Operand<Int128>(b), scale: right.type.decimalScale,
                resultPrecision: precision, resultScale: scale, count: count, validity: active)
            return try vector(output, constant: constant, mask: mask, type: node.type, failure: failure)
        default:
            preconditionFailure("arithmetic typed \(node.type)")
        }
    }

    func negate(_ node: TypedExpression, _ operand: TypedExpression, mask: [Bool]?) throws(SluiceError) -> Vector {
        let a = try evaluate(operand, mask: mask)
        if a.isNullConstant { return .null(node.type) }
        let count = slotCount(a)
        let active = activeRows([a], mask: mask)
        let failure = { (row: Int) -> SluiceError in
            error(.expressionOverflow, "integer overflow", "-(\(describe(a, row: row, type: operand.type))) does not fit \(node.type)",
                  at: node, row: row)
        }
        switch node.type {
        case .int32:
            let output = Kernels.map(Operand<Int32>(a), count: count, validity: active) { x in x == .min ? nil : -x }
            return try vector(output, constant: a.isConstant, mask: mask, type: node.type, failure: failure)
        case .int64:
            let output = Kernels.map(Operand<Int64>(a), count: count, validity: active) { x in x == .min ? nil : -x }
            return try vector(output, constant: a.isConstant, mask: mask, type: node.type, failure: failure)
        case .float64:
            let output = Kernels.map(Operand<Double>(a), count: count, validity: active) { x in -x }
            return try vector(output, constant: a.isConstant, mask: mask, type: node.type, failure: failure)
        default:
            // Decimals: a value that fits its precision fits negated.
            let output = Kernels.map(Operand<Int128>(a), count: count, validity: active) { x in -x }
            return try vector(output, constant: a.isConstant, mask: mask, type: node.type, failure: failure)
        }
    }
}

extension Value {
    /// Whether this is a numeric zero (for telling a division by zero from an overflow).
    var isZero: Bool {
        switch self {
        case .int(let v): v == 0
        case .decimal(let v, _): v == 0
        case .float(let v): v == 0
        case .double(let v): v == 0
        default: false
        }
    }
}

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
