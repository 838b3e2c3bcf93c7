/// Membership in a sorted list of constants.
enum SetKernels {
    static func contains<T: StorageElement & Comparable>(_ a: Operand<T>, _ items: [T], count: Int) -> [Bool] {
        var result = [Bool](repeating: false, count: count)
        result.withUnsafeMutableBufferPointer { out in
            a.values.withUnsafeBufferPointer { values in
                items.withUnsafeBufferPointer { sorted in
                    for i in 0..<count {
                        let value = values[i &* a.stride]
                        if sorted.count <= 8 {
                            out[i] = sorted.contains(value)
                        } else {
                            var low = 0, high = sorted.count
                            while low < high {
                                let middle = (low + high) / 2
                                if sorted[middle] < value { low = middle + 1 } else { high = middle }
                            }
                            out[i] = low < sorted.count && sorted[low] == value
                        }
                    }
                }
            }
        }
        return result
    }

    static func contains(_ a: BytesOperand, _ items: [[UInt8]], count: Int) -> [Bool] {
        var result = [Bool](repeating: false, count: count)
        a.withStorage { bytes, offsets in
            for i in 0..<count {
                let value = bytes.value(i, stride: a.stride, offsets: offsets)
                var low = 0, high = items.count
                while low < high {
                    let middle = (low + high) / 2
                    let order = items[middle].withUnsafeBytes { ComparisonKernels.compareBytes($0, value) }
                    if order < 0 { low = middle + 1 } else { high = middle }
                }
                result[i] = low < items.count && items[low].withUnsafeBytes { ComparisonKernels.compareBytes($0, value) } == 0
            }
        }
        return result
    }
}
