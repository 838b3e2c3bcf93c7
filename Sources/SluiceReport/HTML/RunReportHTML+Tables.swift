import SluicePipeline
/// Each table's figures, its stage timings and its tasks.
extension RunReportHTML {
    func tablesSection() -> String {
        guard !report.tables.isEmpty else {
            return "<section id=\"tables\"><h2>Tables</h2><p class=\"empty\">No table of this run got as far as a plan.</p></section>"
        }
        let header = ["table", "mode", "status", "target", "tasks", "attempts", "extracted", "filtered", "quarantined", "loaded",
                      "deleted", "dropped", "shard bytes", "seconds", "bookmark before", "bookmark after", "error"]
        let numeric: Set<String> = ["tasks", "attempts", "extracted", "filtered", "quarantined", "loaded", "deleted", "dropped",
                                    "shard bytes", "seconds"]
        var rows: [String] = []
        for table in report.tables {
            let name = HTMLText.escape(table.table) + (table.parent.map { " <span class=\"parent\">(with \(HTMLText.escape($0)))</span>" } ?? "")
            let cells: [String] = [
                name, HTMLText.escape(table.mode?.rawValue ?? "-"),
                "<span class=\"status \(table.status.rawValue)\">\(table.status.rawValue)</span>",
                HTMLText.escape(table.target ?? "-"), HTMLText.count(table.tasks.count), HTMLText.count(table.attempts),
                HTMLText.count(table.rowsExtracted), HTMLText.count(table.rowsFiltered), HTMLText.count(table.rowsQuarantined),
                HTMLText.count(table.rowsLoaded), HTMLText.count(table.rowsDeleted), HTMLText.count(table.rowsDropped),
                HTMLText.bytes(table.shardBytes), HTMLText.seconds(table.seconds),
                HTMLText.escape(table.bookmarkBefore ?? "-"), HTMLText.escape(table.bookmarkAfter ?? "-"),
                HTMLText.escape(table.error ?? ""),
            ]
            let tds = zip(header, cells).map { column, cell in
                "<td\(numeric.contains(column) ? " class=\"num\"" : column == "error" ? " class=\"error-text\"" : "")>\(cell)</td>"
            }
            rows.append("<tr data-table=\"\(HTMLText.escape(table.table))\">\(tds.joined())</tr>")
        }
        let ths = header.map { "<th\(numeric.contains($0) ? " class=\"num\"" : "")>\($0)</th>" }.joined()
        return """
            <section id="tables"><h2>Tables</h2>
            <div class="scroll"><table class="figures"><thead><tr>\(ths)</tr></thead>
            <tbody>\(rows.joined(separator: "\n"))</tbody></table></div></section>
            """
    }

    /// Planning, extraction, commit and finish per table, in seconds and as a stacked bar.
    func stagesSection() -> String {
        guard !report.tables.isEmpty else { return "" }
        let stages: [(String, KeyPath<StageSeconds, Double?>)] = [
            ("planning", \.planning), ("extraction", \.extraction), ("commit", \.commit), ("finish", \.finish),
        ]
        let longest = report.tables.map { table in stages.reduce(0) { $0 + (table.stageSeconds[keyPath: $1.1] ?? 0) } }.max() ?? 0
        var rows: [String] = []
        for table in report.tables {
            var cells = ["<td>\(HTMLText.escape(table.table))</td>"]
            var segments: [String] = []
            for (name, path) in stages {
                let value = table.stageSeconds[keyPath: path]
                cells.append("<td class=\"num\">\(HTMLText.seconds(value))</td>")
                if let value, longest > 0 {
                    let share = HTMLText.coordinate(100 * value / longest)
                    segments.append("<span class=\"stage stage-\(name)\" style=\"width:\(share)%\" "
                                    + "title=\"\(name) \(HTMLText.seconds(value)) s\"></span>")
                }
            }
            cells.append("<td class=\"stack-cell\"><div class=\"stack\">\(segments.joined())</div></td>")
            rows.append("<tr>\(cells.joined())</tr>")
        }
        let key = stages.map { "<span class=\"stage-key\"><span class=\"stage stage-\($0.0)\"></span>\($0.0)</span>" }.joined()
        return """
            <section id="stages"><h2>Stage timings</h2>
            <p class="hint">Seconds per stage: planning (driver), extraction (first attempt's start to last attempt's end: read, \
            transform, Parquet, stage), commit (the driver's commits, added up), finish (swaps, curated rebuild, bookmark). \(key)</p>
            <div class="scroll"><table class="figures stages"><thead><tr><th>table</th><th class="num">planning</th>\
            <th class="num">extraction</th><th class="num">commit</th><th class="num">finish</th><th></th></tr></thead>
            <tbody>\(rows.joined(separator: "\n"))</tbody></table></div></section>
            """
    }

    /// Per table, its tasks and every attempt at them (collapsed).
    func tasksSection() -> String {
        let withTasks = report.tables.filter { !$0.tasks.isEmpty }
        guard !withTasks.isEmpty else { return "" }
        var blocks: [String] = []
        for table in withTasks {
            var rows: [String] = []
            for task in table.tasks {
                let attempts = task.attempts.map { attempt in
                    "<li class=\"outcome-text-\(attempt.outcome.rawValue)\">#\(attempt.attempt) \(HTMLText.escape(attempt.executor)) "
                        + "\(attempt.outcome.rawValue)\(attempt.seconds.map { ", \(HTMLText.seconds($0)) s" } ?? "")</li>"
                }
                rows.append("<tr data-task=\"\(task.task)\"><td class=\"num\">\(task.task)</td><td class=\"num\">\(task.partition)</td>"
                            + "<td><code>\(HTMLText.escape(task.summary))</code></td><td>\(task.status.rawValue)</td>"
                            + "<td class=\"num\">\(HTMLText.count(task.rowsLoaded))</td>"
                            + "<td><ul class=\"attempts\">\(attempts.joined())</ul></td></tr>")
            }
            blocks.append("""
                <details><summary>\(HTMLText.escape(table.table)): \(table.tasks.count) task\(table.tasks.count == 1 ? "" : "s"), \
                \(table.attempts) attempt\(table.attempts == 1 ? "" : "s")</summary>
                <div class="scroll"><table class="figures tasks"><thead><tr><th class="num">task</th><th class="num">partition</th>\
                <th>predicate</th><th>status</th><th class="num">rows loaded</th><th>attempts</th></tr></thead>
                <tbody>\(rows.joined(separator: "\n"))</tbody></table></div></details>
                """)
        }
        return "<section id=\"tasks\"><h2>Tasks</h2>\n\(blocks.joined(separator: "\n"))</section>"
    }
}
