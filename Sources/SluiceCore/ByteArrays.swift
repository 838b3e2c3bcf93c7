/// Variable-length byte strings stored back to back: value `i` is `bytes[offsets[i]..<offsets[i + 1]]`.
///
/// Used for `string`, `json` and `binary` columns. One allocation for all values keeps a batch of
/// millions of short strings cheap to build, encode and hash.
public struct ByteArrays: Sendable, Hashable {
    /// `count + 1` offsets into ``bytes``; `offsets[0] == 0`.
    public private(set) var offsets: [Int]
    /// The values' bytes, concatenated.
    public private(set) var bytes: [UInt8]

    public init() {
        offsets = [0]
        bytes = []
    }

    /// Reserves room for `count` more values holding `byteCount` more bytes in all.
    public mutating func reserveCapacity(values count: Int, bytes byteCount: Int) {
        offsets.reserveCapacity(offsets.count + count)
        bytes.reserveCapacity(bytes.count + byteCount)
    }

    /// Takes over ready-made storage: `offsets` must start at 0, never decrease, and end at `bytes.count`.
    public init(offsets: [Int], bytes: [UInt8]) {
        precondition(offsets.first == 0 && offsets.last == bytes.count, "offsets must span the bytes exactly")
        self.offsets = offsets
        self.bytes = bytes
    }

    /// Builds from a list of values (handy in tests and small code paths).
    public init<S: Sequence>(_ values: S) where S.Element: Collection, S.Element.Element == UInt8 {
        self.init()
        for value in values { append(value) }
    }

    /// Builds from strings, as UTF-8.
    public init<S: Sequence<String>>(strings: S) {
        self.init()
        for value in strings { append(value) }
    }

    public var count: Int { offsets.count - 1 }

    public mutating func append<C: Collection>(_ value: C) where C.Element == UInt8 {
        bytes.append(contentsOf: value)
        offsets.append(bytes.count)
    }

    public mutating func append(_ value: String) {
        var value = value
        value.withUTF8 { bytes.append(contentsOf: $0) }
        offsets.append(bytes.count)
    }

    public mutating func append(_ value: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: value)
        offsets.append(bytes.count)
    }

    /// Appends an empty value (what a NULL slot holds).
    public mutating func appendEmpty() {
        offsets.append(bytes.count)
    }

    /// The bytes of value `index`.
    public subscript(index: Int) -> ArraySlice<UInt8> {
        bytes[offsets[index]..<offsets[index + 1]]
    }

    /// The length in bytes of value `index`.
    public func length(at index: Int) -> Int {
        offsets[index + 1] - offsets[index]
    }

    /// Value `index` decoded as UTF-8 (invalid sequences become U+FFFD).
    public func string(at index: Int) -> String {
        bytes.withUnsafeBufferPointer { buffer in
            String(decoding: UnsafeBufferPointer(rebasing: buffer[offsets[index]..<offsets[index + 1]]), as: UTF8.self)
        }
    }

    /// Calls `body` with the bytes of value `index`, without copying.
    public func withUnsafeBytes<R>(at index: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes { raw in
            try body(UnsafeRawBufferPointer(rebasing: raw[offsets[index]..<offsets[index + 1]]))
        }
    }

    /// The values `range` as a new ``ByteArrays``.
    public func slice(_ range: Range<Int>) -> ByteArrays {
        var result = ByteArrays()
        let start = offsets[range.lowerBound], end = offsets[range.upperBound]
        result.bytes = Array(bytes[start..<end])
        result.offsets = offsets[range.lowerBound...range.upperBound].map { $0 - start }
        return result
    }
}
