/// A message an application sends or receives after the handshake: ``DriverMessage`` or ``ExecutorMessage``.
/// Handshake, heartbeat and error frames never reach applications; the transport handles them.
public protocol WireApplicationMessage: Sendable, Hashable {
    /// The side that sends this kind of message.
    static var sender: WireRole { get }
    /// The message as it travels on the wire.
    var wireMessage: WireMessage { get }
    /// The application message `message` carries, or nil when `message` is not one `sender` sends to applications.
    init?(wireMessage message: WireMessage)
}
