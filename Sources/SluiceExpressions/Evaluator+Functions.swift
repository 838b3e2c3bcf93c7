import SluiceCore

extension Evaluator {
    func call(_ function: ScalarFunction, _ node: TypedExpression, _ arguments: [TypedExpression],
              mask: [Bool]?) throws(SluiceError) -> Vector {
        if case .concat = function { return try concat(arguments, mask: mask) }
        var vectors: [Vector] = []
        for argument in arguments {
            let vector = try evaluate(argument, mask: mask)
            // Every other function is NULL on a NULL argument.
            if vector.isNullConstant { return .null(node.type) }
            vectors.append(vector)
        }
        let constant = vectors.allSatisfy(\.isConstant)
        let count = constant ? 1 : rowCount
        let active = activeRows(vectors, mask: mask)
        let column: Column
        do {
            switch function {
            case .lower:
                column = StringKernels.changeCase(BytesOperand(vectors[0]), upper: false, count: count, validity: active)
            case .upper:
                column = StringKernels.changeCase(BytesOperand(vectors[0]), upper: true, count: count, validity: active)
            case .trim(let leading, let trailing, let characters):
                column = StringKernels.trim(BytesOperand(vectors[0]), leading: leading, trailing: trailing, characters: characters,
                                            count: count, validity: active)
            case .substring:
                column = try StringKernels.substring(BytesOperand(vectors[0]), start: Operand<Int64>(vectors[1]),
                                                     length: vectors.count > 2 ? Operand<Int64>(vectors[2]) : nil,
                                                     count: count, validity: active)
            case .length:
                column = StringKernels.length(BytesOperand(vectors[0]), characters: arguments[0].type != .binary, count: count,
                                              validity: active)
            case .replace:
                column = StringKernels.replace(BytesOperand(vectors[0]), BytesOperand(vectors[1]), BytesOperand(vectors[2]),
                                               count: count, validity: active)
            case .regexpReplace(let replacement):
                column = StringKernels.regexpReplace(BytesOperand(vectors[0]), replacement, count: count, validity: active)
            case .dateTrunc(let unit):
                column = try TimeKernels.truncate(vectors[0], type: arguments[0].type, to: unit, count: count, validity: active)
            case .extract(let field):
                column = TimeKernels.extract(field, from: vectors[0], type: arguments[0].type, count: count, validity: active)
            case .toDate(let format):
                column = try TimeKernels.parse(BytesOperand(vectors[0]), format: format, date: true, count: count, validity: active)
            case .toTimestamp(let format):
                column = try TimeKernels.parse(BytesOperand(vectors[0]), format: format, date: false, count: count, validity: active)
            case .epochToTimestamp:
                column = try TimeKernels.fromEpoch(Operand<Int128>(vectors[0]), scale: arguments[0].type.decimalScale, count: count,
                                                   validity: active)
            case .concat:
                preconditionFailure("handled above")
            }
        } catch {
            guard let row = failedRow(error.slot, constant: constant, mask: mask) else { return .null(node.type) }
            throw self.error(.expressionInvalidValue, "invalid value", error.reason, at: node, row: row)
        }
        return Vector(column: column, isConstant: constant)
    }

    /// `concat(...)`: the arguments' text one after the other, NULLs skipped; never NULL.
    private func concat(_ arguments: [TypedExpression], mask: [Bool]?) throws(SluiceError) -> Vector {
        var operands: [BytesOperand] = []
        for argument in arguments {
            let vector = try evaluate(argument, mask: mask)
            if !vector.isNullConstant { operands.append(BytesOperand(vector)) }
        }
        let constant = operands.allSatisfy { $0.stride == 0 }
        let count = constant ? 1 : rowCount
        var builder = BytesBuilder(capacity: count, byteCapacity: operands.reduce(0) { $0 + $1.arrays.bytes.count })
        for slot in 0..<count {
            for operand in operands where operand.validity?[slot] ?? true {
                operand.withStorage { bytes, offsets in
                    builder.appendPart(bytes.value(slot, stride: operand.stride, offsets: offsets))
                }
            }
            builder.endValue()
        }
        return Vector(column: Column(values: .bytes(builder.finish())), isConstant: constant)
    }
}
