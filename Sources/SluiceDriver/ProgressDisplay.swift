import Foundation
public import SluiceReport

/// The live progress of `sluice run` on a terminal: one line per table (tasks done/total, rows, MB, rows/s, retries,
/// ETA), redrawn in place on stderr. The summary table follows on stdout when the run ends.
public actor ProgressDisplay {
    private var redraw = TerminalRedraw()
    private let started = ContinuousClock.now

    public init() {}

    public func show(_ tables: [TableProgress]) {
        guard !tables.isEmpty else { return }
        let (seconds, attoseconds) = (ContinuousClock.now - started).components
        let elapsed = Double(seconds) + Double(attoseconds) / 1e18
        let width = tables.map(\.table.count).max() ?? 0
        let frame = redraw.frame(tables.map { $0.line(elapsed: elapsed, nameWidth: width) })
        FileHandle.standardError.write(Data(frame.utf8))
    }
}
