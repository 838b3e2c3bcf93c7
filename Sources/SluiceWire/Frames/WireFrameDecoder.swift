public import NIOCore

/// Splits a byte stream into frames and decodes each frame's payload (docs/protocol.md §3).
///
/// `decode(buffer:)` returns nil while a frame is incomplete. Header bytes are checked as soon as they
/// arrive: a wrong magic, format version, message type or flags byte, or a payload length over the limit,
/// throws before the rest of the frame is awaited, so garbage and oversized frames are refused without
/// buffering them. Until an AUTH or WELCOME frame has been decoded the limit is
/// ``WireFrame/handshakeMaxPayloadSize``; after that it is `maxPayloadSize`.
public struct WireFrameDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = WireMessage

    /// The payload limit once the handshake is through.
    public let maxPayloadSize: Int
    /// The payload limit until then.
    public let handshakeMaxPayloadSize: Int
    /// True once an AUTH or WELCOME frame has been decoded.
    public private(set) var handshakeDecoded = false

    /// - Parameters:
    ///   - maxPayloadSize: the largest payload accepted after the handshake, at most `UInt32.max`.
    ///   - handshakeMaxPayloadSize: the largest payload accepted before it.
    public init(
        maxPayloadSize: Int = WireFrame.defaultMaxPayloadSize,
        handshakeMaxPayloadSize: Int = WireFrame.handshakeMaxPayloadSize
    ) {
        self.maxPayloadSize = maxPayloadSize
        self.handshakeMaxPayloadSize = min(handshakeMaxPayloadSize, maxPayloadSize)
    }

    /// The payload limit that applies to the next frame.
    public var currentMaxPayloadSize: Int { handshakeDecoded ? maxPayloadSize : handshakeMaxPayloadSize }

    public mutating func decode(buffer: inout ByteBuffer) throws -> WireMessage? {
        try decodeFrame(buffer: &buffer)
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> WireMessage? {
        if let message = try decodeFrame(buffer: &buffer) { return message }
        guard seenEOF, buffer.readableBytes > 0 else { return nil }
        throw truncationError(buffer)
    }

    /// Decodes one frame, or returns nil and leaves `buffer` untouched when it holds less than a frame.
    public mutating func decodeFrame(buffer: inout ByteBuffer) throws(WireDecodingError) -> WireMessage? {
        let start = buffer.readerIndex
        let available = buffer.readableBytes
        guard available > 0 else { return nil }

        // Validate each header byte as soon as it is there.
        let byte0 = buffer.getInteger(at: start, as: UInt8.self)!
        let byte1 = available > 1 ? buffer.getInteger(at: start + 1, as: UInt8.self) : nil
        if byte0 != WireFrame.magic.0 || (byte1 != nil && byte1 != WireFrame.magic.1) {
            throw WireDecodingError(.badMagic, detail: Self.badMagicDetail(byte0, byte1))
        }
        guard available > 2 else { return nil }
        let version = buffer.getInteger(at: start + 2, as: UInt8.self)!
        guard version == WireFrame.formatVersion else {
            throw WireDecodingError(
                .unsupportedFormatVersion,
                detail: "unsupported frame format version \(version); this build reads version \(WireFrame.formatVersion)")
        }
        guard available > 3 else { return nil }
        let rawType = buffer.getInteger(at: start + 3, as: UInt8.self)!
        guard let id = WireMessage.ID(rawValue: rawType) else {
            throw WireDecodingError(
                .unknownMessageType, messageType: rawType,
                detail: "unknown message type 0x\(String(rawType, radix: 16, uppercase: true))")
        }
        guard available > 4 else { return nil }
        let flags = buffer.getInteger(at: start + 4, as: UInt8.self)!
        guard flags == 0 else {
            throw WireDecodingError(
                .unsupportedFlags, messageType: rawType,
                detail: "flags 0x\(String(flags, radix: 16, uppercase: true)) are set; version 1 defines no flags")
        }
        guard available >= WireFrame.headerSize else { return nil }
        let length = Int(buffer.getInteger(at: start + WireFrame.lengthOffset, endianness: .big, as: UInt32.self)!)
        let limit = currentMaxPayloadSize
        guard length <= limit else {
            let phase = handshakeDecoded ? "" : " before the handshake completed"
            throw WireDecodingError(
                .frameTooLarge, messageType: rawType,
                detail: "payload of \(length) bytes exceeds the limit of \(limit) bytes\(phase)")
        }
        guard var payload = buffer.getSlice(at: start + WireFrame.headerSize, length: length) else { return nil }
        buffer.moveReaderIndex(forwardBy: WireFrame.headerSize + length)

        let message = try WireMessage.decode(from: &payload, id: id)
        if id == .auth || id == .welcome { handshakeDecoded = true }
        return message
    }

    private static func badMagicDetail(_ byte0: UInt8, _ byte1: UInt8?) -> String {
        let seen = [byte0] + (byte1.map { [$0] } ?? [])
        let hex = seen.map { "0x" + String($0, radix: 16, uppercase: true) }.joined(separator: " ")
        // 0x16 0x03 opens a TLS handshake record, 0x15 0x03 a TLS alert: one side was given TLS and the other not.
        if byte0 == 0x15 || byte0 == 0x16, byte1 == 0x03 {
            return "not a Sluice wire frame: starts with \(hex), a TLS record: the peer speaks TLS on this connection and this side does not"
        }
        return "not a Sluice wire frame: starts with \(hex) where the magic 0x53 0x4C (\"SL\") belongs"
    }

    private func truncationError(_ buffer: ByteBuffer) -> WireDecodingError {
        let available = buffer.readableBytes
        let rawType = available > 3 ? buffer.getInteger(at: buffer.readerIndex + 3, as: UInt8.self) : nil
        if available < WireFrame.headerSize {
            return WireDecodingError(
                .truncatedFrame, messageType: rawType,
                detail: "the connection ended inside a frame header (\(available) of \(WireFrame.headerSize) bytes)")
        }
        let length = buffer.getInteger(at: buffer.readerIndex + WireFrame.lengthOffset, endianness: .big, as: UInt32.self)!
        return WireDecodingError(
            .truncatedFrame, messageType: rawType,
            detail: "the connection ended inside the payload (\(available - WireFrame.headerSize) of \(length) bytes)")
    }
}
