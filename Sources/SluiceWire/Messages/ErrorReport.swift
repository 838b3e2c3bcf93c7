public import NIOCore

extension WireMessage {
    /// ERROR (type 0x06), both ways: why the sender is about to close the connection (docs/protocol.md §6.6).
    /// The sender closes its side after sending it; the receiver closes too.
    ///
    /// Payload: `code u16`, `message string`.
    public struct ErrorReport: WirePayload {
        /// What went wrong, from the table in docs/protocol.md §7.
        public var code: WireErrorCode
        /// A sentence for operators. Never contains secrets.
        public var message: String

        public init(code: WireErrorCode, message: String) {
            self.code = code
            self.message = message
        }

        public static func decode(from buffer: inout ByteBuffer) throws(WireDecodingError) -> ErrorReport {
            let code = WireErrorCode(rawValue: try buffer.readWireInteger(UInt16.self, field: "code"))
            let message = try buffer.readWireString(field: "message")
            return ErrorReport(code: code, message: message)
        }

        public func encode(into buffer: inout ByteBuffer) {
            buffer.writeWireInteger(code.rawValue)
            buffer.writeWireString(message)
        }
    }
}
