/// A value that dictionary and PLAIN encoding treat as a fixed-width bit pattern.
protocol ParquetFixedWidth: BitwiseCopyable, Equatable {
    /// The bits that identify the value in a dictionary (floats by bit pattern, so -0.0 and 0.0 stay apart).
    var dictionaryKey: UInt64 { get }
}

extension Int32: ParquetFixedWidth {
    @inline(__always) var dictionaryKey: UInt64 { UInt64(UInt32(bitPattern: self)) }
}

extension Int64: ParquetFixedWidth {
    @inline(__always) var dictionaryKey: UInt64 { UInt64(bitPattern: self) }
}

extension Float: ParquetFixedWidth {
    @inline(__always) var dictionaryKey: UInt64 { UInt64(bitPattern) }
}

extension Double: ParquetFixedWidth {
    @inline(__always) var dictionaryKey: UInt64 { bitPattern }
}

/// Insertion-ordered dictionary of fixed-width values: an open-addressing hash table (linear probing,
/// load factor at most 1/2) over indices into a value array.
final class FixedWidthDictionary<T: ParquetFixedWidth> {
    private(set) var values: UnsafeMutablePointer<T>
    private(set) var count = 0
    private var valueCapacity: Int
    private var slots: UnsafeMutablePointer<Int32>
    private var slotMask: Int
    private var shift: UInt64

    init() {
        valueCapacity = 1024
        values = .allocate(capacity: valueCapacity)
        let slotCount = 2048
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: -1, count: slotCount)
        slotMask = slotCount - 1
        shift = UInt64(64 - 11)
    }

    deinit {
        values.deallocate()
        slots.deallocate()
    }

    /// Bytes of the PLAIN-encoded dictionary page.
    var plainSize: Int { count * MemoryLayout<T>.size }

    @inline(__always)
    private func slot(for key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// The index of `value`, inserting it if new.
    @inline(__always)
    func index(of value: T) -> UInt32 {
        let key = value.dictionaryKey
        var s = slot(for: key)
        while true {
            let entry = slots[s]
            if entry < 0 { break }
            if values[Int(entry)].dictionaryKey == key { return UInt32(entry) }
            s = (s + 1) & slotMask
        }
        return insert(value, at: s)
    }

    @inline(never)
    private func insert(_ value: T, at slot: Int) -> UInt32 {
        if count == valueCapacity {
            let newValues = UnsafeMutablePointer<T>.allocate(capacity: valueCapacity * 2)
            newValues.moveInitialize(from: values, count: count)
            values.deallocate()
            values = newValues
            valueCapacity *= 2
        }
        let index = count
        values[index] = value
        count += 1
        slots[slot] = Int32(index)
        if count * 2 > slotMask + 1 { rehash() }
        return UInt32(index)
    }

    private func rehash() {
        let slotCount = (slotMask + 1) * 2
        slots.deallocate()
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: -1, count: slotCount)
        slotMask = slotCount - 1
        shift = UInt64(64 - slotCount.trailingZeroBitCount)
        for index in 0..<count {
            var s = slot(for: values[index].dictionaryKey)
            while slots[s] >= 0 { s = (s + 1) & slotMask }
            slots[s] = Int32(index)
        }
    }

    func removeAll() {
        count = 0
        slots.update(repeating: -1, count: slotMask + 1)
    }
}
