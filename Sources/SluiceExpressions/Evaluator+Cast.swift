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

    /// `a || b || ...`: NULL when any part is.
    func concatenate(_ parts: [TypedExpression], mask: [Bool]?) throws(SluiceError) -> Vector {
        var vectors: [Vector] = []
        for part in parts {
            let vector = try evaluate(part, mask: mask)
            if vector.isNullConstant { return .null(.string) }
            vectors.append(vector)
        }
        let constant = vectors.allSatisfy(\.isConstant)
        let count = constant ? 1 : rowCount
        let validity = activeRows(vectors, mask: mask)
        let operands = vectors.map(BytesOperand.init)
        // Part at a time: the lengths, then each part copied to its place in every row.
        var offsets = [Int](repeating: 0, count: count + 1)
        for operand in operands {
            operand.withStorage { _, partOffsets in
                for slot in 0..<count where validity?[slot] ?? true {
                    let index = slot &* operand.stride
                    offsets[slot + 1] += partOffsets[index + 1] - partOffsets[index]
                }
            }
        }
        for slot in 0..<count { offsets[slot + 1] += offsets[slot] }
        var cursor = offsets
        let bytes = [UInt8](unsafeUninitializedCapacity: offsets[count]) { buffer, initialized in
            let output = UnsafeMutableRawBufferPointer(buffer)
            for operand in operands {
                operand.withStorage { partBytes, partOffsets in
                    for slot in 0..<count where validity?[slot] ?? true {
                        let value = partBytes.value(slot, stride: operand.stride, offsets: partOffsets)
                        UnsafeMutableRawBufferPointer(rebasing: output[cursor[slot]..<cursor[slot] + value.count]).copyMemory(from: value)
                        cursor[slot] += value.count
                    }
                }
            }
            initialized = offsets[count]
        }
        return Vector(column: Column(values: .bytes(ByteArrays(offsets: offsets, bytes: bytes)), validity: validity), isConstant: constant)
    }
}
