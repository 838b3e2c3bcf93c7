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

    /// Source by source, each a tight loop over the rows that chose it.
    private static func typed<T: StorageElement>(_: T.Type, _ sources: [Vector], _ choice: [Int32]) -> Column {
        let count = choice.count
        var values = [T](repeating: .zero, count: count)
        var validity = [Bool](repeating: false, count: count)
        for (index, source) in sources.enumerated() {
            let operand = Operand<T>(source)
            let (lane, laneStride) = operand.validityLane()
            let chosen = Int32(index), stride = operand.stride
            values.withUnsafeMutableBufferPointer { out in
                validity.withUnsafeMutableBufferPointer { valid in
                    operand.values.withUnsafeBufferPointer { input in
                        lane.withUnsafeBufferPointer { inputValid in
                            choice.withUnsafeBufferPointer { choices in
                                for row in 0..<count where choices[row] == chosen && inputValid[row &* laneStride] {
                                    out[row] = input[row &* stride]
                                    valid[row] = true
                                }
                            }
                        }
                    }
                }
            }
        }
        return Column(values: T.values(values), validity: validity.contains(false) ? validity : nil)
    }

    private static func bytes(_ sources: [Vector], _ choice: [Int32]) -> Column {
        let operands = sources.map(BytesOperand.init)
        let storages = operands.map(\.arrays.bytes), offsets = operands.map(\.arrays.offsets), strides = operands.map(\.stride)
        let lanes = operands.map { $0.validityLane() }
        var builder = BytesBuilder(capacity: choice.count, byteCapacity: storages.reduce(0) { $0 + $1.count })
        var validity = [Bool](repeating: false, count: choice.count)
        var anyNull = false
        for row in choice.indices {
            let source = Int(choice[row])
            if source >= 0 && lanes[source].0[row &* lanes[source].1] {
                let slot = row &* strides[source]
                storages[source].withUnsafeBytes { bytes in
                    builder.append(UnsafeRawBufferPointer(rebasing: bytes[offsets[source][slot]..<offsets[source][slot + 1]]))
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
