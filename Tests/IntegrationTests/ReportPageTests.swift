import Foundation
import Testing

/// `sluice report` on the report of a real `sluice run --local 2`, checked in a real browser: Chromium loads the
/// page (no network), runs its script, and the DOM it then holds has one lane per executor that ran tasks and one
/// bar per attempt in the report.
@Suite(.serialized) struct ReportPageTests {
    @Test func theReportOfARealRunRendersInABrowserWithALanePerExecutorAndABarPerAttempt() async throws {
        let env = try TestEnvironment.load()
        let chromium = try HeadlessChromium.find()
        defer { chromium.tearDown() }
        let fixture = try PipelineFixture(env: env, rows: 600)
        defer { fixture.tearDown() }
        // Six tasks that each sleep 0.4 s in PostgreSQL: both executors surely get some.
        let config = try fixture.pipeline(table: "    filters: [\"(SELECT pg_sleep(0.4)) IS NOT NULL\"]", partitions: 6)
        let run = try fixture.run(config)
        #expect(run.status == 0, "\(run.output.suffix(3000))")
        #expect(run.table["rows_loaded"] as? Int == 600)
        #expect(run.report["report_version"] as? Int == 1)

        let attempts = (run.table["tasks"] as? [[String: Any]] ?? []).flatMap { $0["attempts"] as? [[String: Any]] ?? [] }
        let executors = Set(attempts.compactMap { $0["executor"] as? String })
        #expect(attempts.count >= 6 && attempts.count == run.table["attempts"] as? Int)
        #expect(executors.count == 2, "both local executors ran tasks: \(executors)")
        for attempt in attempts {
            let start = attempt["start_seconds"] as? Double ?? -1, end = attempt["end_seconds"] as? Double ?? -1
            #expect(start >= 0 && end >= start, "\(attempt)")
        }
        let stages = run.table["stage_seconds"] as? [String: Double] ?? [:]
        #expect(Set(stages.keys) == ["planning", "extraction", "commit", "finish"], "\(stages)")
        #expect((stages["extraction"] ?? 0) >= 0.4, "extraction includes the tasks' sleeps: \(stages)")

        let page = fixture.directory + "/report.html"
        let rendered = try Shell.execute(Paths.sluice, ["report", run.reportPath, "-o", page])
        #expect(rendered.status == 0, "\(rendered.stderr)")

        let dom = try chromium.dumpDOM(page)
        let body = try #require(dom.firstRange(of: "<body").map { String(dom[$0.lowerBound...].prefix { $0 != ">" }) },
                                "no <body> in the browser's DOM:\n\(dom.prefix(2000))")
        func attribute(_ name: String) -> String? {
            guard let range = body.firstRange(of: "\(name)=\"") else { return nil }
            return String(body[range.upperBound...].prefix { $0 != "\"" })
        }
        #expect(attribute("data-ready") == "yes", "the page's script ran: \(body)")
        #expect(attribute("data-lanes") == "\(executors.count)", "lanes the browser counted: \(body)")
        #expect(attribute("data-bars") == "\(attempts.count)", "bars the browser counted: \(body)")
        #expect(Int(attribute("data-timeline-width") ?? "0") ?? 0 > 500, "the timeline was laid out: \(body)")
        // The serialized DOM itself, independent of the script: lanes per executor, bars per attempt.
        #expect(dom.components(separatedBy: "<g class=\"lane\"").count - 1 == executors.count)
        #expect(dom.components(separatedBy: "<rect class=\"bar ").count - 1 == attempts.count)
        for executor in executors { #expect(dom.contains("data-executor=\"\(executor)\"")) }
        #expect(dom.contains("<tr data-table=\"items\">"), "the table's figures are on the page")

        let png = fixture.directory + "/report.png"
        try chromium.screenshot(page, to: png)
        let size = (try FileManager.default.attributesOfItem(atPath: png)[.size] as? Int) ?? 0
        #expect(size > 10_000, "a screenshot of the laid-out page (\(size) bytes)")
    }
}
