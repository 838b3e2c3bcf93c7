import SluiceCore

extension Evaluator {
    /// `= <> < <= > >=` on two operands of one type (decimals may differ in scale). Strings and binaries compare
    /// byte by byte (UTF-8 order: PostgreSQL's "C" collation); floats as PostgreSQL orders them (NaN equals
    /// NaN and is above every other value; -0 equals 0).
    func compare(_ operation: BinaryOperator, _ left: TypedExpression, _ right: TypedExpression,
                 mask: [Bool]?) throws(SluiceError) -> Vector {
        let a = try evaluate(left, mask: mask)
        let b = try evaluate(right, mask: mask)
        if a.isNullConstant || b.isNullConstant { return .null(.boolean) }
        let count = slotCount(a, b)
        let validity = activeRows([a, b], mask: nil)
        let values: [Bool]
        switch a.column.values {
        case .boolean:
            values = ComparisonKernels.boolean(operation, Operand<Bool>(a), Operand<Bool>(b), count: count, validity: validity)
        case .int32:
            values = ComparisonKernels.ordered(operation, Operand<Int32>(a), Operand<Int32>(b), count: count, validity: validity)
        case .int64:
            values = ComparisonKernels.ordered(operation, Operand<Int64>(a), Operand<Int64>(b), count: count, validity: validity)
        case .int128:
            values = ComparisonKernels.decimal(operation, Operand<Int128>(a), scale: left.type.decimalScale,
                                               Operand<Int128>(b), scale: right.type.decimalScale, count: count, validity: validity)
        case .float64:
            values = ComparisonKernels.float(operation, Operand<Double>(a), Operand<Double>(b), count: count, validity: validity)
        case .float32:
            preconditionFailure("float32 is compared as float64")
        case .bytes, .fixedBytes:
            values = ComparisonKernels.bytes(operation, BytesOperand(a), BytesOperand(b), count: count, validity: validity)
        }
        return Vector(column: Column(values: .boolean(values), validity: validity), isConstant: a.isConstant && b.isConstant)
    }
}
