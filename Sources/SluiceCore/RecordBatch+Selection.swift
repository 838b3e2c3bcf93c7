extension Column {
    /// The rows whose `keep` flag is true, in order.
    public func selecting(_ keep: [Bool]) -> Column {
        precondition(keep.count == count, "one flag per row")
        func pick<T>(_ values: [T]) -> [T] {
            var out: [T] = []
            out.reserveCapacity(values.count)
            for (value, kept) in zip(values, keep) where kept { out.append(value) }
            return out
        }
        let newValues: ColumnValues
        switch values {
        case .boolean(let v): newValues = .boolean(pick(v))
        case .int32(let v): newValues = .int32(pick(v))
        case .int64(let v): newValues = .int64(pick(v))
        case .int128(let v): newValues = .int128(pick(v))
        case .float32(let v): newValues = .float32(pick(v))
        case .float64(let v): newValues = .float64(pick(v))
        case .bytes(let v):
            var out = ByteArrays()
            for index in 0..<v.count where keep[index] { out.append(v[index]) }
            newValues = .bytes(out)
        case .fixedBytes(let width, let v):
            var out: [UInt8] = []
            for index in 0..<keep.count where keep[index] { out.append(contentsOf: v[index * width..<(index + 1) * width]) }
            newValues = .fixedBytes(width: width, out)
        }
        let newValidity = validity.map(pick)
        return Column(values: newValues, validity: newValidity.flatMap { $0.contains(false) ? $0 : nil })
    }
}

extension RecordBatch {
    /// The rows whose `keep` flag is true, in order.
    public func selecting(_ keep: [Bool]) -> RecordBatch {
        let columns = columns.map { $0.selecting(keep) }
        // Same schema, same kinds, equal lengths: cannot fail.
        return try! RecordBatch(schema: schema, columns: columns)
    }

    /// This batch with `column` appended as the last field.
    public func appending(_ field: Field, _ column: Column) throws(SluiceError) -> RecordBatch {
        try RecordBatch(schema: Schema(schema.fields + [field]), columns: columns + [column])
    }
}

extension Column {
    /// The rows at `indices`, in that order; an index of -1 gives a NULL (a join's miss).
    public func taking(_ indices: [Int32]) -> Column {
        var validity = [Bool](repeating: true, count: indices.count)
        var anyNull = false
        for (position, index) in indices.enumerated() where index < 0 || isNull(Int(index)) {
            validity[position] = false
            anyNull = true
        }
        func take<T>(_ values: [T], _ empty: T) -> [T] {
            indices.map { $0 < 0 ? empty : values[Int($0)] }
        }
        let taken: ColumnValues
        switch values {
        case .boolean(let v): taken = .boolean(take(v, false))
        case .int32(let v): taken = .int32(take(v, 0))
        case .int64(let v): taken = .int64(take(v, 0))
        case .int128(let v): taken = .int128(take(v, 0))
        case .float32(let v): taken = .float32(take(v, 0))
        case .float64(let v): taken = .float64(take(v, 0))
        case .bytes(let v):
            var out = ByteArrays()
            for index in indices {
                if index < 0 { out.appendEmpty() } else { out.append(v[Int(index)]) }
            }
            taken = .bytes(out)
        case .fixedBytes(let width, let v):
            var out: [UInt8] = []
            out.reserveCapacity(indices.count * width)
            for index in indices {
                if index < 0 { out.append(contentsOf: repeatElement(0, count: width)) } else {
                    out.append(contentsOf: v[Int(index) * width..<(Int(index) + 1) * width])
                }
            }
            taken = .fixedBytes(width: width, out)
        }
        return Column(values: taken, validity: anyNull ? validity : nil)
    }

    /// Columns of the same storage one after the other.
    public static func concatenating(_ parts: [Column], storage: StorageKind) -> Column {
        var validity: [Bool] = []
        var anyNull = false
        for part in parts {
            if let own = part.validity { validity += own; anyNull = anyNull || own.contains(false) } else {
                validity += repeatElement(true, count: part.count)
            }
        }
        func join<T>(_ extract: (ColumnValues) -> [T]?) -> [T] { parts.flatMap { extract($0.values) ?? [] } }
        let values: ColumnValues
        switch storage {
        case .boolean: values = .boolean(join { if case .boolean(let v) = $0 { v } else { nil } })
        case .int32: values = .int32(join { if case .int32(let v) = $0 { v } else { nil } })
        case .int64: values = .int64(join { if case .int64(let v) = $0 { v } else { nil } })
        case .int128: values = .int128(join { if case .int128(let v) = $0 { v } else { nil } })
        case .float32: values = .float32(join { if case .float32(let v) = $0 { v } else { nil } })
        case .float64: values = .float64(join { if case .float64(let v) = $0 { v } else { nil } })
        case .bytes:
            var out = ByteArrays()
            for part in parts { if case .bytes(let v) = part.values { for index in 0..<v.count { out.append(v[index]) } } }
            values = .bytes(out)
        case .fixedBytes(let width):
            values = .fixedBytes(width: width, join { if case .fixedBytes(_, let v) = $0 { v } else { nil } })
        }
        return Column(values: values, validity: anyNull ? validity : nil)
    }
}
