import SluiceCore

/// Decodes the Thrift compact protocol from a byte buffer, checking every length and count against the
/// bytes that remain, so that corrupt metadata gives an error and never a crash or a huge allocation.
///
/// The struct decoders in `Format/` drive it field by field; unknown fields are skipped, which keeps the
/// reader compatible with newer writers.
struct ThriftCompactReader {
    private let base: UnsafeRawBufferPointer
    private(set) var position: Int
    private var depth = 0
    /// Deepest struct/collection nesting accepted; Parquet metadata nests about six levels.
    static let maxDepth = 48

    init(_ bytes: UnsafeRawBufferPointer, position: Int = 0) {
        base = bytes
        self.position = position
    }

    var remaining: Int { base.count - position }

    // MARK: primitives

    mutating func readByte() throws(SluiceError) -> UInt8 {
        guard position < base.count else { throw Self.truncated() }
        let byte = base[position]
        position += 1
        return byte
    }

    mutating func readVarint() throws(SluiceError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < base.count else { throw Self.truncated() }
            let byte = base[position]
            position += 1
            guard shift < 64 else { throw ParquetError.corrupt("invalid Thrift metadata: varint longer than 10 bytes") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    mutating func readZigzag64() throws(SluiceError) -> Int64 {
        let raw = try readVarint()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    mutating func readI64(_ field: ThriftField) throws(SluiceError) -> Int64 {
        try expect(field, .i64)
        return try readZigzag64()
    }

    mutating func readI32(_ field: ThriftField) throws(SluiceError) -> Int32 {
        try expect(field, .i32)
        return try readRawI32()
    }

    mutating func readRawI32() throws(SluiceError) -> Int32 {
        let value = try readZigzag64()
        guard let narrowed = Int32(exactly: value) else {
            throw ParquetError.corrupt("invalid Thrift metadata: i32 value \(value) out of range")
        }
        return narrowed
    }

    mutating func readI16(_ field: ThriftField) throws(SluiceError) -> Int16 {
        try expect(field, .i16)
        let value = try readZigzag64()
        guard let narrowed = Int16(exactly: value) else {
            throw ParquetError.corrupt("invalid Thrift metadata: i16 value \(value) out of range")
        }
        return narrowed
    }

    mutating func readI8(_ field: ThriftField) throws(SluiceError) -> Int8 {
        try expect(field, .byte)
        return Int8(bitPattern: try readByte())
    }

    mutating func readBool(_ field: ThriftField) throws(SluiceError) -> Bool {
        guard field.type.isBoolean else { throw Self.typeMismatch(field, expected: "bool") }
        return field.type == .booleanTrue
    }

    mutating func readDouble(_ field: ThriftField) throws(SluiceError) -> Double {
        try expect(field, .double)
        guard remaining >= 8 else { throw Self.truncated() }
        var bits: UInt64 = 0
        for i in 0..<8 { bits |= UInt64(base[position + i]) << (8 * UInt64(i)) }
        position += 8
        return Double(bitPattern: bits)
    }

    /// A length-prefixed byte string, copied out.
    mutating func readBinary(_ field: ThriftField) throws(SluiceError) -> [UInt8] {
        try expect(field, .binary)
        return try readRawBinary()
    }

    mutating func readRawBinary() throws(SluiceError) -> [UInt8] {
        let length = try readVarint()
        guard length <= UInt64(remaining) else {
            throw ParquetError.corrupt("invalid Thrift metadata: binary of \(length) bytes with \(remaining) bytes left")
        }
        let start = position
        position += Int(length)
        return Array(base[start..<position])
    }

    mutating func readString(_ field: ThriftField) throws(SluiceError) -> String {
        try expect(field, .binary)
        return try readRawString()
    }

    mutating func readRawString() throws(SluiceError) -> String {
        let length = try readVarint()
        guard length <= UInt64(remaining) else {
            throw ParquetError.corrupt("invalid Thrift metadata: string of \(length) bytes with \(remaining) bytes left")
        }
        let start = position
        position += Int(length)
        return String(decoding: UnsafeRawBufferPointer(rebasing: base[start..<position]), as: UTF8.self)
    }

    // MARK: structs

    /// Reads the next field header of the current struct; nil at the struct's stop byte.
    /// `lastID` is the previous field id of this struct (compact headers store deltas).
    mutating func readFieldHeader(_ lastID: inout Int16) throws(SluiceError) -> ThriftField? {
        let byte = try readByte()
        if byte == 0 { return nil }
        guard let type = ThriftType(rawValue: byte & 0x0F) else {
            throw ParquetError.corrupt("invalid Thrift metadata: unknown field type \(byte & 0x0F)")
        }
        let delta = Int16(byte >> 4)
        let id: Int16
        if delta != 0 {
            id = lastID &+ delta
        } else {
            let raw = try readZigzag64()
            guard let narrowed = Int16(exactly: raw) else {
                throw ParquetError.corrupt("invalid Thrift metadata: field id \(raw) out of range")
            }
            id = narrowed
        }
        lastID = id
        return ThriftField(id: id, type: type)
    }

    /// Reads a nested struct with `body`, which loops over its fields.
    mutating func readStruct<T>(_ field: ThriftField,
                                _ body: (inout ThriftCompactReader) throws(SluiceError) -> T) throws(SluiceError) -> T {
        try expect(field, .struct)
        return try nested(body)
    }

    mutating func nested<T>(_ body: (inout ThriftCompactReader) throws(SluiceError) -> T) throws(SluiceError) -> T {
        depth += 1
        guard depth <= Self.maxDepth else { throw ParquetError.corrupt("invalid Thrift metadata: nested too deeply") }
        let value = try body(&self)
        depth -= 1
        return value
    }

    /// Reads a list header, checking the element count against the bytes left (every element takes a byte or more).
    mutating func readListHeader(_ field: ThriftField) throws(SluiceError) -> (count: Int, type: ThriftType) {
        guard field.type == .list || field.type == .set else { throw Self.typeMismatch(field, expected: "list") }
        return try readRawListHeader()
    }

    mutating func readRawListHeader() throws(SluiceError) -> (count: Int, type: ThriftType) {
        let byte = try readByte()
        var count = UInt64(byte >> 4)
        if count == 15 { count = try readVarint() }
        guard let type = ThriftType(rawValue: byte & 0x0F) else {
            throw ParquetError.corrupt("invalid Thrift metadata: unknown list element type \(byte & 0x0F)")
        }
        guard count <= UInt64(remaining) else {
            throw ParquetError.corrupt("invalid Thrift metadata: list of \(count) elements with \(remaining) bytes left")
        }
        return (Int(count), type)
    }

    /// Reads a list of elements with `element`, which gets the element type.
    mutating func readList<T>(_ field: ThriftField,
                              _ element: (inout ThriftCompactReader, ThriftType) throws(SluiceError) -> T)
        throws(SluiceError) -> [T] {
        let (count, type) = try readListHeader(field)
        var result: [T] = []
        result.reserveCapacity(count)
        try nested { (reader: inout ThriftCompactReader) throws(SluiceError) in
            for _ in 0..<count { result.append(try element(&reader, type)) }
        }
        return result
    }

    /// Reads a list of structs, each decoded by `body`.
    mutating func readStructList<T>(_ field: ThriftField,
                                    _ body: (inout ThriftCompactReader) throws(SluiceError) -> T)
        throws(SluiceError) -> [T] {
        try readList(field) { (reader: inout ThriftCompactReader, type) throws(SluiceError) in
            guard type == .struct else { throw Self.elementMismatch(type, expected: "struct") }
            return try reader.nested(body)
        }
    }

    mutating func readI32List(_ field: ThriftField) throws(SluiceError) -> [Int32] {
        try readList(field) { (reader: inout ThriftCompactReader, type) throws(SluiceError) in
            // All integer widths are zigzag varints on the wire; like Thrift's own readers, take any of them.
            guard type == .i32 || type == .i16 || type == .i64 else { throw Self.elementMismatch(type, expected: "i32") }
            return try reader.readRawI32()
        }
    }

    mutating func readStringList(_ field: ThriftField) throws(SluiceError) -> [String] {
        try readList(field) { (reader: inout ThriftCompactReader, type) throws(SluiceError) in
            guard type == .binary else { throw Self.elementMismatch(type, expected: "binary") }
            return try reader.readRawString()
        }
    }

    // MARK: skipping

    /// Skips a value of `type` (fields this reader does not know, or does not need).
    mutating func skip(_ type: ThriftType) throws(SluiceError) {
        switch type {
        case .booleanTrue, .booleanFalse: return
        case .byte: _ = try readByte()
        case .i16, .i32, .i64: _ = try readVarint()
        case .double: try advance(8)
        case .uuid: try advance(16)
        case .binary:
            let length = try readVarint()
            guard length <= UInt64(remaining) else { throw Self.truncated() }
            position += Int(length)
        case .list, .set:
            let (count, elementType) = try readRawListHeader()
            try nested { (reader: inout ThriftCompactReader) throws(SluiceError) in
                for _ in 0..<count {
                    if elementType.isBoolean { _ = try reader.readByte() } else { try reader.skip(elementType) }
                }
            }
        case .map:
            let count = try readVarint()
            guard count <= UInt64(remaining) else { throw Self.truncated() }
            if count == 0 { return }
            let types = try readByte()
            guard let keyType = ThriftType(rawValue: types >> 4), let valueType = ThriftType(rawValue: types & 0x0F) else {
                throw ParquetError.corrupt("invalid Thrift metadata: unknown map element type")
            }
            try nested { (reader: inout ThriftCompactReader) throws(SluiceError) in
                for _ in 0..<count {
                    if keyType.isBoolean { _ = try reader.readByte() } else { try reader.skip(keyType) }
                    if valueType.isBoolean { _ = try reader.readByte() } else { try reader.skip(valueType) }
                }
            }
        case .struct:
            try nested { (reader: inout ThriftCompactReader) throws(SluiceError) in
                var last: Int16 = 0
                while let field = try reader.readFieldHeader(&last) { try reader.skip(field.type) }
            }
        }
    }

    private mutating func advance(_ count: Int) throws(SluiceError) {
        guard remaining >= count else { throw Self.truncated() }
        position += count
    }

    // MARK: errors

    private func expect(_ field: ThriftField, _ type: ThriftType) throws(SluiceError) {
        guard field.type == type else { throw Self.typeMismatch(field, expected: type.name) }
    }

    static func truncated() -> SluiceError {
        ParquetError.corrupt("invalid Thrift metadata: unexpected end of data")
    }

    static func typeMismatch(_ field: ThriftField, expected: String) -> SluiceError {
        ParquetError.corrupt("invalid Thrift metadata: field \(field.id) has type \(field.type.name), expected \(expected)")
    }

    static func elementMismatch(_ type: ThriftType, expected: String) -> SluiceError {
        ParquetError.corrupt("invalid Thrift metadata: list element type \(type.name), expected \(expected)")
    }

    static func missing(_ name: String, in structName: String) -> SluiceError {
        ParquetError.corrupt("invalid Thrift metadata: required field \(name) missing from \(structName)")
    }
}
