#if canImport(Darwin)
import Darwin
#else
import Glibc
#endif

/// Insertion-ordered dictionary of byte strings (BYTE_ARRAY, or FIXED_LEN_BYTE_ARRAY when all values have one
/// width): values stored back to back, an open-addressing hash table over their indices.
final class ByteArrayDictionary {
    private(set) var data = ByteBuffer(capacity: 1 << 14)
    /// `count + 1` offsets into `data`.
    private(set) var offsets: UnsafeMutablePointer<Int>
    private var hashes: UnsafeMutablePointer<UInt64>
    private(set) var count = 0
    private var capacity: Int
    private var slots: UnsafeMutablePointer<Int32>
    private var slotMask: Int

    init() {
        capacity = 1024
        offsets = .allocate(capacity: capacity + 1)
        offsets[0] = 0
        hashes = .allocate(capacity: capacity)
        let slotCount = 2048
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: -1, count: slotCount)
        slotMask = slotCount - 1
    }

    deinit {
        offsets.deallocate()
        hashes.deallocate()
        slots.deallocate()
    }

    /// Total bytes of the values (without length prefixes).
    var byteCount: Int { data.count }

    @inline(__always)
    func value(at index: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: data.base + offsets[index], count: offsets[index + 1] - offsets[index])
    }

    /// The index of the `length` bytes at `pointer`, inserting them if new.
    @inline(__always)
    func index(of pointer: UnsafeRawPointer, length: Int) -> UInt32 {
        let hash = ByteHash.hash(pointer, length)
        var s = Int(truncatingIfNeeded: hash) & slotMask
        while true {
            let entry = slots[s]
            if entry < 0 { break }
            let e = Int(entry)
            if hashes[e] == hash {
                let start = offsets[e]
                if offsets[e + 1] - start == length && Self.equal(data.base + start, pointer, length) {
                    return UInt32(e)
                }
            }
            s = (s + 1) & slotMask
        }
        return insert(pointer, length: length, hash: hash, slot: s)
    }

    @inline(__always)
    private static func equal(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ length: Int) -> Bool {
        if length <= 8 {
            var k = 0
            while k < length {
                if a.load(fromByteOffset: k, as: UInt8.self) != b.load(fromByteOffset: k, as: UInt8.self) { return false }
                k += 1
            }
            return true
        }
        return memcmp(a, b, length) == 0
    }

    @inline(never)
    private func insert(_ pointer: UnsafeRawPointer, length: Int, hash: UInt64, slot: Int) -> UInt32 {
        if count == capacity {
            let newOffsets = UnsafeMutablePointer<Int>.allocate(capacity: capacity * 2 + 1)
            newOffsets.moveInitialize(from: offsets, count: count + 1)
            offsets.deallocate()
            offsets = newOffsets
            let newHashes = UnsafeMutablePointer<UInt64>.allocate(capacity: capacity * 2)
            newHashes.moveInitialize(from: hashes, count: count)
            hashes.deallocate()
            hashes = newHashes
            capacity *= 2
        }
        let index = count
        data.append(pointer, count: length)
        offsets[index + 1] = data.count
        hashes[index] = hash
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
        for index in 0..<count {
            var s = Int(truncatingIfNeeded: hashes[index]) & slotMask
            while slots[s] >= 0 { s = (s + 1) & slotMask }
            slots[s] = Int32(index)
        }
    }

    func removeAll() {
        count = 0
        data.removeAll()
        slots.update(repeating: -1, count: slotMask + 1)
    }
}


/// A fast non-cryptographic hash of short byte strings (multiply-xorshift over 8-byte words).
enum ByteHash {
    @inline(__always)
    static func hash(_ pointer: UnsafeRawPointer, _ length: Int) -> UInt64 {
        let m: UInt64 = 0x9E37_79B9_7F4A_7C15
        var h: UInt64 = UInt64(truncatingIfNeeded: length) &* m
        var i = 0
        while i + 8 <= length {
            let word = pointer.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ word) &* m
            h ^= h >> 29
            i += 8
        }
        if i < length {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < length {
                tail |= UInt64(pointer.load(fromByteOffset: i, as: UInt8.self)) << shift
                shift += 8
                i += 1
            }
            h = (h ^ tail) &* m
        }
        h ^= h >> 32
        h = h &* 0xD6E8_FEB8_6659_FD93
        h ^= h >> 32
        return h
    }
}
