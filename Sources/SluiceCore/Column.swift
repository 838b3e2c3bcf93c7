/// The values of one column, in the physical layout its ``DataType`` prescribes.
///
/// Storage is dense: a NULL still takes a slot, holding zero or an empty value, so that slot `i`
/// is always row `i`. Whether a slot is NULL is recorded by ``Column/validity``.
public enum ColumnValues: Sendable, Hashable {
    case boolean([Bool])
    case int32([Int32])
    case int64([Int64])
    case int128([Int128])
    case float32([Float])
    case float64([Double])
    case bytes(ByteArrays)
    /// `width` bytes per value, back to back.
    case fixedBytes(width: Int, [UInt8])

    public var count: Int {
        switch self {
        case .boolean(let v): v.count
        case .int32(let v): v.count
        case .int64(let v): v.count
        case .int128(let v): v.count
        case .float32(let v): v.count
        case .float64(let v): v.count
        case .bytes(let v): v.count
        case .fixedBytes(let width, let v): width == 0 ? 0 : v.count / width
        }
    }

    public var kind: StorageKind {
        switch self {
        case .boolean: .boolean
        case .int32: .int32
        case .int64: .int64
        case .int128: .int128
        case .float32: .float32
        case .float64: .float64
        case .bytes: .bytes
        case .fixedBytes(let width, _): .fixedBytes(width: width)
        }
    }
}

/// One column of a ``RecordBatch``: its values and which of them are NULL.
public struct Column: Sendable, Hashable {
    public var values: ColumnValues
    /// `validity[i] == false` means row `i` is NULL. `nil` means no row is NULL.
    public var validity: [Bool]?

    public init(values: ColumnValues, validity: [Bool]? = nil) {
        precondition(validity == nil || validity!.count == values.count, "validity must have one entry per value")
        self.values = values
        self.validity = validity
    }

    public var count: Int { values.count }

    public func isNull(_ row: Int) -> Bool {
        validity.map { !$0[row] } ?? false
    }

    public var nullCount: Int {
        validity.map { $0.reduce(0) { $0 + ($1 ? 0 : 1) } } ?? 0
    }
}
