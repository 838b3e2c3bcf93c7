/// The run's errors in one list (the run's own, each table's, each attempt's), then the planners' warnings.
extension RunReportHTML {
    func errorsSection() -> String {
        var errors: [String] = []
        if let error = report.error {
            errors.append(item("run", error, code: report.errorCode))
        }
        for table in report.tables {
            if let error = table.error, error != report.error { errors.append(item("table \(table.table)", error)) }
        }
        var seen: Set<String> = []
        for table in report.tables {
            for task in table.tasks {
                for attempt in task.attempts {
                    guard let error = attempt.error, seen.insert("\(task.task)/\(attempt.attempt)/\(error)").inserted else { continue }
                    let subject = "\(table.table) task \(task.task) attempt \(attempt.attempt) on \(attempt.executor)"
                    errors.append(item("\(subject) (\(attempt.outcome.rawValue))", error))
                }
            }
        }
        var warnings: [String] = []
        for table in report.tables {
            for warning in table.warnings { warnings.append(item("table \(table.table)", warning)) }
        }
        var html = "<section id=\"errors\"><h2>Errors</h2>\n"
        html += errors.isEmpty ? "<p class=\"empty\">No errors.</p>" : "<ul class=\"errors\">\n\(errors.joined(separator: "\n"))\n</ul>"
        if !warnings.isEmpty {
            html += "\n<h3>Warnings</h3>\n<ul class=\"warnings\">\n\(warnings.joined(separator: "\n"))\n</ul>"
        }
        return html + "</section>"
    }

    private func item(_ subject: String, _ message: String, code: String? = nil) -> String {
        "<li><span class=\"subject\">\(HTMLText.escape(subject))</span>\(code.map { " <code>\(HTMLText.escape($0))</code>" } ?? ""): "
            + "<span class=\"error-text\">\(HTMLText.escape(message))</span></li>"
    }
}
