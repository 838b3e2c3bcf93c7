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
