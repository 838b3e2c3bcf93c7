import SluiceCore

extension Evaluator {
    /// `CASE WHEN`: each condition is evaluated for the rows no earlier branch took, each result only for the rows
    /// its condition took, ELSE (or NULL) for the rest.
    func caseWhen(_ node: TypedExpression, _ branches: [TypedExpression.CaseBranch], otherwise: TypedExpression?,
                  mask: [Bool]?) throws(SluiceError) -> Vector {
        var pending = mask ?? [Bool](repeating: true, count: rowCount)
        var pendingCount = pending.reduce(0) { $0 + ($1 ? 1 : 0) }
        var choice = [Int32](repeating: -1, count: rowCount)
        var sources: [Vector] = []
        for branch in branches where pendingCount > 0 {
            let condition = try evaluate(branch.condition, mask: pending)
            let index = Int32(sources.count)
            // One pass: the rows this branch takes leave `pending` and choose it.
            var taken = [Bool](repeating: false, count: rowCount)
            var takenCount = 0
            let truth = Operand<Bool>(condition)
            let (validity, validityStride) = truth.validityLane()
            truth.values.withUnsafeBufferPointer { values in
                validity.withUnsafeBufferPointer { valid in
                    pending.withUnsafeMutableBufferPointer { pendingRows in
                        taken.withUnsafeMutableBufferPointer { takenRows in
                            choice.withUnsafeMutableBufferPointer { chosen in
                                for row in 0..<rowCount where pendingRows[row] && valid[row &* validityStride] && values[row &* truth.stride] {
                                    takenRows[row] = true
                                    pendingRows[row] = false
                                    chosen[row] = index
                                    takenCount += 1
                                }
                            }
                        }
                    }
                }
            }
            guard takenCount > 0 else { continue }
            sources.append(try evaluate(branch.value, mask: taken))
            pendingCount -= takenCount
        }
        if let otherwise, pendingCount > 0 {
            let value = try evaluate(otherwise, mask: pending)
            let index = Int32(sources.count)
            sources.append(value)
            for row in 0..<rowCount where pending[row] { choice[row] = index }
        }
        return Vector(column: Gather.column(type: node.type, sources: sources, choice: choice), isConstant: false)
    }

    /// The first non-NULL argument; each argument is evaluated only for the rows still NULL.
    func coalesce(_ node: TypedExpression, _ arguments: [TypedExpression], mask: [Bool]?) throws(SluiceError) -> Vector {
        var pending = mask ?? [Bool](repeating: true, count: rowCount)
        var pendingCount = pending.reduce(0) { $0 + ($1 ? 1 : 0) }
        var choice = [Int32](repeating: -1, count: rowCount)
        var sources: [Vector] = []
        for argument in arguments where pendingCount > 0 {
            let value = try evaluate(argument, mask: pending)
            if value.isNullConstant { continue }
            if sources.isEmpty && value.column.validity == nil && mask == nil {
                return value
            }
            let index = Int32(sources.count)
            sources.append(value)
            let (lane, laneStride) = value.isConstant ? ([true], 0) : (value.column.validity ?? [true], value.column.validity == nil ? 0 : 1)
            lane.withUnsafeBufferPointer { valid in
                pending.withUnsafeMutableBufferPointer { pendingRows in
                    choice.withUnsafeMutableBufferPointer { chosen in
                        for row in 0..<rowCount where pendingRows[row] && valid[row &* laneStride] {
                            chosen[row] = index
                            pendingRows[row] = false
                            pendingCount -= 1
                        }
                    }
                }
            }
        }
        return Vector(column: Gather.column(type: node.type, sources: sources, choice: choice), isConstant: false)
    }

    /// `NULLIF(value, other)`: NULL where the comparison `equal` is true.
    func nullIf(_ value: TypedExpression, equal: TypedExpression, mask: [Bool]?) throws(SluiceError) -> Vector {
        let a = try evaluate(value, mask: mask)
        let same = try evaluate(equal, mask: mask)
        let truth = Operand<Bool>(same)
        let (sameValidity, sameStride) = truth.validityLane()
        let count = slotCount(a, same)
        var result = a.isConstant && count > 1 ? a.materialized(count: count) : a.column
        var validity = result.validity ?? [Bool](repeating: true, count: count)
        var changed = false
        for row in 0..<count where validity[row] && sameValidity[row &* sameStride] && truth[row] {
            validity[row] = false
            changed = true
        }
        guard changed else { return Vector(column: result, isConstant: a.isConstant && same.isConstant) }
        result = Gather.column(type: value.type, sources: [Vector(column: result, isConstant: false)],
                               choice: validity.map { $0 ? 0 : -1 })
        return Vector(column: result, isConstant: a.isConstant && same.isConstant)
    }
}
