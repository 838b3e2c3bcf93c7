/// The timeline: an SVG with one lane (`g.lane`) per executor and one bar (`rect.bar`) per attempt, each with a
/// tooltip (`title`) naming the task, the attempt, its rows, its outcome and its error.
extension RunReportHTML {
    /// The drawing's measures, in SVG user units (pixels at 100%).
    enum Geometry {
        static let labelWidth = 160.0
        static let plotWidth = 800.0
        static let rightPadding = 24.0
        static let axisHeight = 26.0
        static let rowHeight = 18.0
        static let rowGap = 4.0
        static let lanePadding = 6.0
        static let minimumBarWidth = 2.0
        static var width: Double { labelWidth + plotWidth + rightPadding }

        static func laneHeight(rows: Int) -> Double {
            lanePadding * 2 + Double(rows) * rowHeight + Double(max(0, rows - 1)) * rowGap
        }
    }

    func timelineSection() -> String {
        guard !timeline.lanes.isEmpty else {
            return """
                <section id="timeline"><h2>Timeline</h2>
                <p class="empty">No task was assigned to an executor in this run.</p></section>
                """
        }
        let height = Geometry.axisHeight + timeline.lanes.reduce(0) { $0 + Geometry.laneHeight(rows: $1.rows) }
        var svg = """
            <svg class="timeline" xmlns="http://www.w3.org/2000/svg" width="\(HTMLText.coordinate(Geometry.width))" \
            height="\(HTMLText.coordinate(height))" viewBox="0 0 \(HTMLText.coordinate(Geometry.width)) \(HTMLText.coordinate(height))" \
            role="img" aria-label="attempts per executor over time">
            <defs>
            <pattern id="stripes" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">\
            <rect width="6" height="6" fill="#cfd6de"/><rect width="3" height="6" fill="#8a96a3"/></pattern>
            <pattern id="hatch" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(-45)">\
            <rect width="6" height="6" fill="#f2b8b5"/><rect width="2" height="6" fill="#b3261e"/></pattern>
            </defs>

            """
        svg += axis(height: height)
        var top = Geometry.axisHeight
        for lane in timeline.lanes {
            svg += self.lane(lane, top: top)
            top += Geometry.laneHeight(rows: lane.rows)
        }
        svg += "</svg>"
        return """
            <section id="timeline"><h2>Timeline</h2>
            <p class="hint">One lane per executor; each bar is one attempt, from its assignment to its end. Hover a bar for its task, \
            rows, outcome and error; the task's other attempts light up with it.</p>
            <label class="toggle"><input type="checkbox" id="only-problems"> only retries and attempts that were not kept</label>
            <div class="timeline-frame">\(svg)</div>
            \(legend())
            </section>
            """
    }

    /// Ticks every round number of seconds, with a line across every lane.
    func axis(height: Double) -> String {
        var out = "<g class=\"axis\">"
        for tick in timeline.ticks() {
            let x = HTMLText.coordinate(x(tick))
            out += "<line x1=\"\(x)\" y1=\"\(HTMLText.coordinate(Geometry.axisHeight - 6))\" x2=\"\(x)\" y2=\"\(HTMLText.coordinate(height))\"/>"
            out += "<text x=\"\(x)\" y=\"14\">\(HTMLText.escape(Self.tickLabel(tick)))s</text>"
        }
        return out + "</g>\n"
    }

    func lane(_ lane: TimelineLayout.Lane, top: Double) -> String {
        let executor = HTMLText.escape(lane.executor)
        let height = Geometry.laneHeight(rows: lane.rows)
        var out = "<g class=\"lane\" data-executor=\"\(executor)\">"
        out += "<rect class=\"lane-bg\" x=\"0\" y=\"\(HTMLText.coordinate(top))\" width=\"\(HTMLText.coordinate(Geometry.width))\" "
            + "height=\"\(HTMLText.coordinate(height))\"/>"
        out += "<text class=\"lane-label\" x=\"8\" y=\"\(HTMLText.coordinate(top + Geometry.lanePadding + Geometry.rowHeight * 0.75))\">"
            + "\(executor)<title>executor \(executor): \(lane.bars.count) attempt\(lane.bars.count == 1 ? "" : "s")</title></text>"
        for bar in lane.bars { out += self.bar(bar, laneTop: top) }
        return out + "</g>\n"
    }

