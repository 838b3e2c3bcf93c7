public import SluiceCore

/// The keys of a partition's parent rows, each given a dense slot (0, 1, 2, ... in order of first sight), so that
/// what a family task knows per parent (its fate, its expected value, its children's total) lives in plain arrays
/// indexed by slot. Integer keys (integers, dates, timestamps) go through an open-addressing table of `Int64`s, a
/// few nanoseconds per row; other keys (strings, binaries, UUIDs) through a dictionary of their bytes.
public struct ParentKeys: Sendable {
    /// Slot per row for a NULL key, or (in ``slots(of:)``) for a key never inserted.
    public static let none: Int32 = -1

    private var integers = IntegerSlots()
    private var byteKeys: [[UInt8]: Int32] = [:]
    /// Each slot's key, for messages.
    private var keys: [RowKey] = []

    public init() {}

    /// How many distinct keys were inserted.
    public var count: Int { keys.count }

    /// The key of `slot`.
    public func key(_ slot: Int32) -> RowKey { keys[Int(slot)] }

    /// The slot of each row's key, inserting keys not seen before; ``none`` for a NULL key.
    public mutating func slots(inserting column: Column) -> [Int32] {
        var slots = [Int32](repeating: Self.none, count: column.count)
        switch column.values {
        case .int32(let values):
            for row in values.indices where !column.isNull(row) { slots[row] = insert(Int64(values[row])) }
        case .int64(let values):
            for row in values.indices where !column.isNull(row) { slots[row] = insert(values[row]) }
        case .bytes(let values):
            for row in 0..<values.count where !column.isNull(row) { slots[row] = insert(Array(values[row])) }
        case .fixedBytes(let width, let values):
            for row in 0..<column.count where !column.isNull(row) { slots[row] = insert(Array(values[row * width..<(row + 1) * width])) }
        default:
            break
        }
        return slots
    }

    /// The slot of each row's key; ``none`` for a NULL key or one never inserted.
    public func slots(of column: Column) -> [Int32] {
        var slots = [Int32](repeating: Self.none, count: column.count)
        switch column.values {
        case .int32(let values):
            for row in values.indices where !column.isNull(row) { slots[row] = integers.find(Int64(values[row])) }
        case .int64(let values):
            for row in values.indices where !column.isNull(row) { slots[row] = integers.find(values[row]) }
        case .bytes(let values):
            for row in 0..<values.count where !column.isNull(row) { slots[row] = byteKeys[Array(values[row])] ?? Self.none }
        case .fixedBytes(let width, let values):
            for row in 0..<column.count where !column.isNull(row) {
                slots[row] = byteKeys[Array(values[row * width..<(row + 1) * width])] ?? Self.none
            }
        default:
            break
        }
        return slots
    }

    private mutating func insert(_ key: Int64) -> Int32 {
        let (slot, inserted) = integers.insert(key, next: Int32(keys.count))
        if inserted { keys.append(.integer(key)) }
        return slot
    }

    private mutating func insert(_ key: [UInt8]) -> Int32 {
        if let slot = byteKeys[key] { return slot }
        let slot = Int32(keys.count)
        byteKeys[key] = slot
        keys.append(.bytes(key))
        return slot
    }
}

/// `Int64` → slot, open addressing with linear probing; the table doubles at half full.
private struct IntegerSlots: Sendable {
    private var keys: [Int64] = []
    private var slots: [Int32] = []
    private var used = 0
    private var mask = 0
    /// 64 - log2(capacity): the hash is the top bits of the product.
    private var shift: UInt64 = 64

    init() {
        resize(to: 1024)
    }

    /// Fibonacci hashing: consecutive keys (the common case) spread over the whole table.
    private func hash(_ key: Int64) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    func find(_ key: Int64) -> Int32 {
        var index = hash(key) & mask
        while true {
            let slot = slots[index]
            if slot == ParentKeys.none || keys[index] == key { return slot }
            index = (index + 1) & mask
        }
    }

    /// The slot of `key`, giving it `next` when it is new.
    mutating func insert(_ key: Int64, next: Int32) -> (slot: Int32, inserted: Bool) {
        if (used + 1) * 2 > slots.count { resize(to: slots.count * 2) }
        var index = hash(key) & mask
        while true {
            let slot = slots[index]
            if slot == ParentKeys.none {
                keys[index] = key
                slots[index] = next
                used += 1
                return (next, true)
            }
            if keys[index] == key { return (slot, false) }
            index = (index + 1) & mask
        }
    }

    private mutating func resize(to capacity: Int) {
        let oldKeys = keys, oldSlots = slots
        keys = [Int64](repeating: 0, count: capacity)
        slots = [Int32](repeating: ParentKeys.none, count: capacity)
        mask = capacity - 1
        shift = UInt64(64 - capacity.trailingZeroBitCount)
        for index in oldSlots.indices where oldSlots[index] != ParentKeys.none {
            var target = hash(oldKeys[index]) & mask
            while slots[target] != ParentKeys.none { target = (target + 1) & mask }
            keys[target] = oldKeys[index]
            slots[target] = oldSlots[index]
        }
    }
}
