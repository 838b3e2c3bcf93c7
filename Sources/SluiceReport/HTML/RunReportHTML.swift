/// A run report as one self-contained HTML page: the run's totals, a timeline of attempts per executor (inline
/// SVG), each table's figures and stage timings, its tasks, and the errors. Styles and the small script that
/// highlights a task's attempts are inline; the page loads nothing from anywhere. Every string from the report
/// is escaped. Pure: `sluice report` writes what ``render()`` returns.
public struct RunReportHTML: Sendable {
    public let report: RunReport
    let timeline: TimelineLayout

    public init(_ report: RunReport) {
        self.report = report
        timeline = TimelineLayout(report)
    }

    /// The whole page.
    public func render() -> String {
        let title = "Sluice run \(report.runID)" + (report.pipeline.isEmpty ? "" : " (\(report.pipeline))")
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="sluice report (report_version \(report.reportVersion))">
            <title>\(HTMLText.escape(title))</title>
            <style>\(RunReportPageAssets.style)</style>
            </head>
            <body>
            \(header())
            \(timelineSection())
            \(tablesSection())
            \(stagesSection())
            \(tasksSection())
            \(errorsSection())
            <script>\(RunReportPageAssets.script)</script>
            </body>
            </html>

            """
    }

    /// The run's name, status, times and totals.
    func header() -> String {
        let totals = report.totals
        let status = report.succeeded ? "succeeded" : "failed"
        var items: [(String, String)] = [
            ("pipeline", report.pipeline.isEmpty ? "-" : report.pipeline),
            ("started", report.startedAt),
            ("finished", report.finishedAt ?? "-"),
            ("seconds", HTMLText.seconds(report.seconds)),
            ("tables", "\(totals.tables) (\(totals.tablesSucceeded) succeeded, \(totals.tablesFailed) failed)"),
            ("tasks", "\(HTMLText.count(totals.tasks)) (\(HTMLText.count(totals.tasksCommitted)) committed)"),
            ("attempts", "\(HTMLText.count(totals.attempts)) (\(totals.retries) retries, \(totals.attemptsFailed) failed or lost)"),
            ("executors", "\(totals.executors)"),
            ("rows extracted", HTMLText.count(totals.rowsExtracted)),
            ("rows loaded", HTMLText.count(totals.rowsLoaded)),
            ("rows quarantined", HTMLText.count(totals.rowsQuarantined)),
            ("shard bytes", HTMLText.bytes(totals.shardBytes)),
        ]
        if report.reportVersion != RunReport.currentVersion { items.append(("report version", "\(report.reportVersion)")) }
        let definitions = items.map { "<div><dt>\(HTMLText.escape($0.0))</dt><dd>\(HTMLText.escape($0.1))</dd></div>" }
        var html = """
            <header>
            <h1>Sluice run <span class="run-id">\(HTMLText.escape(report.runID))</span> <span class="status \(status)">\(status)</span></h1>
            <dl class="totals">\(definitions.joined())</dl>
            """
        if let error = report.error {
            html += "\n<p class=\"run-error\"><strong>The run could not start:</strong> \(HTMLText.escape(error))</p>"
        }
        return html + "\n</header>"
    }
}
