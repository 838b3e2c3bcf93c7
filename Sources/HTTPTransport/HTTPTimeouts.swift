/// Time limits of one request. libcurl enforces them (CURLOPT_CONNECTTIMEOUT_MS, CURLOPT_TIMEOUT_MS,
/// CURLOPT_LOW_SPEED_LIMIT / CURLOPT_LOW_SPEED_TIME).
public struct HTTPTimeouts: Sendable, Hashable {
    /// Aborts a transfer that moves fewer than `bytesPerSecond` bytes per second, on average, for `duration`.
    public struct LowSpeed: Sendable, Hashable {
        public var bytesPerSecond: Int
        public var duration: Duration

        public init(bytesPerSecond: Int, duration: Duration) {
            self.bytesPerSecond = bytesPerSecond
            self.duration = duration
        }
    }

    /// Limit on establishing the TCP (and TLS) connection. Default 10 s.
    public var connect: Duration
    /// Limit on the whole request, connection included; `nil` (the default) for none, since an insert
    /// of a large shard may legitimately take long.
    public var total: Duration?
    /// Stall detection; `nil` (the default) for none. Note that a server computing a long query sends
    /// nothing until it is done.
    public var lowSpeed: LowSpeed?

    public init(connect: Duration = .seconds(10), total: Duration? = nil, lowSpeed: LowSpeed? = nil) {
        self.connect = connect
        self.total = total
        self.lowSpeed = lowSpeed
    }
}

extension Duration {
    /// Whole milliseconds, rounded up so that a positive duration never becomes 0 ("no limit" to libcurl).
    var roundedUpMilliseconds: Int {
        let (seconds, attoseconds) = components
        let millis = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int(clamping: max(millis, 1))
    }
}
