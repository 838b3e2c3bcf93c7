import Foundation
public import Logging
import PostgresSource
import SluiceConfig
public import SluiceCore
import SluiceRuntime

/// What `sluice plan` prints: per table, the mode, the window and each partition task.
public struct PlanReport: Sendable {
    public struct Table: Sendable {
        public var name: String
        public var outcome: Result<TablePlan, SluiceError>
        public var sql: [String]
    }

    public var tables: [Table]

    public var succeeded: Bool { tables.allSatisfy { if case .success = $0.outcome { true } else { false } } }

    public var text: String {
        var lines: [String] = []
        for table in tables {
            switch table.outcome {
            case .failure(let error):
                lines.append("\(table.name): cannot plan: \(error)")
            case .success(let plan):
                var header = "\(table.name): \(plan.mode.rawValue), \(plan.partitions.count) task(s)"
                if let bookmark = plan.bookmarkBefore { header += ", bookmark \(bookmark.text)" }
                if plan.table.lag.microseconds > 0 { header += ", lag \(plan.table.lag)" }
                header += " -> \(plan.loadTable)"
                lines.append(header)
                for (index, partition) in plan.partitions.enumerated() {
                    let estimate = "~\(partition.estimatedRows) rows"
                    let predicate = (try? partition.predicate?.render()) ?? nil
                    lines.append("  task \(index): \(predicate ?? "(all rows)")  [\(estimate)]")
                }
                if let sql = table.sql.first { lines.append("  query: \(sql)") }
            }
        }
        return lines.joined(separator: "\n")
    }
}

extension Driver {
    /// Plans a run without running it (and without creating anything in ClickHouse).
    public static func plan(configPath: String, tables names: [String]?, modeOverride: ModeOverride?,
                            logger: Logger) async throws(SluiceError) -> PlanReport {
        let pipeline = try PipelineLoader().load(path: configPath).config
        let tables = try selectTables(pipeline, names: names)
        let sink = try SinkPreparation(pipeline: pipeline, runID: "plan", logger: logger)
        let planner = RunPlanner(pipeline: pipeline, runID: "plan", modeOverride: modeOverride,
                                 bookmarks: sink.bookmarkStore())
        let planned = try await planner.plan(tables: tables, snapshot: nil)
        return PlanReport(tables: planned.map { table, outcome in
            let sql = (try? outcome.get()).map { plan in (try? plan.query(partition: 0).sql()).map { [$0] } ?? [] } ?? []
            return PlanReport.Table(name: table.name, outcome: outcome, sql: sql)
        })
    }
}
