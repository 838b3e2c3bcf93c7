import SluiceCore

/// One column's values for the batch being decoded, in raw memory sized for a whole batch: appending is a
/// store and an increment, with no bounds, uniqueness or capacity checks per value. (SluiceCore's
/// ColumnBuilder does the same job through non-inlinable cross-module calls and gives its capacity back on
/// every `finish()`; on the extraction hot path that cost a third of the decoder's time.) ``finish(type:)``
/// copies the batch into SluiceCore's ``Column`` (one copy per column, text included) and starts over,
/// keeping the memory.
///
/// Only the decoder touches a store, on one thread, and never past `capacity` rows: it emits a batch as
/// soon as `capacity` rows are in. A store is a struct of pointers kept in a ``ColumnStores`` buffer and
/// mutated in place there (no reference counting per value); ``ColumnStores`` frees the memory.
struct ColumnStore {
    let capacity: Int
    /// Bytes per value for fixed-width storage; 0 for variable-length bytes.
    let width: Int
    private(set) var count = 0
    private(set) var nulls = 0
    private let values: UnsafeMutableRawPointer
    private let validity: UnsafeMutablePointer<Bool>
    /// Variable-length values: `count + 1` offsets into `bytes`.
    private let offsets: UnsafeMutablePointer<Int>?
    private var bytes: UnsafeMutableRawPointer
    private var bytesCapacity: Int
    private var bytesCount = 0

    init(storage: StorageKind, capacity: Int) {
        self.capacity = max(capacity, 1)
        switch storage {
        case .boolean: width = MemoryLayout<Bool>.stride
        case .int32: width = 4
        case .int64: width = 8
        case .int128: width = 16
        case .float32: width = 4
        case .float64: width = 8
        case .fixedBytes(let w): width = w
        case .bytes: width = 0
        }
        values = .allocate(byteCount: max(width, 1) * self.capacity, alignment: 16)
        validity = .allocate(capacity: self.capacity)
        if width == 0 {
            offsets = .allocate(capacity: self.capacity + 1)
            offsets![0] = 0
            bytesCapacity = 64 * 1024
        } else {
            offsets = nil
            bytesCapacity = 1
        }
        bytes = .allocate(byteCount: bytesCapacity, alignment: 1)
    }

    func deallocate() {
        values.deallocate()
        validity.deallocate()
        offsets?.deallocate()
        bytes.deallocate()
    }

    @inline(__always) private mutating func advance(valid: Bool) {
        validity[count] = valid
        count += 1
    }

    @inline(__always) mutating func append<T: BitwiseCopyable>(_ value: T) {
        values.storeBytes(of: value, toByteOffset: count * width, as: T.self)
        advance(valid: true)
    }

    /// A variable-length value (or a fixed-width one of exactly `width` bytes, checked by the caller).
    @inline(__always) mutating func append(bytes value: UnsafeRawBufferPointer) {
        if width > 0 {
            if let base = value.baseAddress { (values + count * width).copyMemory(from: base, byteCount: width) }
            advance(valid: true)
            return
        }
        let length = value.count
        if bytesCount + length > bytesCapacity { grow(to: bytesCount + length) }
        if length > 0, let base = value.baseAddress { (bytes + bytesCount).copyMemory(from: base, byteCount: length) }
        bytesCount += length
        offsets![count + 1] = bytesCount
        advance(valid: true)
    }

    @inline(__always) mutating func append(bytes value: [UInt8]) {
        value.withUnsafeBytes { append(bytes: $0) }
    }

    @inline(__always) mutating func appendNull() {
        if width > 0 {
            (values + count * width).initializeMemory(as: UInt8.self, repeating: 0, count: width)
        } else {
            offsets![count + 1] = bytesCount
        }
        nulls += 1
        advance(valid: false)
    }

    private mutating func grow(to needed: Int) {
        var capacity = bytesCapacity
        while capacity < needed { capacity *= 2 }
        let larger = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 1)
        larger.copyMemory(from: bytes, byteCount: bytesCount)
        bytes.deallocate()
        bytes = larger
        bytesCapacity = capacity
    }

    /// The rows so far as a ``Column`` of `type`; the store starts empty again.
    mutating func finish(type: DataType) -> Column {
        let values: ColumnValues
        switch type.storage {
        case .boolean: values = .boolean(array(Bool.self))
        case .int32: values = .int32(array(Int32.self))
        case .int64: values = .int64(array(Int64.self))
        case .int128: values = .int128(array(Int128.self))
        case .float32: values = .float32(array(Float.self))
        case .float64: values = .float64(array(Double.self))
        case .fixedBytes(let w): values = .fixedBytes(width: w, array(UInt8.self, count: count * w))
        case .bytes:
            values = .bytes(ByteArrays(offsets: Array(UnsafeBufferPointer(start: offsets!, count: count + 1)),
                                       bytes: Array(UnsafeRawBufferPointer(start: bytes, count: bytesCount))))
        }
        let column = Column(values: values, validity: nulls > 0 ? Array(UnsafeBufferPointer(start: validity, count: count)) : nil)
        count = 0
        nulls = 0
        bytesCount = 0
        return column
    }

    private func array<T>(_: T.Type, count n: Int? = nil) -> [T] {
        let n = n ?? count
        return Array(UnsafeBufferPointer(start: values.bindMemory(to: T.self, capacity: n), count: n))
    }
}

/// Owns the decoder's column stores: one allocation of `count` stores, freed (with their memory) in deinit.
/// The decoder mutates them through `pointer`, which stays valid as long as this object lives.
final class ColumnStores {
    let pointer: UnsafeMutablePointer<ColumnStore>
    /// The decoding step of each column, beside its store (read per value without bounds checks).
    let ops: UnsafeMutablePointer<ValueOp>
    let count: Int

    init(_ stores: [ColumnStore], ops: [ValueOp]) {
        precondition(stores.count == ops.count)
        count = stores.count
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(from: stores, count: count)
        self.ops = .allocate(capacity: max(count, 1))
        self.ops.initialize(from: ops, count: count)
    }

    deinit {
        ops.deinitialize(count: count)
        ops.deallocate()
        for i in 0..<count { pointer[i].deallocate() }
        pointer.deinitialize(count: count)
        pointer.deallocate()
    }
}
