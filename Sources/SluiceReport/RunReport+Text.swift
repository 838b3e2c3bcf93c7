import Foundation
import SluicePipeline

extension RunReport {
    /// A human-readable summary: one line per table, then what an operator should know about each.
    public var text: String {
        let name = pipeline.isEmpty ? "no pipeline" : pipeline
        var lines = ["run \(runID) (\(name)): \(succeeded ? "succeeded" : "FAILED") in \(Self.format(seconds))s"]
        if let error { lines.append("  the run could not start: \(error)") }
        for excluded in excludedExecutors {
            lines.append("  executor \(excluded.executor) was excluded after \(excluded.failures) failed attempts in a row "
                         + "while other executors completed theirs: \(excluded.error)")
        }
        guard !tables.isEmpty else { return lines.joined(separator: "\n") }
        let header = ["table", "mode", "status", "tasks", "extracted", "filtered", "quarantined", "loaded", "deleted", "nulled", "dropped",
                      "MiB", "bookmark", "s"]
        var rows = [header]
        for table in tables {
            let nulled = table.nulledValues.values.reduce(0, +)
            rows.append([table.table, table.mode?.rawValue ?? "-", table.status.rawValue, "\(table.tasks.count)", "\(table.rowsExtracted)",
                         "\(table.rowsFiltered)", "\(table.rowsQuarantined)",
                         "\(table.rowsLoaded)", "\(table.rowsDeleted)", "\(nulled)", "\(table.rowsDropped)",
                         Self.format(Double(table.shardBytes) / 1_048_576), table.bookmarkAfter ?? "-", Self.format(table.seconds)])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            lines.append(row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: "  "))
        }
        for table in tables { lines += notes(on: table) }
        return lines.joined(separator: "\n")
    }

    /// The lines under the table of tables about `table`.
    private func notes(on table: TableReport) -> [String] {
        var lines: [String] = []
        for (column, count) in table.nulledValues.sorted(by: { $0.key < $1.key }) where count > 0 {
            lines.append("  \(table.table).\(column): \(count) out-of-range values set to NULL")
        }
        for (rule, count) in table.quarantined.sorted(by: { $0.key < $1.key }) where count > 0 {
            lines.append("  \(table.table): validation \(rule) quarantined \(count) row\(count == 1 ? "" : "s")")
        }
        for file in table.quarantineFiles { lines.append("  \(table.table): quarantined rows in \(file)") }
        for change in table.schemaChanges { lines.append("  \(table.table): \(change)") }
        for warning in table.warnings { lines.append("  \(table.table): warning: \(warning)") }
        // A run that could not start said why once, above.
        if let error = table.error, error != self.error { lines.append("  \(table.table): \(error)") }
        if table.status == .failed && table.rowsLoaded == 0 && table.mode != nil {
            lines.append("  \(table.table): nothing of this run was loaded; the bookmark did not move")
        }
        if table.status == .failed && table.rowsLoaded > 0 {
            lines.append("  \(table.table): \(table.rowsLoaded) rows of this run reached \(table.target ?? "the sink") before it failed; "
                         + "the bookmark did not move, so the next run loads them again as the same versions")
        }
        return lines
    }

    static func format(_ value: Double) -> String { String(format: "%.2f", value) }
}
