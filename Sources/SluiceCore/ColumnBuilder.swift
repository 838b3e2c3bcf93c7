/// Builds one ``Column`` value by value, without copying arrays on each append.
///
/// Append with the method that matches the type's storage (see ``DataType``); appending another
/// kind is a programming error caught in debug builds by ``finish()``.
public struct ColumnBuilder: Sendable {
    public let type: DataType
    private var booleans: [Bool] = []
    private var int32s: [Int32] = []
    private var int64s: [Int64] = []
    private var int128s: [Int128] = []
    private var float32s: [Float] = []
    private var float64s: [Double] = []
    private var byteArrays = ByteArrays()
    private var fixed: [UInt8] = []
    private var validity: [Bool] = []
    private var nulls = 0
    private let fixedWidth: Int

    public init(type: DataType, capacity: Int = 0) {
        self.type = type
        if case .fixedBytes(let width) = type.storage { fixedWidth = width } else { fixedWidth = 0 }
        validity.reserveCapacity(capacity)
        switch type.storage {
        case .boolean: booleans.reserveCapacity(capacity)
        case .int32: int32s.reserveCapacity(capacity)
        case .int64: int64s.reserveCapacity(capacity)
        case .int128: int128s.reserveCapacity(capacity)
        case .float32: float32s.reserveCapacity(capacity)
        case .float64: float64s.reserveCapacity(capacity)
        case .bytes: byteArrays.reserveCapacity(values: capacity, bytes: capacity * 16)
        case .fixedBytes(let width): fixed.reserveCapacity(capacity * width)
        }
    }

    /// Rows appended so far.
    public var count: Int { validity.count }

    @inlinable public var isEmpty: Bool { count == 0 }

    /// Appends a NULL: a zero or empty value marked invalid.
    public mutating func appendNull() {
        switch type.storage {
        case .boolean: booleans.append(false)
        case .int32: int32s.append(0)
        case .int64: int64s.append(0)
        case .int128: int128s.append(0)
        case .float32: float32s.append(0)
        case .float64: float64s.append(0)
        case .bytes: byteArrays.appendEmpty()
        case .fixedBytes(let width): fixed.append(contentsOf: repeatElement(0, count: width))
        }
        validity.append(false)
        nulls += 1
    }

    public mutating func append(_ value: Bool) { booleans.append(value); validity.append(true) }
    public mutating func append(_ value: Int32) { int32s.append(value); validity.append(true) }
    public mutating func append(_ value: Int64) { int64s.append(value); validity.append(true) }
    public mutating func append(_ value: Int128) { int128s.append(value); validity.append(true) }
    public mutating func append(_ value: Float) { float32s.append(value); validity.append(true) }
    public mutating func append(_ value: Double) { float64s.append(value); validity.append(true) }

    /// Appends a `string`, `json` or `binary` value.
    public mutating func append(bytes value: UnsafeRawBufferPointer) {
        if fixedWidth > 0 {
            precondition(value.count == fixedWidth, "fixed-width value has \(value.count) bytes, expected \(fixedWidth)")
            fixed.append(contentsOf: value)
        } else {
            byteArrays.append(value)
        }
        validity.append(true)
    }

    public mutating func append<C: Collection>(bytes value: C) where C.Element == UInt8 {
        if fixedWidth > 0 {
            precondition(value.count == fixedWidth, "fixed-width value has \(value.count) bytes, expected \(fixedWidth)")
            fixed.append(contentsOf: value)
        } else {
            byteArrays.append(value)
        }
        validity.append(true)
    }

    public mutating func append(string value: String) {
        byteArrays.append(value)
        validity.append(true)
    }

    /// Appends a ``Value`` of the right kind (slow path, for tests and small inputs).
    public mutating func append(_ value: Value) {
        switch value {
        case .null: appendNull()
        case .boolean(let v): append(v)
        case .int(let v):
            switch type.storage {
            case .int32: append(Int32(truncatingIfNeeded: v))
            case .int128: append(Int128(v))
            default: append(v)
            }
        case .decimal(let unscaled, _): append(unscaled)
        case .float(let v): append(v)
        case .double(let v): append(v)
        case .string(let v): append(string: v)
        case .bytes(let v): append(bytes: v)
        }
    }

    /// Hands over the built column and starts empty again.
    public mutating func finish() -> Column {
        let values: ColumnValues
        switch type.storage {
        case .boolean: values = .boolean(booleans); booleans = []
        case .int32: values = .int32(int32s); int32s = []
        case .int64: values = .int64(int64s); int64s = []
        case .int128: values = .int128(int128s); int128s = []
        case .float32: values = .float32(float32s); float32s = []
        case .float64: values = .float64(float64s); float64s = []
        case .bytes: values = .bytes(byteArrays); byteArrays = ByteArrays()
        case .fixedBytes(let width): values = .fixedBytes(width: width, fixed); fixed = []
        }
        assert(values.count == validity.count, "a value of the wrong kind was appended to a \(type) column")
        let column = Column(values: values, validity: nulls > 0 ? validity : nil)
        validity = []
        nulls = 0
        return column
    }
}
