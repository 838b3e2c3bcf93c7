#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// What the kernel says this process uses: CPU seconds (user + system) and resident memory. Read from
/// `/proc/self/stat` (fields 14 `utime` and 15 `stime`, in clock ticks; proc(5)) and `/proc/self/statm` (field 2,
/// resident pages), which cost a few microseconds per scrape and need no privileges. Elsewhere (macOS) ``current()``
/// is nil and the process metrics are left out.
public struct ProcessStats: Sendable, Hashable {
    public var cpuSeconds: Double
    public var residentBytes: UInt64

    public init(cpuSeconds: Double, residentBytes: UInt64) {
        self.cpuSeconds = cpuSeconds
        self.residentBytes = residentBytes
    }

    /// This process's figures now, or nil where /proc is not there.
    public static func current() -> ProcessStats? {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
              let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        return parse(stat: stat, statm: statm, ticksPerSecond: Int(sysconf(Int32(_SC_CLK_TCK))),
                     pageSize: Int(sysconf(Int32(_SC_PAGESIZE))))
    }

    /// Parses the two files' text. The command name in `stat` (field 2) is in parentheses and may itself hold spaces
    /// and parentheses, so fields are counted from the last `)`. Nil when either text is not what proc(5) describes.
    public static func parse(stat: String, statm: String, ticksPerSecond: Int, pageSize: Int) -> ProcessStats? {
        guard ticksPerSecond > 0, pageSize > 0, let close = stat.lastIndex(of: ")") else { return nil }
        // After ") ": field 3 (state) is index 0, so utime (14) is index 11 and stime (15) index 12.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        let resident = statm.split(separator: " ")
        guard fields.count > 12, let user = UInt64(fields[11]), let system = UInt64(fields[12]),
              resident.count > 1, let pages = UInt64(resident[1]) else { return nil }
        return ProcessStats(cpuSeconds: Double(user + system) / Double(ticksPerSecond), residentBytes: pages * UInt64(pageSize))
    }
}
