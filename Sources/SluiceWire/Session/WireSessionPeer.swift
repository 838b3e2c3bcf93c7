package import NIOCore

/// What both sides know about a session once the handshake succeeded.
package struct WireSessionPeer: Sendable, Hashable {
    /// The protocol version the driver chose.
    package var protocolVersion: UInt16
    /// The id the driver gave the session (WELCOME).
    package var sessionID: UInt64
    /// The executor's id (HELLO).
    package var executorID: String
    /// How many tasks the executor runs at once (HELLO).
    package var slots: UInt32
    /// How often each side sends HEARTBEAT (WELCOME).
    package var heartbeatInterval: TimeAmount
    /// How long a side may stay silent (WELCOME).
    package var heartbeatTimeout: TimeAmount

    package init(
        protocolVersion: UInt16, sessionID: UInt64, executorID: String, slots: UInt32,
        heartbeatInterval: TimeAmount, heartbeatTimeout: TimeAmount
    ) {
        self.protocolVersion = protocolVersion
        self.sessionID = sessionID
        self.executorID = executorID
        self.slots = slots
        self.heartbeatInterval = heartbeatInterval
        self.heartbeatTimeout = heartbeatTimeout
    }
}
