/// The value bytes of a byte-string column being decoded, kept in the `[UInt8]` that ``SluiceCore/ByteArrays`` will
/// own, so that finishing the column hands the array over instead of copying it (a copy would briefly double the
/// largest column of a row group, which is what bounds a reader's memory).
///
/// The array's count is its capacity (UInt8 has no invalid values, so the unwritten tail is harmless); ``count`` says
/// how much is written. It starts at the size the chunk is expected to need and grows by doubling when that was short.
struct ColumnBytes {
    private var storage: [UInt8]
    private(set) var count = 0

    init(capacity: Int) {
        storage = Self.uninitialized(max(capacity, 64))
    }

    /// Makes room for `extra` more bytes.
    mutating func reserve(_ extra: Int) {
        let needed = count + extra
        guard needed > storage.count else { return }
        var capacity = max(storage.count * 2, 64)
        while capacity < needed { capacity *= 2 }
        var larger = Self.uninitialized(capacity)
        let used = count
        larger.withUnsafeMutableBytes { target in
            storage.withUnsafeBytes { source in
                if used > 0 { target.baseAddress!.copyMemory(from: source.baseAddress!, byteCount: used) }
            }
        }
        storage = larger
    }

    /// Appends `length` bytes that `write` fills, given where they start.
    mutating func append(_ length: Int, _ write: (UnsafeMutableRawPointer) -> Void) {
        reserve(length)
        let start = count
        storage.withUnsafeMutableBytes { write($0.baseAddress! + start) }
        count += length
    }

    /// The written bytes; the builder is empty afterwards. The array is handed over when it wastes at most an eighth
    /// of itself (the estimate was close: PLAIN pages' lengths and levels), else copied to its size.
    mutating func take() -> [UInt8] {
        let used = count
        var storage: [UInt8] = []
        swap(&storage, &self.storage)
        count = 0
        if storage.count - used > used / 8 {
            return [UInt8](unsafeUninitializedCapacity: used) { buffer, initialized in
                storage.withUnsafeBytes { source in
                    if used > 0 { UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: source.baseAddress!, byteCount: used) }
                }
                initialized = used
            }
        }
        storage.removeLast(storage.count - used)
        return storage
    }

    private static func uninitialized(_ count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }
}
