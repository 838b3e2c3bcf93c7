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
            let truth = Operand<Bool>(condition)
            let (validity, validityStride) = truth.validityLane()
            var taken = [Bool](repeating: false, count: rowCount)
            var takenCount = 0
            for row in 0..<rowCount where pending[row] && validity[row &* validityStride] && truth[row] {
                taken[row] = true
                takenCount += 1
            }
            guard takenCount > 0 else { continue }
            let value = try evaluate(branch.value, mask: taken)
            let index = Int32(sources.count)
            sources.append(value)
            for row in 0..<rowCount where taken[row] {
                choice[row] = index
                pending[row] = false
            }
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
            for row in 0..<rowCount where pending[row] && value.isValid(row) {
                choice[row] = index
                pending[row] = false
                pendingCount -= 1
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

/// Builds a column row by row from several vectors: row `i` comes from `sources[choice[i]]`, or is NULL when
/// `choice[i]` is -1 (or the source is NULL there).
enum Gather {
    static func column(type: DataType, sources: [Vector], choice: [Int32]) -> Column {
        switch type.storage {
        case .boolean: return typed(Bool.self, sources, choice)
        case .int32: return typed(Int32.self, sources, choice)
        case .int64: return typed(Int64.self, sources, choice)
        case .int128: return typed(Int128.self, sources, choice)
        case .float32: return typed(Float.self, sources, choice)
        case .float64: return typed(Double.self, sources, choice)
        case .bytes: return bytes(sources, choice)
        case .fixedBytes(let width): return fixedBytes(width: width, sources, choice)
        }
    }

    private static func typed<T: StorageElement>(_: T.Type, _ sources: [Vector], _ choice: [Int32]) -> Column {
        let operands = sources.map { Operand<T>($0) }
        var values = [T](repeating: .zero, count: choice.count)
        var validity = [Bool](repeating: false, count: choice.count)
        var anyNull = false
        for row in choice.indices {
            let source = Int(choice[row])
            if source >= 0 && sources[source].isValid(row) {
                values[row] = operands[source][row]
                validity[row] = true
            } else {
                anyNull = true
            }
        }
        return Column(values: T.values(values), validity: anyNull ? validity : nil)
    }

    private static func bytes(_ sources: [Vector], _ choice: [Int32]) -> Column {
        let operands = sources.map(BytesOperand.init)
        var builder = BytesBuilder(capacity: choice.count)
        var validity = [Bool](repeating: false, count: choice.count)
        var anyNull = false
        for row in choice.indices {
            let source = Int(choice[row])
            if source >= 0 && sources[source].isValid(row) {
                operands[source].withStorage { bytes, offsets in
                    builder.append(bytes.value(row, stride: operands[source].stride, offsets: offsets))
                }
                validity[row] = true
            } else {
                builder.appendEmpty()
                anyNull = true
            }
        }
        return Column(values: .bytes(builder.finish()), validity: anyNull ? validity : nil)
    }

    private static func fixedBytes(width: Int, _ sources: [Vector], _ choice: [Int32]) -> Column {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(width * choice.count)
        var validity = [Bool](repeating: false, count: choice.count)
        var anyNull = false
        for row in choice.indices {
            let source = Int(choice[row])
            if source >= 0 && sources[source].isValid(row), case .fixedBytes(_, let values) = sources[source].column.values {
                let slot = sources[source].isConstant ? 0 : row
                bytes.append(contentsOf: values[slot * width..<(slot + 1) * width])
                validity[row] = true
            } else {
                bytes.append(contentsOf: repeatElement(0, count: width))
                anyNull = true
            }
        }
        return Column(values: .fixedBytes(width: width, bytes), validity: anyNull ? validity : nil)
    }
}
