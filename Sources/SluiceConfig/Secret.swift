/// A password or token: its text is available to the code that needs it, but it prints as `<redacted>`
/// so that it never reaches a log line, an error message or `sluice plan` output.
public struct Secret: Sendable, Hashable, Decodable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The secret itself. Pass it to a client library; never interpolate it into a message.
    public let value: String

    public init(_ value: String) {
        self.value = value
    }

    public init(from decoder: any Decoder) throws {
        value = try decoder.singleValueContainer().decode(String.self)
    }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
}
