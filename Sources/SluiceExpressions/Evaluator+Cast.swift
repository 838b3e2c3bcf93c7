import SluiceCore

extension Evaluator {
    func cast(_ node: TypedExpression, _ operand: TypedExpression, mask: [Bool]?) throws(SluiceError) -> Vector {
        let a = try evaluate(operand, mask: mask)
        if a.isNullConstant { return .null(node.type) }
        if operand.type == node.type { return a }
        let active = activeRows([a], mask: mask)
        do {
            let column = try CastKernels.cast(a, from: operand.type, to: node.type, count: slotCount(a), active: active)
            return Vector(column: column, isConstant: a.isConstant)
        } catch {
            guard let row = failedRow(error.slot, constant: a.isConstant, mask: mask) else { return .null(node.type) }
            throw self.error(.expressionInvalidValue, "cannot cast to \(node.type)", error.reason, at: node, row: row)
        }
    }

    /// `a || b`: NULL when either is.
    func concatenate(_ left: TypedExpression, _ right: TypedExpression, mask: [Bool]?) throws(SluiceError) -> Vector {
        let a = try evaluate(left, mask: mask)
        let b = try evaluate(right, mask: mask)
        if a.isNullConstant || b.isNullConstant { return .null(.string) }
        let count = slotCount(a, b)
        let validity = activeRows([a, b], mask: mask)
        let x = BytesOperand(a), y = BytesOperand(b)
        var builder = BytesBuilder(capacity: count, byteCapacity: x.arrays.bytes.count + y.arrays.bytes.count)
        x.withStorage { xBytes, xOffsets in
            y.withStorage { yBytes, yOffsets in
                for slot in 0..<count {
                    if let validity, !validity[slot] {
                        builder.appendEmpty()
                        continue
                    }
                    for byte in xBytes.value(slot, stride: x.stride, offsets: xOffsets) { builder.appendByte(byte) }
                    for byte in yBytes.value(slot, stride: y.stride, offsets: yOffsets) { builder.appendByte(byte) }
                    builder.endValue()
                }
            }
        }
        return Vector(column: Column(values: .bytes(builder.finish()), validity: validity), isConstant: a.isConstant && b.isConstant)
    }
}
