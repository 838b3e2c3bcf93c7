import SluiceCore

/// Row loops shared by the evaluator: they combine validity, skip NULL and masked-out rows, and report the first
/// row an operation fails on, leaving messages to the caller.
enum Kernels {
    /// The outcome of a fallible loop.
    enum Output<R> {
        case values([R], validity: [Bool]?)
        /// The operation returned nil at this slot (a row, or 0 for a computation on constants).
        case failed(slot: Int)
    }

    /// Rows valid in every part (nil parts have no NULLs); nil when every row is valid.
    static func validity(_ parts: [Bool]?..., count: Int) -> [Bool]? {
        validity(of: parts, count: count)
    }

    static func validity(of parts: [[Bool]?], count: Int) -> [Bool]? {
        let present = parts.compactMap { $0 }
        switch present.count {
        case 0: return nil
        case 1: return present[0]
        default:
            var result = present[0]
            result.withUnsafeMutableBufferPointer { out in
                for part in present.dropFirst() {
                    part.withUnsafeBufferPointer { p in
                        for i in 0..<count { out[i] = out[i] && p[i] }
                    }
                }
            }
            return result
        }
    }

    /// `f` applied to every row valid in `validity` (every row when nil); NULL rows hold zero.
    @inline(__always)
    static func map<A: StorageElement, R: StorageElement>(
        _ a: Operand<A>, count: Int, validity: [Bool]?, _ f: (A) -> R?
    ) -> Output<R> {
        var failedSlot = -1
        let result = [R](unsafeUninitializedCapacity: count) { buffer, initialized in
            a.values.withUnsafeBufferPointer { pa in
                let sa = a.stride
                if let validity {
                    validity.withUnsafeBufferPointer { pv in
                        for i in 0..<count {
                            if pv[i] {
                                guard let r = f(pa[i &* sa]) else { failedSlot = i; initialized = i; return }
                                buffer[i] = r
                            } else {
                                buffer[i] = R.zero
                            }
                        }
                        initialized = count
                    }
                } else {
                    for i in 0..<count {
                        guard let r = f(pa[i &* sa]) else { failedSlot = i; initialized = i; return }
                        buffer[i] = r
                    }
                    initialized = count
                }
            }
        }
        return failedSlot >= 0 ? .failed(slot: failedSlot) : .values(result, validity: validity)
    }

    /// `f` applied to every row valid in `validity`; NULL rows hold zero.
    @inline(__always)
    static func map<A: StorageElement, B: StorageElement, R: StorageElement>(
        _ a: Operand<A>, _ b: Operand<B>, count: Int, validity: [Bool]?, _ f: (A, B) -> R?
    ) -> Output<R> {
        var failedSlot = -1
        let result = [R](unsafeUninitializedCapacity: count) { buffer, initialized in
            a.values.withUnsafeBufferPointer { pa in
                b.values.withUnsafeBufferPointer { pb in
                    let sa = a.stride, sb = b.stride
                    if let validity {
                        validity.withUnsafeBufferPointer { pv in
                            for i in 0..<count {
                                if pv[i] {
                                    guard let r = f(pa[i &* sa], pb[i &* sb]) else { failedSlot = i; initialized = i; return }
                                    buffer[i] = r
                                } else {
                                    buffer[i] = R.zero
                                }
                            }
                            initialized = count
                        }
                    } else {
                        for i in 0..<count {
                            guard let r = f(pa[i &* sa], pb[i &* sb]) else { failedSlot = i; initialized = i; return }
                            buffer[i] = r
                        }
                        initialized = count
                    }
                }
            }
        }
        return failedSlot >= 0 ? .failed(slot: failedSlot) : .values(result, validity: validity)
    }

    /// `f` applied to every row, NULL or not, for operations that cannot fail; NULL rows are then zeroed.
    @inline(__always)
    static func mapTotal<A: StorageElement, B: StorageElement, R: StorageElement>(
        _ a: Operand<A>, _ b: Operand<B>, count: Int, validity: [Bool]?, _ f: (A, B) -> R
    ) -> [R] {
        var result = [R](unsafeUninitializedCapacity: count) { buffer, initialized in
            a.values.withUnsafeBufferPointer { pa in
                b.values.withUnsafeBufferPointer { pb in
                    let sa = a.stride, sb = b.stride
                    for i in 0..<count { buffer[i] = f(pa[i &* sa], pb[i &* sb]) }
                }
            }
            initialized = count
        }
        if let validity { zeroInvalid(&result, validity) }
        return result
    }

    /// Sets the slots of NULL rows to zero, as ``SluiceCore/Column`` storage expects.
    static func zeroInvalid<R: StorageElement>(_ values: inout [R], _ validity: [Bool]) {
        values.withUnsafeMutableBufferPointer { out in
            validity.withUnsafeBufferPointer { pv in
                for i in 0..<out.count where !pv[i] { out[i] = R.zero }
            }
        }
    }

    /// The values of a loop whose operation cannot fail, as a column.
    static func column<R: StorageElement>(_ output: Output<R>) -> Column {
        guard case .values(let values, let validity) = output else { preconditionFailure("an infallible operation failed") }
        return Column(values: R.values(values), validity: validity)
    }

    /// The first row of `mask` that is set (0 when there is no mask), or nil when none is.
    static func firstActiveRow(_ mask: [Bool]?) -> Int? {
        guard let mask else { return 0 }
        return mask.firstIndex(of: true)
    }
}
