import Foundation
import Logging

/// One JSON object per log event on stderr, for machines (Kubernetes, CI, log shippers): `time` (UTC, milliseconds),
/// `level`, `logger` (the label), `message`, `source` (the module), and every metadata key at the top level
/// (`"sluice.table": "orders"`); nested metadata stays nested. A line is written with one `write`, so lines from
/// several threads never interleave.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(label: String, metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider) {
        self.label = label
        self.metadataProvider = metadataProvider
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        FileHandle.standardError.write(Data(Self.line(time: Date(), level: event.level, label: label, message: "\(event.message)",
                                                      source: event.source, metadata: merged).utf8))
    }

    /// The JSON line of one event, newline included. Pure.
    static func line(time: Date, level: Logger.Level, label: String, message: String, source: String,
                     metadata: Logger.Metadata) -> String {
        var fields: [(String, String)] = [
            ("time", quoted(timestamp(time))), ("level", quoted(level.rawValue)), ("logger", quoted(label)),
            ("message", quoted(message)), ("source", quoted(source)),
        ]
        let reserved = Set(fields.map(\.0))
        for key in metadata.keys.sorted() where !reserved.contains(key) {
            fields.append((key, json(metadata[key]!)))
        }
        return "{" + fields.map { quoted($0.0) + ":" + $0.1 }.joined(separator: ",") + "}\n"
    }

    static func json(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text): quoted(text)
        case .stringConvertible(let convertible): quoted(convertible.description)
        case .array(let values): "[" + values.map(json).joined(separator: ",") + "]"
        case .dictionary(let entries):
            "{" + entries.keys.sorted().map { quoted($0) + ":" + json(entries[$0]!) }.joined(separator: ",") + "}"
        }
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static func timestamp(_ date: Date) -> String { timestampFormatter.string(from: date) }

    /// Made once: building a formatter per log line costs more than the line.
    nonisolated(unsafe) private static let timestampFormatter: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter
    }()
}
