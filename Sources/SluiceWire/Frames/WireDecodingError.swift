public import SluiceCore

/// Why bytes received from a peer are not a valid frame or payload.
///
/// The receiving side turns this into an ERROR frame for the peer (``wireErrorCode`` and ``description``)
/// and into a ``SluiceError`` for the application (``sluiceError``), then closes the connection.
public struct WireDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem was found.
    public enum Kind: Sendable, Hashable {
        /// The first two bytes of a frame are not `SL`.
        case badMagic
        /// The header's format version byte is not 1.
        case unsupportedFormatVersion
        /// The header's message type byte names no message of this protocol.
        case unknownMessageType
        /// The header's flags byte has bits set that this version does not define.
        case unsupportedFlags
        /// The announced payload is longer than the receiver's limit.
        case frameTooLarge
        /// The connection ended inside a frame.
        case truncatedFrame
        /// The payload does not parse as the message its header names, or has bytes left over.
        case malformedPayload
    }

    /// What kind of problem this is.
    public var kind: Kind
    /// The message type byte of the offending frame, when the header got that far.
    public var messageType: UInt8?
    /// The payload field being decoded when the problem was found.
    public var field: String?
    /// What exactly is wrong, for operators.
    public var detail: String

    /// A decoding problem; `detail` is the operator-facing sentence.
    public init(_ kind: Kind, messageType: UInt8? = nil, field: String? = nil, detail: String) {
        self.kind = kind
        self.messageType = messageType
        self.field = field
        self.detail = detail
    }

    /// A malformed payload: `field` names the field, `detail` what is wrong with it.
    static func malformed(_ field: String, _ detail: String) -> WireDecodingError {
        WireDecodingError(.malformedPayload, field: field, detail: detail)
    }

    /// The message type's name (`HELLO`) or its hexadecimal value when unknown.
    var messageName: String? {
        guard let messageType else { return nil }
        if let id = WireMessage.ID(rawValue: messageType) { return id.description }
        return "type 0x" + String(messageType, radix: 16, uppercase: true)
    }

    public var description: String {
        switch kind {
        case .malformedPayload:
            var text = "malformed \(messageName ?? "message") payload"
            if let field { text += ", field \(field)" }
            return text + ": " + detail
        case .frameTooLarge, .truncatedFrame, .unsupportedFlags:
            if let name = messageName { return "\(name) frame: \(detail)" }
            return detail
        case .badMagic, .unsupportedFormatVersion, .unknownMessageType:
            return detail
        }
    }

    /// The code an ERROR frame reporting this problem carries.
    public var wireErrorCode: WireErrorCode {
        kind == .frameTooLarge ? .frameTooLarge : .protocolError
    }

    /// This problem as Sluice's error shape.
    public var sluiceError: SluiceError {
        SluiceError(wireErrorCode.sluiceCode, "invalid frame from the peer: \(description)")
    }
}
