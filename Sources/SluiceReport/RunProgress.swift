import Foundation

/// Where one table of a running run stands, for the live display of `sluice run` and its periodic progress log.
public struct TableProgress: Sendable, Hashable {
    public var table: String
    public var tasksDone: Int
    public var tasksTotal: Int
    /// Rows of committed tasks plus the rows running tasks have read so far.
    public var rows: UInt64
    /// Parquet bytes of committed tasks.
    public var bytes: UInt64
    /// Attempts beyond each task's first.
    public var retries: Int
    /// Whether the table ended (succeeded or failed).
    public var finished: Bool
    public var failed: Bool

    public init(table: String, tasksDone: Int, tasksTotal: Int, rows: UInt64, bytes: UInt64, retries: Int,
                finished: Bool, failed: Bool) {
        self.table = table
        self.tasksDone = tasksDone
        self.tasksTotal = tasksTotal
        self.rows = rows
        self.bytes = bytes
        self.retries = retries
        self.finished = finished
        self.failed = failed
    }

    /// `orders  12/16 tasks  1,234,567 rows  56.2 MB  412,000 rows/s  1 retry  ETA 0:04`, `elapsed` seconds into the
    /// run. The ETA assumes the remaining tasks take as long as the done ones did. Pure.
    public func line(elapsed: Double, nameWidth: Int) -> String {
        var parts = [table.padding(toLength: max(nameWidth, table.count), withPad: " ", startingAt: 0),
                     "\(tasksDone)/\(tasksTotal) tasks", "\(Self.grouped(rows)) rows",
                     String(format: "%.1f MB", Double(bytes) / 1_000_000)]
        if elapsed > 0 { parts.append("\(Self.grouped(UInt64(Double(rows) / elapsed))) rows/s") }
        if retries > 0 { parts.append("\(retries) retr\(retries == 1 ? "y" : "ies")") }
        if finished {
            parts.append(failed ? "FAILED" : "done")
        } else if tasksDone > 0, tasksDone < tasksTotal {
            let remaining = elapsed / Double(tasksDone) * Double(tasksTotal - tasksDone)
            parts.append("ETA " + Self.clock(remaining))
        }
        return parts.joined(separator: "  ")
    }

    static func grouped(_ value: UInt64) -> String {
        let digits = String(value)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return out
    }

    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded(.up))
        return total >= 3600 ? String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
            : String(format: "%d:%02d", total / 60, total % 60)
    }
}

/// Redraws a block of lines in place on a terminal: each call moves the cursor back over the previous block and
/// clears each line it writes (ANSI `ESC[nF` and `ESC[2K`). Pure: returns the text to write.
public struct TerminalRedraw: Sendable {
    private var previousLines = 0

    public init() {}

    public mutating func frame(_ lines: [String]) -> String {
        var text = previousLines > 0 ? "\u{1B}[\(previousLines)F" : ""
        for line in lines { text += "\u{1B}[2K" + line + "\n" }
        // Lines left over from a taller previous block are cleared.
        if previousLines > lines.count {
            for _ in lines.count..<previousLines { text += "\u{1B}[2K\n" }
            text += "\u{1B}[\(previousLines - lines.count)F"
        }
        previousLines = lines.count
        return text
    }
}
