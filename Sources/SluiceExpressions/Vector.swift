import SluiceCore

/// A value during evaluation: a full column (one slot per row) or a constant (one slot standing for every row).
struct Vector: Sendable {
    var column: Column
    var isConstant: Bool

    init(column: Column, isConstant: Bool) {
        self.column = column
        self.isConstant = isConstant
    }

    /// A NULL constant of `type`.
    static func null(_ type: DataType) -> Vector {
        var builder = ColumnBuilder(type: type, capacity: 1)
        builder.appendNull()
        return Vector(column: builder.finish(), isConstant: true)
    }

    var isNullConstant: Bool { isConstant && column.isNull(0) }

    /// Whether row `row` holds a value.
    @inline(__always)
    func isValid(_ row: Int) -> Bool {
        guard let validity = column.validity else { return true }
        return validity[isConstant ? 0 : row]
    }

    /// The column with `count` rows (a constant repeated).
    func materialized(count: Int) -> Column {
        guard isConstant else { return column }
        let valid = !column.isNull(0)
        let validity: [Bool]? = valid ? nil : Array(repeating: false, count: count)
        switch column.values {
        case .boolean(let v): return Column(values: .boolean(Array(repeating: v[0], count: count)), validity: validity)
        case .int32(let v): return Column(values: .int32(Array(repeating: v[0], count: count)), validity: validity)
        case .int64(let v): return Column(values: .int64(Array(repeating: v[0], count: count)), validity: validity)
        case .int128(let v): return Column(values: .int128(Array(repeating: v[0], count: count)), validity: validity)
        case .float32(let v): return Column(values: .float32(Array(repeating: v[0], count: count)), validity: validity)
        case .float64(let v): return Column(values: .float64(Array(repeating: v[0], count: count)), validity: validity)
        case .bytes(let v):
            var builder = BytesBuilder(capacity: count, byteCapacity: v.length(at: 0) * count)
            v.withUnsafeBytes(at: 0) { value in
                for _ in 0..<count { builder.append(value) }
            }
            return Column(values: .bytes(builder.finish()), validity: validity)
        case .fixedBytes(let width, let v):
            var bytes: [UInt8] = []
            bytes.reserveCapacity(width * count)
            for _ in 0..<count { bytes.append(contentsOf: v[0..<width]) }
            return Column(values: .fixedBytes(width: width, bytes), validity: validity)
        }
    }
}

/// The element types of the fixed-width storages, for kernels generic over them.
protocol StorageElement: Sendable {
    static var zero: Self { get }
    /// The array inside `values`, which must be of this element's storage.
    static func array(_ values: ColumnValues) -> [Self]
    static func values(_ array: [Self]) -> ColumnValues
}

extension Bool: StorageElement {
    static var zero: Bool { false }
    static func array(_ values: ColumnValues) -> [Bool] {
        if case .boolean(let v) = values { return v }
        preconditionFailure("expected boolean storage, found \(values.kind)")
    }
    static func values(_ array: [Bool]) -> ColumnValues { .boolean(array) }
}

extension Int32: StorageElement {
    static var zero: Int32 { 0 }
    static func array(_ values: ColumnValues) -> [Int32] {
        if case .int32(let v) = values { return v }
        preconditionFailure("expected int32 storage, found \(values.kind)")
    }
    static func values(_ array: [Int32]) -> ColumnValues { .int32(array) }
}

extension Int64: StorageElement {
    static var zero: Int64 { 0 }
    static func array(_ values: ColumnValues) -> [Int64] {
        if case .int64(let v) = values { return v }
        preconditionFailure("expected int64 storage, found \(values.kind)")
    }
    static func values(_ array: [Int64]) -> ColumnValues { .int64(array) }
}

extension Int128: StorageElement {
    static var zero: Int128 { 0 }
    static func array(_ values: ColumnValues) -> [Int128] {
        if case .int128(let v) = values { return v }
        preconditionFailure("expected int128 storage, found \(values.kind)")
    }
    static func values(_ array: [Int128]) -> ColumnValues { .int128(array) }
}

extension Float: StorageElement {
    static var zero: Float { 0 }
    static func array(_ values: ColumnValues) -> [Float] {
        if case .float32(let v) = values { return v }
        preconditionFailure("expected float32 storage, found \(values.kind)")
    }
    static func values(_ array: [Float]) -> ColumnValues { .float32(array) }
}

