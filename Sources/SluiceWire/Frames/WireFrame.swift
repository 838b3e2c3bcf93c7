/// Constants of the Sluice wire protocol's frame layer (docs/protocol.md §3).
///
/// Every frame is a 9-byte header followed by the payload:
///
/// | offset | size | field          | value                                   |
/// |--------|------|----------------|-----------------------------------------|
/// | 0      | 2    | magic          | `0x53 0x4C` (ASCII `SL`)                |
/// | 2      | 1    | format version | `0x01`                                  |
/// | 3      | 1    | message type   | ``WireMessage/ID``                      |
/// | 4      | 1    | flags          | `0x00` (no flag is defined in v1)       |
/// | 5      | 4    | payload length | UInt32, big-endian, bytes after header  |
public enum WireFrame {
    /// The two bytes every frame starts with: ASCII `SL`.
    public static let magic: (UInt8, UInt8) = (0x53, 0x4C)
    /// The frame format version carried in byte 2 of every header.
    public static let formatVersion: UInt8 = 1
    /// Size of the fixed header in bytes.
    public static let headerSize = 9
    /// Offset of the payload length field within the header.
    static let lengthOffset = 5
    /// The default limit on a frame's payload: 64 MiB.
    public static let defaultMaxPayloadSize = 64 << 20
    /// The limit on any frame's payload until the handshake has completed (until an AUTH or WELCOME frame
    /// has been decoded): 64 KiB, so an unauthenticated peer cannot make the other side buffer much.
    public static let handshakeMaxPayloadSize = 64 << 10
}

/// Protocol-wide constants of the handshake (docs/protocol.md §5).
public enum WireProtocol {
    /// The protocol version this build speaks best.
    public static let currentVersion: UInt16 = 4
    /// Every protocol version this build can speak. Version 4 (DRAINING, TASK_HANDED_BACK, CANCEL_TASK and the
    /// phase of TASK_PROGRESS) changed a payload, so a version-3 peer is refused: driver and executors come from
    /// the same release.
    public static let supportedVersions: ClosedRange<UInt16> = 4...4
    /// Size of the client and server nonces in HELLO and CHALLENGE.
    public static let nonceSize = 32
    /// Size of an HMAC-SHA256 proof in AUTH and WELCOME.
    public static let proofSize = 32
    /// Longest executor id, in UTF-8 bytes.
    public static let maxExecutorIDLength = 256
}