    func bar(_ bar: TimelineLayout.Bar, laneTop: Double) -> String {
        let left = x(bar.start)
        let width = max(Geometry.minimumBarWidth, x(bar.end) - left)
        let y = laneTop + Geometry.lanePadding + Double(bar.row) * (Geometry.rowHeight + Geometry.rowGap)
        var classes = ["bar", "outcome-\(bar.outcome.rawValue)"]
        if bar.isRetry { classes.append("retry") }
        if bar.isSpeculative { classes.append("speculative") }
        if bar.outcome.isProblem { classes.append("problem") }
        if bar.open { classes.append("open") }
        return "<rect class=\"\(classes.joined(separator: " "))\" data-task=\"\(bar.task)\" data-attempt=\"\(bar.attempt)\" "
            + "data-outcome=\"\(bar.outcome.rawValue)\" data-table=\"\(HTMLText.escape(bar.tables[0]))\" "
            + "x=\"\(HTMLText.coordinate(left))\" y=\"\(HTMLText.coordinate(y))\" width=\"\(HTMLText.coordinate(width))\" "
            + "height=\"\(HTMLText.coordinate(Geometry.rowHeight))\" rx=\"2\"><title>\(HTMLText.escape(Self.tooltip(bar)))</title></rect>"
    }

    /// What hovering a bar says, one fact per line.
    static func tooltip(_ bar: TimelineLayout.Bar) -> String {
        let attempt = bar.report
        var lines = ["\(bar.tables.joined(separator: " + ")) · task \(bar.task) · attempt \(bar.attempt)\(bar.isRetry ? " (retry)" : "")\(bar.isSpeculative ? " (speculative copy)" : "")"]
        lines.append("executor \(bar.executor)")
        lines.append("partition: \(bar.partition)")
        lines.append("outcome: \(bar.outcome.rawValue)")
        let end = bar.open ? "still running" : "\(HTMLText.seconds(bar.end)) s"
        lines.append("\(HTMLText.seconds(bar.start)) s → \(end)" + (attempt.seconds.map { " (\(HTMLText.seconds($0)) s)" } ?? ""))
        var rows: [String] = []
        if let extracted = attempt.rowsExtracted { rows.append("rows extracted \(HTMLText.count(extracted))") }
        if let staged = attempt.rowsStaged { rows.append("staged \(HTMLText.count(staged))") }
        if let bytes = attempt.shardBytes { rows.append("shard \(HTMLText.bytes(bytes))") }
        if !rows.isEmpty { lines.append(rows.joined(separator: ", ")) }
        if attempt.extractSeconds != nil || attempt.loadSeconds != nil {
            lines.append("on the executor: extract \(HTMLText.seconds(attempt.extractSeconds)) s, load \(HTMLText.seconds(attempt.loadSeconds)) s")
        }
        if let error = attempt.error { lines.append("error: \(error)") }
        return lines.joined(separator: "\n")
    }

    func legend() -> String {
        let entries: [(String, String)] = [
            ("outcome-committed", "committed"), ("outcome-staged", "staged, not committed"), ("outcome-failed", "failed"),
            ("outcome-lost", "executor lost"), ("outcome-superseded", "superseded (discarded)"), ("outcome-handed_back", "handed back (executor stopping)"),
            ("outcome-cancelled", "cancelled"), ("outcome-running", "running"), ("outcome-committed retry", "retry (outlined)"),
            ("outcome-committed speculative", "speculative copy (dashed outline)"),
        ]
        let items = entries.map { entry in
            "<li><svg width=\"22\" height=\"12\" aria-hidden=\"true\"><rect class=\"swatch \(entry.0)\" x=\"1\" y=\"1\" width=\"20\" "
                + "height=\"10\" rx=\"2\"/></svg>\(entry.1)</li>"
        }
        return "<ul class=\"legend\">\(items.joined())</ul>"
    }

    /// The x coordinate of `seconds` after the run's start.
    func x(_ seconds: Double) -> Double {
        Geometry.labelWidth + Geometry.plotWidth * min(max(0, seconds), timeline.span) / timeline.span
    }

    /// `0`, `2.5`, `120`.
    static func tickLabel(_ seconds: Double) -> String {
        let rounded = (seconds * 1000).rounded() / 1000
        return rounded == rounded.rounded() ? "\(Int(rounded))" : "\(rounded)"
    }
}
