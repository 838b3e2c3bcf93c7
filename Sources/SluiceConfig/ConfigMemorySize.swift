import Foundation

/// An amount of memory written as `512MiB`, `2GiB` or Kubernetes' `512Mi`, `2Gi` (or a bare number of MiB), so
/// that a budget can be copied from a pod's `resources.limits.memory`. Only binary units: `512M` would be read
/// differently by different people.
public struct ConfigMemorySize: Sendable, Hashable, Decodable, CustomStringConvertible {
    public var mebibytes: Int

    public init(mebibytes: Int) {
        self.mebibytes = mebibytes
    }

    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        for (suffix, scale) in [("GiB", 1024), ("Gi", 1024), ("MiB", 1), ("Mi", 1)] where trimmed.hasSuffix(suffix) {
            guard let value = Int(trimmed.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)), value >= 0,
                  value <= Int(Int32.max) else { return nil }
            mebibytes = value * scale
            return
        }
        guard let value = Int(trimmed), value >= 0, value <= Int(Int32.max) else { return nil }
        mebibytes = value
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let parsed = ConfigMemorySize(parsing: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(text)' is not an amount of memory (write e.g. 512MiB, 2GiB, 768Mi)")
        }
        self = parsed
    }

    public var description: String {
        mebibytes % 1024 == 0 && mebibytes > 0 ? "\(mebibytes / 1024)GiB" : "\(mebibytes)MiB"
    }
}
