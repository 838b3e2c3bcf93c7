import SluiceConfig
import Foundation
public import SluiceCore
import SluicePipeline

/// What `sluice plan` prints: per table, the mode, the window, the target and each partition task.
public struct PlanReport: Sendable {
    public struct Table: Sendable {
        public var name: String
        public var outcome: Result<TableRun, SluiceError>
    }

    /// The sink as the plan found it (`clickhouse etl@ch:8123: ClickHouse 25.3.2.1, modern types`).
    public var sink: String
    public var tables: [Table]

    public var succeeded: Bool { tables.allSatisfy { if case .success = $0.outcome { true } else { false } } }

    public var text: String {
        var lines = ["sink: \(sink)"]
        for table in tables {
            switch table.outcome {
            case .failure(let error):
                lines.append("\(table.name): cannot plan: \(error)")
            case .success(let run) where run.parent != nil:
                lines.append("\(table.name): child of \(run.parent!), read by each of its \(run.tasks.count) task(s) -> \(run.target.summary)")
                lines += Self.transformLines(run)
            case .success(let run):
                var header = "\(table.name): \(run.decision.mode.rawValue), \(run.tasks.count) task(s)"
                if let bookmark = run.decision.bookmarkBefore { header += ", bookmark \(bookmark.text)" }
                if run.decision.lag > 0 { header += ", lag \(run.config.effectiveLag)" }
                header += " -> \(run.target.summary)"
                lines.append(header)
                for (index, partition) in run.partitions.enumerated() {
                    let estimate = partition.estimatedRows.map { "~\($0) row\($0 == 1 ? "" : "s")" } ?? "size unknown"
                    lines.append("  task \(index): \(partition.summary)  [\(estimate)]")
                }
                if let files = run.fileLedgerSummary { lines.append("  files (by the ledger of loaded files): \(files)") }
                lines += Self.transformLines(run)
                if let first = run.partitions.first, let query = Self.query(of: first) { lines.append("  query: \(query)") }
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Where the filter runs, the derived columns and the validations.
    static func transformLines(_ run: TableRun) -> [String] {
        var lines: [String] = []
        for condition in run.filter.source { lines.append("  filter in the source: \(condition)") }
        for condition in run.filter.executors { lines.append("  filter on executors: \(condition)") }
        if run.config.filter != nil && run.work.transform.rejected == .flag {
            lines.append("  rows the filter rejects load as deletions (the sink may hold earlier versions of them)")
        }
        for join in run.config.joins {
            lines.append("  join \(join.name): \(join.kind.rawValue) join of \(join.source) on \(join.localKey) = \(join.name).\(join.remoteKey)")
        }
        for column in run.config.columns {
            if let expression = column.expression { lines.append("  column \(column.name) = \(expression.text)") }
        }
        for rule in run.config.validations {
            if let text = rule.rule?.text {
                lines.append("  validation \(rule.name) (\(rule.action.rawValue)): \(text)")
            } else if let reconcile = rule.reconcile {
                lines.append("  validation \(rule.name) (\(rule.action.rawValue)): \(reconcile.aggregate.text) over \(reconcile.child) = \(reconcile.equals.text) within \(reconcile.tolerance)")
            }
        }
        return lines
    }

    /// The query a PostgreSQL partition runs, when the payload carries one.
    static func query(of partition: SourcePartition) -> String? {
        struct Query: Decodable { var query: String }
        return (try? JSONDecoder().decode(Query.self, from: Data(partition.read.bytes)))?.query
    }
}

extension Driver {
    /// Plans a run without running it: no snapshot is held and nothing is created in the sink.
    public func plan() async throws(SluiceError) -> PlanReport {
        let tables = try selectedTables()
        let sink = try await connectSink(logger: logger)
        let view = try await source.openRun(consistent: false)
        let planned = await plan(tables, runID: SinkTableRequest.planOnlyRunID, in: view, sink: sink, prepare: false, logger: logger)
        await view.close()
        return PlanReport(sink: sink.summary, tables: tables.map { table in
            if let run = planned.runs.lazy.compactMap({ $0.run(named: table.name) }).first {
                return .init(name: table.name, outcome: .success(run))
            }
            let error = planned.errors[table.name] ?? SluiceError(.internalError, "not planned")
            return .init(name: table.name, outcome: .failure(error))
        })
    }
}
