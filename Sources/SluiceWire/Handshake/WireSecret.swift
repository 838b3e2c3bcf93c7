import Crypto
import Foundation
public import SluiceCore

/// The secret shared by the driver and its executors, used as the HMAC-SHA256 key of the handshake
/// (docs/protocol.md §5). It never crosses the wire and never appears in logs: `description`,
/// `debugDescription` and reflection all print `WireSecret(redacted)`.
///
/// Load it from an environment variable (``fromEnvironment(_:environment:)``, `SLUICE_TOKEN` by default) or
/// from a file (``fromFile(_:)``, e.g. a Kubernetes secret mounted as a file). Trailing newlines are trimmed;
/// secrets shorter than ``minimumLength`` bytes are refused.
public struct WireSecret: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The shortest secret accepted, in bytes. 16 random bytes (or a 32-character hex token) resist guessing;
    /// shorter secrets are refused so a placeholder like `changeme` cannot slip into production.
    public static let minimumLength = 16
    /// The environment variable read by default.
    public static let defaultEnvironmentVariable = "SLUICE_TOKEN"

    /// The key's bytes. Kept as bytes because `SymmetricKey` is not `Sendable`.
    private let bytes: [UInt8]

    /// The HMAC key.
    var key: SymmetricKey { SymmetricKey(data: bytes) }

    /// A secret from raw bytes. `origin` names where they came from, for the error message.
    public init(bytes: some Sequence<UInt8>, origin: String = "the shared secret") throws(SluiceError) {
        let bytes = Array(bytes)
        guard !bytes.isEmpty else {
            throw SluiceError(.wireInvalidSecret, "\(origin) is empty; set a random token of at least \(Self.minimumLength) bytes")
        }
        guard bytes.count >= Self.minimumLength else {
            throw SluiceError(
                .wireInvalidSecret,
                "\(origin) is too short (\(bytes.count) bytes); use a random token of at least \(Self.minimumLength) bytes")
        }
        self.bytes = bytes
    }

    /// A secret from text: its UTF-8 bytes with trailing `\n` and `\r` removed.
    public init(text: String, origin: String = "the shared secret") throws(SluiceError) {
        try self.init(bytes: Self.trimmingTrailingNewlines(Array(text.utf8)), origin: origin)
    }

    /// Reads the secret from the environment variable `name` (trailing newlines trimmed), in `environment`
    /// when given, otherwise in the process environment.
    ///
    /// - Throws: ``SluiceError`` with code ``SluiceCore/SluiceError/Code/wireInvalidSecret`` naming the variable
    ///   (never its value) when it is unset, empty or too short.
    public static func fromEnvironment(
        _ name: String = defaultEnvironmentVariable,
        environment: [String: String]? = nil
    ) throws(SluiceError) -> WireSecret {
        guard let value = (environment ?? ProcessInfo.processInfo.environment)[name] else {
            throw SluiceError(
                .wireInvalidSecret,
                "environment variable \(name) is not set; it must hold the cluster's shared secret (at least \(minimumLength) bytes)")
        }
        return try WireSecret(text: value, origin: "environment variable \(name)")
    }

    /// Reads the secret from the file at `path` (trailing newlines trimmed).
    ///
    /// - Throws: ``SluiceError`` with code ``SluiceCore/SluiceError/Code/wireInvalidSecret`` and the path in its
    ///   context when the file cannot be read, is empty or is too short.
    public static func fromFile(_ path: String) throws(SluiceError) -> WireSecret {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw SluiceError(
                .wireInvalidSecret, "cannot read the shared secret file", context: ErrorContext(file: path),
                underlying: (error as NSError).localizedDescription)
        }
        do throws(SluiceError) {
            return try WireSecret(bytes: trimmingTrailingNewlines(Array(data)), origin: "the shared secret file")
        } catch {
            throw error.adding(ErrorContext(file: path))
        }
    }

    /// The secret from `file` when one is given, otherwise from the environment variable `variable`.
    public static func load(
        file: String?, variable: String = defaultEnvironmentVariable,
        environment: [String: String]? = nil
    ) throws(SluiceError) -> WireSecret {
        if let file { return try fromFile(file) }
        return try fromEnvironment(variable, environment: environment)
    }

    public var description: String { "WireSecret(redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }

    private static func trimmingTrailingNewlines(_ bytes: [UInt8]) -> [UInt8] {
        var end = bytes.endIndex
        while end > bytes.startIndex, bytes[end - 1] == UInt8(ascii: "\n") || bytes[end - 1] == UInt8(ascii: "\r") {
            end -= 1
        }
        return Array(bytes[..<end])
    }
}
