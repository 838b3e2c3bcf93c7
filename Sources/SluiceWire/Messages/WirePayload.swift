public import NIOCore

/// A message payload of the wire protocol: decodes itself from a frame's payload and encodes itself into one.
///
/// `decode(from:)` reads fields from the front of `buffer`; the catalogue (``WireMessage``) checks afterwards
/// that no bytes were left over. Decoders of input from the network never trap: every problem is a
/// ``WireDecodingError``.
public protocol WirePayload: Sendable, Hashable {
    /// Reads this payload's fields from the front of `buffer`.
    static func decode(from buffer: inout ByteBuffer) throws(WireDecodingError) -> Self
    /// Appends this payload's fields to `buffer`.
    func encode(into buffer: inout ByteBuffer)
}
