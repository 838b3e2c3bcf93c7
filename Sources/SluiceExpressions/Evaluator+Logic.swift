import SluiceCore

extension Evaluator {
    /// AND and OR in three-valued logic. The right operand is evaluated only for the rows the left one does not
    /// decide (AND: not false; OR: not true), so it may guard a computation that would fail.
    func logical(isAnd: Bool, _ left: TypedExpression, _ right: TypedExpression, mask: [Bool]?) throws(SluiceError) -> Vector {
        let a = try evaluate(left, mask: mask)
        let deciding = !isAnd
        var rightMask = mask
        if a.isConstant {
            if !a.isNullConstant && Operand<Bool>(a)[0] == deciding { return a }
        } else {
            let values = Operand<Bool>(a)
            let (validity, validityStride) = values.validityLane()
            var needed = mask ?? [Bool](repeating: true, count: rowCount)
            needed.withUnsafeMutableBufferPointer { out in
                values.values.withUnsafeBufferPointer { v in
                    validity.withUnsafeBufferPointer { pv in
                        for i in 0..<rowCount where pv[i &* validityStride] && v[i] == deciding { out[i] = false }
                    }
                }
            }
            rightMask = needed
        }
        let b = try evaluate(right, mask: rightMask)
        let count = slotCount(a, b)
        let x = Operand<Bool>(a), y = Operand<Bool>(b)
        let (xValid, xs) = x.validityLane()
        let (yValid, ys) = y.validityLane()
        var values = [Bool](repeating: false, count: count)
        var validity = [Bool](repeating: true, count: count)
        var anyNull = false
        values.withUnsafeMutableBufferPointer { out in
            validity.withUnsafeMutableBufferPointer { outValid in
                x.values.withUnsafeBufferPointer { xv in
                    y.values.withUnsafeBufferPointer { yv in
                        xValid.withUnsafeBufferPointer { xa in
                            yValid.withUnsafeBufferPointer { ya in
                                let xStride = x.stride, yStride = y.stride
                                for i in 0..<count {
                                    let va = xa[i &* xs], vb = ya[i &* ys]
                                    let p = xv[i &* xStride], q = yv[i &* yStride]
                                    let aDecides = va && p == deciding, bDecides = vb && q == deciding
                                    let valid = aDecides || bDecides || (va && vb)
                                    outValid[i] = valid
                                    anyNull = anyNull || !valid
                                    out[i] = valid && (isAnd ? !(aDecides || bDecides) : (aDecides || bDecides))
                                }
                            }
                        }
                    }
                }
            }
        }
        return Vector(column: Column(values: .boolean(values), validity: anyNull ? validity : nil),
                      isConstant: a.isConstant && b.isConstant)
    }

    func not(_ operand: TypedExpression, mask: [Bool]?) throws(SluiceError) -> Vector {
        let a = try evaluate(operand, mask: mask)
        var values = Operand<Bool>(a).values
        for i in values.indices { values[i] = !values[i] }
        if let validity = a.column.validity { Kernels.zeroInvalid(&values, validity) }
        return Vector(column: Column(values: .boolean(values), validity: a.column.validity), isConstant: a.isConstant)
    }

    func isNull(_ operand: TypedExpression, negated: Bool, mask: [Bool]?) throws(SluiceError) -> Vector {
        let a = try evaluate(operand, mask: mask)
        let count = slotCount(a)
        guard let validity = a.column.validity else {
            return Vector(column: Column(values: .boolean([Bool](repeating: negated, count: count))), isConstant: a.isConstant)
        }
        let values = negated ? validity : validity.map { !$0 }
        return Vector(column: Column(values: .boolean(values)), isConstant: a.isConstant)
    }

    /// `value IN (constants)`: true on a hit; on a miss false, or NULL when the list holds a NULL.
    func inSet(_ operand: TypedExpression, _ set: ConstantSet, mask: [Bool]?) throws(SluiceError) -> Vector {
        let a = try evaluate(operand, mask: mask)
        if a.isNullConstant { return .null(.boolean) }
        let count = slotCount(a)
        var hits: [Bool]
        switch set {
        case .int32(let items, _): hits = SetKernels.contains(Operand<Int32>(a), items, count: count)
        case .int64(let items, _): hits = SetKernels.contains(Operand<Int64>(a), items, count: count)
        case .int128(let items, _): hits = SetKernels.contains(Operand<Int128>(a), items, count: count)
        case .bytes(let items, _): hits = SetKernels.contains(BytesOperand(a), items, count: count)
        }
        var validity = a.isConstant ? nil : a.column.validity
        if set.containsNull {
            // A miss compares NULL with the list's NULL: unknown.
            validity = zip(hits, validity ?? [Bool](repeating: true, count: count)).map { $0 && $1 }
        }
        if let validity { Kernels.zeroInvalid(&hits, validity) }
        return Vector(column: Column(values: .boolean(hits), validity: validity.flatMap { $0.contains(false) ? $0 : nil }),
                      isConstant: a.isConstant)
    }

    func like(_ operand: TypedExpression, _ pattern: LikePattern, mask: [Bool]?) throws(SluiceError) -> Vector {
        let a = try evaluate(operand, mask: mask)
        if a.isNullConstant { return .null(.boolean) }
        let count = slotCount(a)
        let text = BytesOperand(a)
        var values = [Bool](repeating: false, count: count)
        text.withStorage { bytes, offsets in
            values.withUnsafeMutableBufferPointer { out in
                for i in 0..<count { out[i] = pattern.matches(bytes.value(i, stride: text.stride, offsets: offsets)) }
            }
        }
        let validity = a.isConstant ? nil : a.column.validity
        if let validity { Kernels.zeroInvalid(&values, validity) }
        return Vector(column: Column(values: .boolean(values), validity: validity), isConstant: a.isConstant)
    }
}

extension Operand {
    /// Per-row validity with a stride, for loops that read NULL and non-NULL rows alike.
    func validityLane() -> ([Bool], Int) {
        if let validity { return (validity, 1) }
        return ([!isNull], 0)
    }
}

extension BytesOperand {
    func validityLane() -> ([Bool], Int) {
        if let validity { return (validity, 1) }
        return ([!isNull], 0)
    }
}
