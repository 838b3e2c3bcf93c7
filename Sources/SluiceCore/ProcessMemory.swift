import Foundation

/// The process's own memory as Linux counts it (`/proc/self/status`): what an executor reports against its budget.
public enum ProcessMemory {
    /// The peak resident set size so far (`VmHWM`), in bytes; nil where `/proc` is not there.
    public static func peakResidentBytes() -> Int? { statusField("VmHWM") }

    /// The resident set size now (`VmRSS`), in bytes.
    public static func residentBytes() -> Int? { statusField("VmRSS") }

    /// A `kB` field of `/proc/self/status` in bytes.
    static func statusField(_ name: String) -> Int? {
        guard let data = FileManager.default.contents(atPath: "/proc/self/status") else { return nil }
        return field(name, inStatus: String(decoding: data, as: UTF8.self))
    }

    /// The field `name` of a `/proc/PID/status` text (`VmHWM:\t  123456 kB`) in bytes.
    public static func field(_ name: String, inStatus text: String) -> Int? {
        for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
            let parts = line.dropFirst(name.count + 1).split(separator: " ", omittingEmptySubsequences: true)
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard let value = parts.first.flatMap({ Int($0) }) else { return nil }
            return parts.dropFirst().first == "kB" ? value * 1024 : value
        }
        return nil
    }
}
