public import SluiceCore

/// The code carried by an ERROR frame (docs/protocol.md §7). Unknown codes are kept as they are, so a newer
/// peer's codes can still be shown.
public struct WireErrorCode: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// A frame or payload could not be decoded (bad magic, unknown type, truncated, malformed, trailing bytes).
    public static let protocolError = WireErrorCode(rawValue: 1)
    /// A frame announced a payload above the receiver's limit.
    public static let frameTooLarge = WireErrorCode(rawValue: 2)
    /// The two sides share no protocol version.
    public static let unsupportedVersion = WireErrorCode(rawValue: 3)
    /// A handshake proof did not match the shared secret.
    public static let authenticationFailed = WireErrorCode(rawValue: 4)
    /// A well-formed message arrived in a state that does not allow it (before authentication, twice, wrong direction).
    public static let unexpectedMessage = WireErrorCode(rawValue: 5)
    /// The handshake did not complete in time.
    public static let handshakeTimeout = WireErrorCode(rawValue: 6)
    /// The peer sent nothing for longer than the heartbeat timeout.
    public static let heartbeatTimeout = WireErrorCode(rawValue: 7)
    /// The sender is shutting down and takes no new connections.
    public static let shuttingDown = WireErrorCode(rawValue: 8)
    /// The sender hit a bug.
    public static let internalError = WireErrorCode(rawValue: 9)

    /// The code's name as docs/protocol.md lists it (`authentication_failed`), or `code_<n>` when unknown.
    public var name: String {
        switch rawValue {
        case 1: "protocol_error"
        case 2: "frame_too_large"
        case 3: "unsupported_version"
        case 4: "authentication_failed"
        case 5: "unexpected_message"
        case 6: "handshake_timeout"
        case 7: "heartbeat_timeout"
        case 8: "shutting_down"
        case 9: "internal_error"
        default: "code_\(rawValue)"
        }
    }

    public var description: String { name }

    /// The ``SluiceError/Code`` an application sees for this wire code.
    public var sluiceCode: SluiceError.Code {
        switch rawValue {
        case 1: .wireProtocolError
        case 2: .wireFrameTooLarge
        case 3: .wireUnsupportedVersion
        case 4: .wireAuthenticationFailed
        case 5: .wireUnexpectedMessage
        case 6: .wireHandshakeTimeout
        case 7: .wireHeartbeatTimeout
        case 8: .wirePeerShuttingDown
        default: .wirePeerError
        }
    }
}

extension SluiceError.Code {
    /// A frame or payload from the peer could not be decoded.
    public static let wireProtocolError = Self("wire_protocol_error", retryable: false)
    /// A frame is larger than the configured limit (received, or about to be sent).
    public static let wireFrameTooLarge = Self("wire_frame_too_large", retryable: false)
    /// Driver and executor share no protocol version.
    public static let wireUnsupportedVersion = Self("wire_unsupported_version", retryable: false)
    /// A handshake proof did not match the shared secret (on either side).
    public static let wireAuthenticationFailed = Self("wire_authentication_failed", retryable: false)
    /// The peer sent a message the session state does not allow.
    public static let wireUnexpectedMessage = Self("wire_unexpected_message", retryable: false)
    /// The handshake did not complete within the configured time.
    public static let wireHandshakeTimeout = Self("wire_handshake_timeout", retryable: true)
    /// The peer was silent for longer than the heartbeat timeout.
    public static let wireHeartbeatTimeout = Self("wire_heartbeat_timeout", retryable: true)
    /// The peer is shutting down.
    public static let wirePeerShuttingDown = Self("wire_peer_shutting_down", retryable: true)
    /// The peer reported an internal error or a code this build does not know.
    public static let wirePeerError = Self("wire_peer_error", retryable: true)
    /// The connection ended without a SHUTDOWN (peer killed, reset, network failure).
    public static let wireConnectionLost = Self("wire_connection_lost", retryable: true)
    /// An operation needs an open connection and this one is closed or closing.
    public static let wireConnectionClosed = Self("wire_connection_closed", retryable: true)
    /// The driver could not listen on its address.
    public static let wireListenFailed = Self("wire_listen_failed", retryable: false)
    /// The TCP connection to the peer could not be opened.
    public static let wireConnectFailed = Self("wire_connect_failed", retryable: true)
    /// The shared secret is missing, unreadable or too short.
    public static let wireInvalidSecret = Self("wire_invalid_secret", retryable: false)
    /// A wire configuration value or argument is out of range.
    public static let wireInvalidConfiguration = Self("wire_invalid_configuration", retryable: false)
}
