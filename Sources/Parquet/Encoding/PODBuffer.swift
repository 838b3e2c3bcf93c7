/// A growable array of trivial values with unchecked appends, for scratch space in hot loops.
struct PODBuffer<T: BitwiseCopyable>: ~Copyable {
    private(set) var base: UnsafeMutablePointer<T>
    private(set) var count = 0
    private(set) var capacity: Int

    init(capacity: Int = 1024) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit {
        base.deallocate()
    }

    /// Makes room for `extra` more values.
    @inline(__always)
    mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(count + extra) }
    }

    @inline(never)
    private mutating func grow(_ needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<T>.allocate(capacity: newCapacity)
        newBase.moveInitialize(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    @inline(__always)
    mutating func append(_ value: T) {
        reserve(1)
        base[count] = value
        count += 1
    }

    /// Appends `n` values that the caller then writes through the returned pointer.
    @inline(__always)
    mutating func appendUninitialized(_ n: Int) -> UnsafeMutablePointer<T> {
        reserve(n)
        let start = base + count
        count += n
        return start
    }

    mutating func removeAll() { count = 0 }

    /// Ensures room for `n` values in total and sets the count to `n` (contents undefined).
    mutating func resize(_ n: Int) {
        if n > capacity { grow(n) }
        count = n
    }

    var buffer: UnsafeMutableBufferPointer<T> { UnsafeMutableBufferPointer(start: base, count: count) }
}
