import Foundation
public import SluiceCore
import Yams

/// A connector's part of the configuration, kept as written until the connector reads it: `source: {postgres:
/// {...}}` or `sink: {clickhouse: {...}}`. Sluice's configuration module knows no connector; each connector
/// decodes its own settings type from its section (``decode(_:environment:)``), with errors that name the file,
/// line and key path, and `${ENV}` references expanded from the environment of the process that decodes it.
///
/// The section travels to executors as it was written (``wireForm``), references unexpanded, so that secrets
/// never cross the wire and an executor's errors cite the same file and line as the driver's.
public struct ConnectorSection: Sendable, Hashable, Codable {
    /// The connector's name: the single key of the section (`postgres`).
    public var kind: String
    /// The configuration file the section comes from.
    public var file: String
    /// That file's whole text, as written.
    public var text: String
    /// Where the section's mapping sits in the file (`["source"]`); the settings are under `path + [kind]`.
    public var path: [String]
    /// The line of the connector's key, for messages.
    public var line: Int?

    public init(kind: String, file: String, text: String, path: [String], line: Int?) {
        self.kind = kind
        self.file = file
        self.text = text
        self.path = path
        self.line = line
    }

    /// Reads the section while the pipeline is decoded: a mapping with exactly one key, the connector's name.
    public init(from decoder: any Decoder) throws {
        guard let decoder = decoder as? NodeDecoder else {
            // Decoded from JSON (the run plan an executor receives).
            let container = try decoder.container(keyedBy: CodingKeys.self)
            kind = try container.decode(String.self, forKey: .kind)
            file = try container.decode(String.self, forKey: .file)
            text = try container.decode(String.self, forKey: .text)
            path = try container.decode([String].self, forKey: .path)
            line = try container.decodeIfPresent(Int.self, forKey: .line)
            return
        }
        let what = decoder.path.last ?? "section"
        guard let mapping = decoder.node.mapping, mapping.count == 1, let entry = mapping.first, let name = entry.key.string
        else {
            throw decoder.location.error("\(what) takes exactly one connector, e.g. `\(what): {postgres: {...}}`")
        }
        guard entry.value.mapping != nil else {
            throw decoder.state.location(entry.value, decoder.path + [name]).error("expected the \(name) settings as a mapping")
        }
        decoder.tracker.used = true
        decoder.tracker.requested.insert(name)
        kind = name
        file = decoder.state.file
        text = decoder.state.text
        path = decoder.path
        line = entry.key.mark?.line
    }

    enum CodingKeys: String, CodingKey { case kind, file, text, path, line }

    /// `source.postgres`, for messages.
    public var keyPath: String { (path + [kind]).joined(separator: ".") }

    /// The connector's settings, decoded as `type` with `${ENV}` references expanded from `environment`.
    public func decode<T: Decodable>(_ type: T.Type, environment: [String: String]? = nil) throws(SluiceError) -> T {
        let environment = environment ?? ProcessInfo.processInfo.environment
        let root = try PipelineLoader.compose(text, file: file)
        var node: Node? = root
        for key in path + [kind] { node = node?.mapping?.first { $0.key.string == key }?.value }
        guard let node else {
            throw SluiceError(.configInvalid, "the configuration has no \(keyPath) section", context: ErrorContext(file: file, line: line))
        }
        return try YAMLNodeDecoder(file: file, text: text, substitution: EnvironmentSubstitution(environment: environment))
            .decode(type, from: node, path: path + [kind])
    }

    /// An error about this section that names its file and line (an unknown connector, say).
    public func error(_ message: String) -> SluiceError {
        SluiceError(.configInvalid, message, context: ErrorContext(file: file, line: line, key: keyPath))
    }
}
