public import NIOCore
public import SluiceCore

/// Writes messages as frames (docs/protocol.md §3) and refuses frames the peer would refuse.
public struct WireFrameEncoder: Sendable {
    /// The largest payload this encoder writes.
    public var maxPayloadSize: Int

    /// An encoder refusing payloads above `maxPayloadSize` (clamped to `UInt32.max`).
    public init(maxPayloadSize: Int = WireFrame.defaultMaxPayloadSize) {
        self.maxPayloadSize = min(maxPayloadSize, Int(UInt32.max))
    }

    /// Appends `message` to `buffer` as one frame: the header, then the payload, with the length filled in.
    ///
    /// - Throws: ``SluiceError`` with code ``SluiceCore/SluiceError/Code/wireFrameTooLarge`` when the payload
    ///   is larger than ``maxPayloadSize``; `buffer` is then left as it was.
    public func encode(_ message: WireMessage, into buffer: inout ByteBuffer) throws(SluiceError) {
        let start = buffer.writerIndex
        buffer.writeInteger(WireFrame.magic.0)
        buffer.writeInteger(WireFrame.magic.1)
        buffer.writeInteger(WireFrame.formatVersion)
        buffer.writeInteger(message.id.rawValue)
        buffer.writeInteger(0 as UInt8)
        buffer.writeInteger(0 as UInt32)
        message.encodePayload(into: &buffer)
        let length = buffer.writerIndex - start - WireFrame.headerSize
        guard length <= maxPayloadSize else {
            buffer.moveWriterIndex(to: start)
            throw SluiceError(
                .wireFrameTooLarge,
                "\(message.id) message of \(length) bytes exceeds the frame limit of \(maxPayloadSize) bytes")
        }
        buffer.setInteger(UInt32(length), at: start + WireFrame.lengthOffset, endianness: .big)
    }

    /// `message` as one frame in a new buffer.
    public func encode(_ message: WireMessage, allocator: ByteBufferAllocator = ByteBufferAllocator()) throws(SluiceError) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 64)
        try encode(message, into: &buffer)
        return buffer
    }
}
