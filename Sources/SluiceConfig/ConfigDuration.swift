/// A length of time written as `250ms`, `30s`, `5m`, `2h` or `7d` (or a bare number of seconds).
public struct ConfigDuration: Sendable, Hashable, Decodable, CustomStringConvertible {
    public var microseconds: Int64

    public init(microseconds: Int64) {
        self.microseconds = microseconds
    }

    public static func seconds(_ seconds: Int64) -> ConfigDuration { ConfigDuration(microseconds: seconds * 1_000_000) }

    public static let zero = ConfigDuration(microseconds: 0)

    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let units: [(String, Int64)] = [("ms", 1_000), ("s", 1_000_000), ("m", 60_000_000), ("h", 3_600_000_000),
                                        ("d", 86_400_000_000)]
        for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
            let number = trimmed.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)
            // "ms" also ends in "s": only accept a plain number before the unit.
            guard let value = Int64(number), value >= 0 else { continue }
            self.microseconds = value * scale
            return
        }
        guard let seconds = Int64(trimmed), seconds >= 0 else { return nil }
        self.microseconds = seconds * 1_000_000
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let parsed = ConfigDuration(parsing: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(text)' is not a duration (write e.g. 500ms, 30s, 5m, 2h, 7d)")
        }
        self = parsed
    }

    public var seconds: Double { Double(microseconds) / 1_000_000 }

    public var description: String {
        if microseconds % 86_400_000_000 == 0, microseconds > 0 { return "\(microseconds / 86_400_000_000)d" }
        if microseconds % 3_600_000_000 == 0, microseconds > 0 { return "\(microseconds / 3_600_000_000)h" }
        if microseconds % 60_000_000 == 0, microseconds > 0 { return "\(microseconds / 60_000_000)m" }
        if microseconds % 1_000_000 == 0 { return "\(microseconds / 1_000_000)s" }
        return "\(microseconds / 1_000)ms"
    }
}

import Foundation
