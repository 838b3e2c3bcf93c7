public import SluiceCore

/// Settings of a wire connection, the same type on both sides. Defaults suit a cluster on one network.
///
/// The driver's heartbeat settings rule a session: WELCOME tells the executor the interval and timeout to
/// use, so an executor's own ``heartbeatInterval`` and ``missedHeartbeats`` are not used.
public struct WireConfiguration: Sendable, Hashable {
    /// The largest frame payload either side sends or accepts after the handshake. Default 64 MiB.
    /// Frames before the handshake completes are limited to ``WireFrame/handshakeMaxPayloadSize`` (64 KiB).
    public var maxFrameSize: Int
    /// How often each side sends HEARTBEAT (driver only). Default 5 s.
    public var heartbeatInterval: Duration
    /// How many intervals a peer may stay silent before it is declared dead (driver only). Default 3.
    public var missedHeartbeats: Int
    /// How long the whole handshake may take, from TCP accept (or connect) to WELCOME. Default 10 s.
    public var handshakeTimeout: Duration
    /// How long an executor waits for the TCP connection to the driver. Default 10 s.
    public var connectTimeout: Duration
    /// After sending ERROR or SHUTDOWN, how long a side waits for the peer to close before closing anyway.
    /// Default 1 s.
    public var closeGracePeriod: Duration
    /// How many received application messages are buffered while the application does not read them, before
    /// reading from the socket pauses. Default 64.
    public var inboundBufferSize: Int

    /// A configuration; every parameter defaults to the value documented on its property.
    public init(
        maxFrameSize: Int = WireFrame.defaultMaxPayloadSize,
        heartbeatInterval: Duration = .seconds(5),
        missedHeartbeats: Int = 3,
        handshakeTimeout: Duration = .seconds(10),
        connectTimeout: Duration = .seconds(10),
        closeGracePeriod: Duration = .seconds(1),
        inboundBufferSize: Int = 64
    ) {
        self.maxFrameSize = maxFrameSize
        self.heartbeatInterval = heartbeatInterval
        self.missedHeartbeats = missedHeartbeats
        self.handshakeTimeout = handshakeTimeout
        self.connectTimeout = connectTimeout
        self.closeGracePeriod = closeGracePeriod
        self.inboundBufferSize = inboundBufferSize
    }

    /// How long a silent peer lives: ``heartbeatInterval`` × ``missedHeartbeats``.
    public var heartbeatTimeout: Duration { heartbeatInterval * missedHeartbeats }

    /// Checks every value's range.
    ///
    /// - Throws: ``SluiceError`` with code ``SluiceCore/SluiceError/Code/wireInvalidConfiguration`` naming the
    ///   setting.
    public func validate() throws(SluiceError) {
        func fail(_ key: String, _ message: String) -> SluiceError {
            SluiceError(.wireInvalidConfiguration, message, context: ErrorContext(key: key))
        }
        guard (WireFrame.handshakeMaxPayloadSize...Int(UInt32.max)).contains(maxFrameSize) else {
            throw fail("maxFrameSize", "must be between \(WireFrame.handshakeMaxPayloadSize) and \(UInt32.max) bytes, got \(maxFrameSize)")
        }
        guard heartbeatInterval >= .milliseconds(1) else {
            throw fail("heartbeatInterval", "must be at least 1 ms, got \(heartbeatInterval)")
        }
        guard (1...1000).contains(missedHeartbeats) else {
            throw fail("missedHeartbeats", "must be between 1 and 1000, got \(missedHeartbeats)")
        }
        guard heartbeatTimeout <= .milliseconds(Int64(UInt32.max)) else {
            throw fail("heartbeatInterval", "heartbeat timeout \(heartbeatTimeout) exceeds \(UInt32.max) ms")
        }
        for (key, value) in [("handshakeTimeout", handshakeTimeout), ("connectTimeout", connectTimeout)] {
            guard value > .zero else { throw fail(key, "must be positive, got \(value)") }
        }
        guard closeGracePeriod >= .zero else {
            throw fail("closeGracePeriod", "must not be negative, got \(closeGracePeriod)")
        }
        guard inboundBufferSize >= 1 else {
            throw fail("inboundBufferSize", "must be at least 1, got \(inboundBufferSize)")
        }
    }
}

extension Duration {
    /// Whole milliseconds, rounded down, clamped to `UInt32`.
    var wireMilliseconds: UInt32 {
        let (seconds, attoseconds) = components
        let millis = seconds.multipliedReportingOverflow(by: 1000)
        guard !millis.overflow, millis.partialValue >= 0 else { return seconds < 0 ? 0 : .max }
        return UInt32(clamping: millis.partialValue + attoseconds / 1_000_000_000_000_000)
    }
}
