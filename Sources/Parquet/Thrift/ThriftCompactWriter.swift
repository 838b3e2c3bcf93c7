/// Encodes the Thrift compact protocol into a byte array. The struct encoders in `Format/` call
/// ``beginStruct()``, one `write...(id:)` per present field in increasing id order, and ``endStruct()``.
struct ThriftCompactWriter {
    private(set) var bytes: [UInt8] = []
    private var lastIDs: [Int16] = []
    private var lastID: Int16 = 0

    init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    mutating func beginStruct() {
        lastIDs.append(lastID)
        lastID = 0
    }

    mutating func endStruct() {
        bytes.append(0)
        lastID = lastIDs.popLast() ?? 0
    }

    // MARK: fields

    mutating func writeFieldHeader(id: Int16, type: ThriftType) {
        let delta = id &- lastID
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta) << 4 | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            writeVarint(zigzag(Int64(id)))
        }
        lastID = id
    }

    mutating func writeBool(id: Int16, _ value: Bool) {
        writeFieldHeader(id: id, type: value ? .booleanTrue : .booleanFalse)
    }

    mutating func writeI8(id: Int16, _ value: Int8) {
        writeFieldHeader(id: id, type: .byte)
        bytes.append(UInt8(bitPattern: value))
    }

    mutating func writeI16(id: Int16, _ value: Int16) {
        writeFieldHeader(id: id, type: .i16)
        writeVarint(zigzag(Int64(value)))
    }

    mutating func writeI32(id: Int16, _ value: Int32) {
        writeFieldHeader(id: id, type: .i32)
        writeVarint(zigzag(Int64(value)))
    }

    mutating func writeI64(id: Int16, _ value: Int64) {
        writeFieldHeader(id: id, type: .i64)
        writeVarint(zigzag(value))
    }

    mutating func writeDouble(id: Int16, _ value: Double) {
        writeFieldHeader(id: id, type: .double)
        var bits = value.bitPattern
        for _ in 0..<8 {
            bytes.append(UInt8(truncatingIfNeeded: bits))
            bits >>= 8
        }
    }

    mutating func writeBinary(id: Int16, _ value: [UInt8]) {
        writeFieldHeader(id: id, type: .binary)
        writeRawBinary(value)
    }

    mutating func writeString(id: Int16, _ value: String) {
        writeFieldHeader(id: id, type: .binary)
        writeRawString(value)
    }

    /// A nested struct field; `body` writes its fields.
    mutating func writeStruct(id: Int16, _ body: (inout ThriftCompactWriter) -> Void) {
        writeFieldHeader(id: id, type: .struct)
        beginStruct()
        body(&self)
        endStruct()
    }

    /// An empty struct field (the unions of LogicalType and TimeUnit use them as tags).
    mutating func writeEmptyStruct(id: Int16) {
        writeStruct(id: id) { _ in }
    }

    mutating func writeListHeader(id: Int16, count: Int, elementType: ThriftType) {
        writeFieldHeader(id: id, type: .list)
        writeRawListHeader(count: count, elementType: elementType)
    }

    mutating func writeStructList<T>(id: Int16, _ elements: [T], _ body: (inout ThriftCompactWriter, T) -> Void) {
        writeListHeader(id: id, count: elements.count, elementType: .struct)
        for element in elements {
            beginStruct()
            body(&self, element)
            endStruct()
        }
    }

    mutating func writeI32List(id: Int16, _ values: [Int32]) {
        writeListHeader(id: id, count: values.count, elementType: .i32)
        for value in values { writeVarint(zigzag(Int64(value))) }
    }

    mutating func writeStringList(id: Int16, _ values: [String]) {
        writeListHeader(id: id, count: values.count, elementType: .binary)
        for value in values { writeRawString(value) }
    }

    // MARK: raw values

    mutating func writeRawListHeader(count: Int, elementType: ThriftType) {
        if count < 15 {
            bytes.append(UInt8(count) << 4 | elementType.rawValue)
        } else {
            bytes.append(0xF0 | elementType.rawValue)
            writeVarint(UInt64(count))
        }
    }

    mutating func writeRawBinary(_ value: [UInt8]) {
        writeVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    mutating func writeRawString(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            writeVarint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func writeVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    private func zigzag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }
}
