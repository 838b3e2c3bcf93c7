import NIOCore
import SluiceCore

/// Sends messages on a connection. `Sendable`: hand it to whatever task decides what to send (a scheduler);
/// sends from several tasks are written in the order they are accepted.
public struct WireOutbound<Message: WireApplicationMessage>: Sendable {
    /// The async channel's writer; nil when the connection closed before the application attached.
    let writer: NIOAsyncChannelOutboundWriter<OutboundFrame>?
    let encoder: WireFrameEncoder
    let status: WireSessionStatus

    /// Encodes `message` as a frame in the calling task and queues it for the socket. Returning means
    /// queued, not received: the peer's reply (TASK_RESULT, ...) is the acknowledgement.
    ///
    /// Sending SHUTDOWN ends the session: the connection closes once the peer closed its side (or after the
    /// grace period), and the inbound sequence then ends normally.
    ///
    /// - Throws: ``SluiceCore/SluiceError``: `wire_frame_too_large` when the encoded message exceeds the
    ///   frame limit (nothing is sent, the session goes on); the session's failure or `wire_connection_closed`
    ///   when the connection is closed or closing.
    public func send(_ message: Message) async throws {
        let wire = message.wireMessage
        var buffer = ByteBufferAllocator().buffer(capacity: 256)
        try encoder.encode(wire, into: &buffer)
        guard let writer, !status.isOutboundClosed else { throw closedError(wire.id, underlying: nil) }
        do {
            try await writer.write(OutboundFrame(id: wire.id, bytes: buffer))
        } catch {
            throw closedError(wire.id, underlying: error)
        }
    }

    /// Encodes `messages` and queues them together, in order: one trip to the event loop for the whole
    /// batch, where ``send(_:)`` makes one per message. Nothing is sent if one of them is too large.
    ///
    /// - Throws: as ``send(_:)``.
    public func send(contentsOf messages: some Sequence<Message>) async throws {
        var frames: [OutboundFrame] = []
        for message in messages {
            let wire = message.wireMessage
            var buffer = ByteBufferAllocator().buffer(capacity: 256)
            try encoder.encode(wire, into: &buffer)
            frames.append(OutboundFrame(id: wire.id, bytes: buffer))
        }
        guard let first = frames.first else { return }
        guard let writer, !status.isOutboundClosed else { throw closedError(first.id, underlying: nil) }
        do {
            try await writer.write(contentsOf: frames)
        } catch {
            throw closedError(first.id, underlying: error)
        }
    }

    private func closedError(_ id: WireMessage.ID, underlying: (any Error)?) -> SluiceError {
        if let failure = status.failure { return failure }
        return SluiceError(
            .wireConnectionClosed, "cannot send \(id): the connection is closed",
            underlying: underlying.map { String(describing: $0) })
    }
}
