public import NIOCore

/// The primitive encodings of the wire protocol (docs/protocol.md §4): big-endian integers, strings as a
/// UInt32 byte length followed by UTF-8, optionals as a presence byte, booleans as 0 or 1, lists as a
/// UInt32 count followed by the elements.
///
/// Readers check every length and count against the bytes left in the payload before they read or allocate,
/// and throw a ``WireDecodingError`` naming the field.
extension ByteBuffer {
    // MARK: Reading

    /// Reads a big-endian integer.
    public mutating func readWireInteger<T: FixedWidthInteger>(
        _: T.Type = T.self, field: String
    ) throws(WireDecodingError) -> T {
        guard let value = readInteger(endianness: .big, as: T.self) else {
            throw .malformed(field, "needs \(MemoryLayout<T>.size) bytes, \(readableBytes) left")
        }
        return value
    }

    /// Reads a boolean byte: 0 or 1, anything else is malformed.
    public mutating func readWireBool(field: String) throws(WireDecodingError) -> Bool {
        switch try readWireInteger(UInt8.self, field: field) {
        case 0: return false
        case 1: return true
        case let other: throw .malformed(field, "boolean byte is \(other), expected 0 or 1")
        }
    }

    /// Reads a presence byte: true when a value follows.
    public mutating func readWirePresence(field: String) throws(WireDecodingError) -> Bool {
        switch try readWireInteger(UInt8.self, field: field) {
        case 0: return false
        case 1: return true
        case let other: throw .malformed(field, "presence byte is \(other), expected 0 or 1")
        }
    }

    /// Reads a string: UInt32 byte length, then that many bytes of valid UTF-8.
    public mutating func readWireString(field: String) throws(WireDecodingError) -> String {
        let length = Int(try readWireInteger(UInt32.self, field: field))
        guard length <= readableBytes else {
            throw .malformed(field, "string length \(length) exceeds the \(readableBytes) bytes left")
        }
        let string: String? = withUnsafeReadableBytes { raw in
            String(validating: UnsafeRawBufferPointer(rebasing: raw[..<length]), as: UTF8.self)
        }
        guard let string else { throw .malformed(field, "string of \(length) bytes is not valid UTF-8") }
        moveReaderIndex(forwardBy: length)
        return string
    }

    /// Reads an optional string: a presence byte, then a string when present.
    public mutating func readWireOptionalString(field: String) throws(WireDecodingError) -> String? {
        try readWirePresence(field: field) ? try readWireString(field: field) : nil
    }

    /// Reads an optional signed 64-bit integer: a presence byte, then the Int64 when present.
    public mutating func readWireOptionalInt64(field: String) throws(WireDecodingError) -> Int64? {
        try readWirePresence(field: field) ? try readWireInteger(Int64.self, field: field) : nil
    }

    /// Reads exactly `count` raw bytes (nonces, proofs).
    public mutating func readWireBytes(count: Int, field: String) throws(WireDecodingError) -> [UInt8] {
        guard let bytes = readBytes(length: count) else {
            throw .malformed(field, "needs \(count) bytes, \(readableBytes) left")
        }
        return bytes
    }

    /// Reads a blob: a UInt32 byte length, then that many bytes (checked against what is left before reading).
    public mutating func readWireBlob(field: String) throws(WireDecodingError) -> [UInt8] {
        let length = Int(try readWireInteger(UInt32.self, field: field))
        guard length <= readableBytes else { throw .malformed(field, "length \(length) runs past the payload (\(readableBytes) bytes left)") }
        return readBytes(length: length) ?? []
    }

    /// Reads a list count and checks that `count` elements of at least `minimumElementSize` bytes each fit in
    /// what is left, so a hostile count cannot make the caller reserve memory for elements that are not there.
    public mutating func readWireCount(field: String, minimumElementSize: Int) throws(WireDecodingError) -> Int {
        let count = Int(try readWireInteger(UInt32.self, field: field))
        guard count * Swift.max(minimumElementSize, 1) <= readableBytes else {
            throw .malformed(
                field,
                "count \(count) needs at least \(count * Swift.max(minimumElementSize, 1)) bytes, \(readableBytes) left")
        }
        return count
    }

    // MARK: Writing

    /// Writes a big-endian integer.
    public mutating func writeWireInteger<T: FixedWidthInteger>(_ value: T) {
        writeInteger(value, endianness: .big)
    }

    /// Writes a boolean byte.
    public mutating func writeWireBool(_ value: Bool) {
        writeInteger(value ? 1 : 0 as UInt8)
    }

    /// Writes a string: UInt32 byte length, then its UTF-8 bytes.
    ///
    /// A string of 4 GiB or more cannot be represented; its length is clamped, and the frame encoder refuses
    /// the frame anyway because no frame limit exceeds `UInt32.max`.
    public mutating func writeWireString(_ string: String) {
        writeInteger(UInt32(clamping: string.utf8.count), endianness: .big)
        writeString(string)
    }

    /// Writes an optional string: a presence byte, then the string when present.
    public mutating func writeWireOptionalString(_ string: String?) {
        if let string {
            writeInteger(1 as UInt8)
            writeWireString(string)
        } else {
            writeInteger(0 as UInt8)
        }
    }

    /// Writes an optional signed 64-bit integer: a presence byte, then the Int64 when present.
    public mutating func writeWireOptionalInt64(_ value: Int64?) {
        if let value {
            writeInteger(1 as UInt8)
            writeInteger(value, endianness: .big)
        } else {
            writeInteger(0 as UInt8)
        }
    }

    /// Writes a blob: UInt32 byte length, then the bytes.
    public mutating func writeWireBlob(_ bytes: [UInt8]) {
        writeInteger(UInt32(clamping: bytes.count), endianness: .big)
        writeBytes(bytes)
    }

    /// Writes a list count.
    public mutating func writeWireCount(_ count: Int) {
        writeInteger(UInt32(clamping: count), endianness: .big)
    }
}
