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
