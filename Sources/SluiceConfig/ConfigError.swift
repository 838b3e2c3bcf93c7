public import SluiceCore

extension SluiceError.Code {
    /// The configuration file cannot be read or parsed as YAML.
    public static let configSyntax = Self("config_syntax", retryable: false)
    /// The configuration parses but a key is missing, unknown, of the wrong type or inconsistent.
    public static let configInvalid = Self("config_invalid", retryable: false)
    /// A `${VAR}` reference names an unset variable, or a secret file cannot be read.
    public static let configSecret = Self("config_secret", retryable: false)
}

/// Where in a configuration file a value came from.
struct ConfigLocation: Sendable {
    var file: String
    var line: Int?
    var path: [String]

    var keyPath: String { path.isEmpty ? "(top level)" : path.joined(separator: ".") }

    func error(_ message: String) -> SluiceError {
        error(.configInvalid, message)
    }

    func error(_ code: SluiceError.Code, _ message: String) -> SluiceError {
        SluiceError(code, message, context: ErrorContext(file: file, line: line, key: keyPath))
    }
}
