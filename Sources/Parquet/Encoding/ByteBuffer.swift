/// A growable byte buffer with unchecked appends, for the encoders' hot loops.
///
/// Owns its memory (freed in `deinit`); non-copyable so that it can never be aliased.
struct ByteBuffer: ~Copyable {
    private(set) var base: UnsafeMutableRawPointer
    private(set) var count = 0
    private(set) var capacity: Int

    init(capacity: Int = 1024) {
        self.capacity = max(capacity, 64)
        base = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 16)
    }

    deinit {
        base.deallocate()
    }

    var isEmpty: Bool { count == 0 }

    /// Makes room for `extra` more bytes.
    @inline(__always)
    mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(count + extra) }
    }

    @inline(never)
    private mutating func grow(_ needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
        newBase.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    mutating func removeAll() { count = 0 }

    @inline(__always)
    mutating func appendByte(_ byte: UInt8) {
        reserve(1)
        base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    @inline(__always)
    mutating func appendUInt32LE(_ value: UInt32) {
        reserve(4)
        base.storeBytes(of: value.littleEndian, toByteOffset: count, as: UInt32.self)
        count += 4
    }

    @inline(__always)
    mutating func appendUInt64LE(_ value: UInt64) {
        reserve(8)
        base.storeBytes(of: value.littleEndian, toByteOffset: count, as: UInt64.self)
        count += 8
    }

    @inline(__always)
    mutating func append(_ source: UnsafeRawPointer, count byteCount: Int) {
        guard byteCount > 0 else { return }
        reserve(byteCount)
        (base + count).copyMemory(from: source, byteCount: byteCount)
        count += byteCount
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        if let address = bytes.baseAddress { append(address, count: bytes.count) }
    }

    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    mutating func append(contentsOf other: borrowing ByteBuffer) {
        append(other.base, count: other.count)
    }

    /// Appends an unsigned LEB128 varint.
    mutating func appendVarint(_ value: UInt64) {
        var value = value
        reserve(10)
        while value >= 0x80 {
            base.storeBytes(of: UInt8(truncatingIfNeeded: value) | 0x80, toByteOffset: count, as: UInt8.self)
            count += 1
            value >>= 7
        }
        base.storeBytes(of: UInt8(value), toByteOffset: count, as: UInt8.self)
        count += 1
    }

    /// Reserves `byteCount` bytes at the end and returns where they start; the caller fills them.
    @inline(__always)
    mutating func appendUninitialized(_ byteCount: Int) -> UnsafeMutableRawPointer {
        reserve(byteCount)
        let start = base + count
        count += byteCount
        return start
    }

    /// Shrinks the content to `newCount` bytes (after over-reserving with ``appendUninitialized(_:)``).
    mutating func truncate(to newCount: Int) {
        precondition(newCount <= count)
        count = newCount
    }

    mutating func storeByte(_ byte: UInt8, at offset: Int) {
        base.storeBytes(of: byte, toByteOffset: offset, as: UInt8.self)
    }

    func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    func toArray() -> [UInt8] {
        Array(UnsafeRawBufferPointer(start: base, count: count))
    }
}
