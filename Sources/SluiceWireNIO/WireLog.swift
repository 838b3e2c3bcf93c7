import Logging
import SluiceCore

/// Metadata keys of the transport's log records. Messages are constant; data goes in these keys.
enum WireLog {
    static let executorID = "sluice.executor.id"
    static let sessionID = "sluice.wire.session.id"
    static let remoteAddress = "sluice.wire.remote"
    static let localAddress = "sluice.wire.local"
    static let protocolVersion = "sluice.wire.version"
    static let slots = "sluice.wire.slots"
    static let errorCode = "sluice.error.code"
    static let error = "sluice.error"

    /// A session id as 16 hexadecimal digits.
    static func session(_ id: UInt64) -> Logger.MetadataValue {
        let hex = String(id, radix: 16)
        return .string(String(repeating: "0", count: 16 - hex.count) + hex)
    }

    /// Adds an error's code and description.
    static func add(_ error: SluiceError, to metadata: inout Logger.Metadata) {
        metadata[errorCode] = .string(error.code.name)
        metadata[WireLog.error] = .string(error.description)
    }
}
