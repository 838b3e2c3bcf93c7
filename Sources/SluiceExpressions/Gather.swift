import SluiceCore

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
