import SluiceReport
import Testing

/// The live progress lines of `sluice run` and the in-place redraw on a terminal.
@Suite struct RunProgressTests {
    @Test func aLineSaysTasksRowsRateRetriesAndETA() {
        let running = TableProgress(table: "orders", tasksDone: 4, tasksTotal: 16, rows: 1_234_567, bytes: 56_200_000, retries: 1,
                                    finished: false, failed: false)
        #expect(running.line(elapsed: 10, nameWidth: 8)
                == "orders    4/16 tasks  1,234,567 rows  56.2 MB  123,456 rows/s  1 retry  ETA 0:30")
        let done = TableProgress(table: "items", tasksDone: 2, tasksTotal: 2, rows: 999, bytes: 0, retries: 3, finished: true, failed: false)
        #expect(done.line(elapsed: 1, nameWidth: 5) == "items  2/2 tasks  999 rows  0.0 MB  999 rows/s  3 retries  done")
        let failed = TableProgress(table: "t", tasksDone: 0, tasksTotal: 3, rows: 0, bytes: 0, retries: 0, finished: true, failed: true)
        #expect(failed.line(elapsed: 0, nameWidth: 1).hasSuffix("FAILED"))
        let long = TableProgress(table: "t", tasksDone: 1, tasksTotal: 1001, rows: 0, bytes: 0, retries: 0, finished: false, failed: false)
        #expect(long.line(elapsed: 4, nameWidth: 1).hasSuffix("ETA 1:06:40"))
    }

    @Test func framesRedrawTheBlockInPlace() {
        var redraw = TerminalRedraw()
        #expect(redraw.frame(["a", "b"]) == "\u{1B}[2Ka\n\u{1B}[2Kb\n")
        #expect(redraw.frame(["c", "d"]) == "\u{1B}[2F\u{1B}[2Kc\n\u{1B}[2Kd\n")
        #expect(redraw.frame(["e"]) == "\u{1B}[2F\u{1B}[2Ke\n\u{1B}[2K\n\u{1B}[1F")
    }
}