extension Double: StorageElement {
    static var zero: Double { 0 }
    static func array(_ values: ColumnValues) -> [Double] {
        if case .float64(let v) = values { return v }
        preconditionFailure("expected float64 storage, found \(values.kind)")
    }
    static func values(_ array: [Double]) -> ColumnValues { .float64(array) }
}

/// Read access to a fixed-width vector for a kernel: row `i` is `values[i * stride]` (stride 0 for a constant).
struct Operand<T: StorageElement> {
    let values: [T]
    let stride: Int
    /// Per row; nil when no row is NULL (and always nil for a constant).
    let validity: [Bool]?
    /// A NULL constant.
    let isNull: Bool

    init(_ vector: Vector) {
        values = T.array(vector.column.values)
        stride = vector.isConstant ? 0 : 1
        validity = vector.isConstant ? nil : vector.column.validity
        isNull = vector.isNullConstant
    }

    @inline(__always)
    subscript(row: Int) -> T { values[row &* stride] }
}

/// Read access to a `string`, `json`, `binary` or `uuid` vector.
struct BytesOperand {
    let arrays: ByteArrays
    let stride: Int
    let validity: [Bool]?
    let isNull: Bool

    init(_ vector: Vector) {
        switch vector.column.values {
        case .bytes(let arrays):
            self.arrays = arrays
        case .fixedBytes(let width, let bytes):
            let count = width == 0 ? 0 : bytes.count / width
            self.arrays = ByteArrays(offsets: (0...count).map { $0 * width }, bytes: bytes)
        default:
            preconditionFailure("expected byte storage, found \(vector.column.values.kind)")
        }
        stride = vector.isConstant ? 0 : 1
        validity = vector.isConstant ? nil : vector.column.validity
        isNull = vector.isNullConstant
    }

    /// Calls `body` with the bytes storage and offsets, for loops that read many rows.
    @inline(__always)
    func withStorage<R>(_ body: (UnsafeRawBufferPointer, UnsafeBufferPointer<Int>) throws -> R) rethrows -> R {
        try arrays.bytes.withUnsafeBytes { bytes in
            try arrays.offsets.withUnsafeBufferPointer { offsets in try body(bytes, offsets) }
        }
    }
}

extension UnsafeRawBufferPointer {
    /// Value `row` (with `stride`) of a byte-array storage.
    @inline(__always)
    func value(_ row: Int, stride: Int, offsets: UnsafeBufferPointer<Int>) -> UnsafeRawBufferPointer {
        let index = row &* stride
        return UnsafeRawBufferPointer(rebasing: self[offsets[index]..<offsets[index + 1]])
    }
}

/// Builds a ``ByteArrays`` value by value without per-value allocations.
struct BytesBuilder {
    private(set) var bytes: [UInt8] = []
    private(set) var offsets: [Int] = [0]

    init(capacity: Int, byteCapacity: Int = 0) {
        offsets.reserveCapacity(capacity + 1)
        bytes.reserveCapacity(byteCapacity)
    }

    var count: Int { offsets.count - 1 }

    @inline(__always)
    mutating func append(_ value: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: value)
        offsets.append(bytes.count)
    }

    @inline(__always)
    mutating func append(_ value: some Sequence<UInt8>) {
        bytes.append(contentsOf: value)
        offsets.append(bytes.count)
    }

    /// Appends `value` with every byte passed through `transform` (one copy, then one pass in place).
    @inline(__always)
    mutating func appendMapped(_ value: UnsafeRawBufferPointer, _ transform: (UInt8) -> UInt8) {
        let start = bytes.count
        bytes.append(contentsOf: value)
        bytes.withUnsafeMutableBufferPointer { buffer in
            for index in start..<buffer.count { buffer[index] = transform(buffer[index]) }
        }
        offsets.append(bytes.count)
    }

    /// Adds bytes to the value being built (ended by ``endValue()``).
    @inline(__always)
    mutating func appendPart(_ part: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: part)
    }

    @inline(__always)
    mutating func appendByte(_ byte: UInt8) {
        bytes.append(byte)
    }

    /// Ends the value built with ``appendByte(_:)`` calls.
    @inline(__always)
    mutating func endValue() {
        offsets.append(bytes.count)
    }

    @inline(__always)
    mutating func appendEmpty() {
        offsets.append(bytes.count)
    }

    func finish() -> ByteArrays {
        ByteArrays(offsets: offsets, bytes: bytes)
    }
}
