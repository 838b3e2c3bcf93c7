/// Writes little-endian values into memory sized beforehand; the Native encoder computes the exact
/// size of a block first, so no bounds checks or reallocation happen while writing.
struct NativeWriter {
    let base: UnsafeMutableRawPointer
    private(set) var offset = 0

    init(base: UnsafeMutableRawPointer) {
        self.base = base
    }

    @inline(__always)
    mutating func byte(_ value: UInt8) {
        base.storeBytes(of: value, toByteOffset: offset, as: UInt8.self)
        offset += 1
    }

    @inline(__always)
    mutating func integer<T: FixedWidthInteger>(_ value: T) {
        base.storeBytes(of: value.littleEndian, toByteOffset: offset, as: T.self)
        offset += MemoryLayout<T>.size
    }

    /// LEB128, as ClickHouse writes lengths and counts (`writeVarUInt`).
    @inline(__always)
    mutating func varint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            byte(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        byte(UInt8(rest))
    }

    @inline(__always)
    mutating func bytes(_ source: UnsafeRawBufferPointer) {
        guard let address = source.baseAddress, source.count > 0 else { return }
        (base + offset).copyMemory(from: address, byteCount: source.count)
        offset += source.count
    }

    mutating func bytes(_ source: [UInt8]) {
        source.withUnsafeBytes { bytes($0) }
    }

    mutating func zeros(_ count: Int) {
        (base + offset).initializeMemory(as: UInt8.self, repeating: 0, count: count)
        offset += count
    }

    /// A Native `String`: varint length, then the bytes.
    mutating func string(_ source: UnsafeRawBufferPointer) {
        varint(UInt64(source.count))
        bytes(source)
    }

    static func varintSize(_ value: UInt64) -> Int {
        var size = 1
        var rest = value >> 7
        while rest != 0 {
            size += 1
            rest >>= 7
        }
        return size
    }
}
