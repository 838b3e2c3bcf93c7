/// Decoded byte strings of one page as (start, length) pairs pointing into memory someone else keeps alive
/// (the decompressed page, the dictionary page, or a reconstruction buffer).
struct ByteStringViews: ~Copyable {
    var starts = PODBuffer<UnsafeRawPointer>(capacity: 1024)
    var lengths = PODBuffer<Int>(capacity: 1024)

    var count: Int { lengths.count }

    mutating func removeAll() {
        starts.removeAll()
        lengths.removeAll()
    }

    @inline(__always)
    mutating func append(_ start: UnsafeRawPointer, _ length: Int) {
        starts.append(start)
        lengths.append(length)
    }

    /// Total bytes of all values.
    var byteCount: Int {
        var total = 0
        for k in 0..<lengths.count { total += lengths.base[k] }
        return total
    }
}
