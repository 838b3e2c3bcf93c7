import Foundation
import SluiceCore
import SluicePipeline
import SluiceReport
import Testing

/// The page `sluice report` writes, read as text: what it contains, what it marks, what it escapes. The same page
/// is loaded in a real browser by IntegrationTests/ReportPageTests.
@Suite struct RunReportHTMLTests {
    let page = RunReportHTML(SampleReports.twoExecutors).render()

    func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    @Test func theTimelineHasOneLanePerExecutorAndOneBarPerAttempt() {
        #expect(count("<g class=\"lane\"", in: page) == 2)
        #expect(page.contains("data-executor=\"x1#1\"") && page.contains("data-executor=\"x2#2\""))
        #expect(count("<rect class=\"bar ", in: page) == SampleReports.attemptCount)
    }

    @Test func retriesFailuresAndDiscardedAttemptsAreMarked() {
        let bars = page.components(separatedBy: "<rect class=\"bar ").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        #expect(bars.filter { $0.contains("retry") }.count == 2)
        #expect(bars.filter { $0.contains("outcome-failed") }.count == 2)
        #expect(bars.filter { $0.contains("outcome-superseded") && $0.contains("problem") }.count == 1)
        #expect(bars.filter { $0.contains("outcome-committed") && !$0.contains("problem") }.count == 3)
        #expect(page.contains("class=\"legend\""))
    }

    @Test func eachBarsTooltipNamesTaskAttemptRowsOutcomeAndError() {
        #expect(page.contains("<title>items · task 2 · attempt 2 (retry)\nexecutor x1#1\n"))
        #expect(page.contains("outcome: committed\n1.60 s → 2.50 s (0.90 s)\nrows extracted 100, staged 100, shard 1000 B</title>"))
        #expect(page.contains("outcome: failed\n0.50 s → 1.00 s (0.50 s)\nerror: COPY failed: &lt;server&gt; said &quot;no&quot; &amp; quit</title>"))
    }

    @Test func everyStringFromTheReportIsEscaped() {
        #expect(!page.contains("odd<b>"), "a table name is markup-free")
        #expect(page.contains("odd&lt;b&gt;&amp;&quot;name&#39;"))
        #expect(!page.contains("<script>alert(1)</script>") && !page.contains("</title><script>"))
        #expect(page.contains("&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!page.contains("bad row <7>") && page.contains("bad row &lt;7&gt;"))
        #expect(count("<script>", in: page) == 1, "the page's own script only")
    }

    @Test func thePageNeedsNothingFromTheNetwork() {
        for reference in ["src=", "href=", "@import", "url(http", "<link", "fetch(", "XMLHttpRequest"] {
            #expect(!page.contains(reference), "\(reference)")
        }
        #expect(page.hasPrefix("<!DOCTYPE html>") && page.contains("<meta charset=\"utf-8\">"))
    }

    @Test func tablesShowTheirFiguresStagesAndErrors() {
        #expect(page.contains("<tr data-table=\"items\"><td>items</td><td>backfill</td><td><span class=\"status succeeded\">"))
        #expect(page.contains("<td class=\"num\">300</td>"))
        #expect(page.contains("2024-01-01 00:33:20.000000Z"))
        #expect(page.contains("<td class=\"num\">0.25</td><td class=\"num\">3.50</td><td class=\"num\">0.30</td><td class=\"num\">0.50</td>"))
        #expect(page.contains("<span class=\"subject\">items task 2 attempt 1 on x2#2 (failed)</span>"))
        #expect(page.contains("<span class=\"subject\">table odd&lt;b&gt;&amp;&quot;name&#39;</span>"))
    }

    @Test func aRunThatCouldNotStartShowsItsErrorAndNoTimeline() {
        let error = SluiceError(SluiceError.Code("postgres_auth"), "password authentication failed for user \"etl\" <x>")
        let report = RunReport.notStarted(runID: "r1", pipeline: "p", tables: ["items"], error: error, startedAt: Date())
        let page = RunReportHTML(report).render()
        #expect(page.contains("<p class=\"run-error\"><strong>The run could not start:</strong> password authentication failed for user &quot;etl&quot; &lt;x&gt;"))
        #expect(page.contains("No task was assigned to an executor in this run."))
        #expect(!page.contains("<svg class=\"timeline\""))
        #expect(page.contains("<code>postgres_auth</code>"))
    }

    @Test func htmlEscapingCoversEveryCharacterThatMatters() {
        let report = RunReport(runID: "<&\"'>\u{1}", pipeline: "", startedAt: "", seconds: 0, tables: [])
        let page = RunReportHTML(report).render()
        #expect(page.contains("<title>Sluice run &lt;&amp;&quot;&#39;&gt;\u{FFFD}</title>"))
    }
}
