package import NIOCore

/// An application message already encoded as a frame, on its way from the application's task to the
/// session handler. Encoding happens in the sending task, off the event loop, and can fail there with a
/// clear error (frame too large) instead of inside the pipeline.
package struct OutboundFrame: Sendable, Hashable {
    /// The message type, for the session state machine.
    package var id: WireMessage.ID
    /// The whole frame: header and payload.
    package var bytes: ByteBuffer

    package init(id: WireMessage.ID, bytes: ByteBuffer) {
        self.id = id
        self.bytes = bytes
    }
}
