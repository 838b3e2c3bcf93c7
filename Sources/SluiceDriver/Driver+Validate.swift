import Foundation
import SluiceConfig
import SluiceCore
import SluicePipeline

/// What `sluice validate` found, check by check.
public struct ValidationReport: Sendable {
    public struct Check: Sendable {
        public enum Level: String, Sendable {
            case ok, warn, fail
        }

        public var level: Level
        public var subject: String
        public var detail: String

        public init(level: Level, subject: String, detail: String) {
            self.level = level
            self.subject = subject
            self.detail = detail
        }
    }

    public var checks: [Check] = []

    public init(checks: [Check] = []) {
        self.checks = checks
    }

    /// True unless a check failed (warnings pass).
    public var succeeded: Bool { checks.allSatisfy { $0.level != .fail } }

    public var text: String {
        checks.map { check in
            let label = check.level.rawValue.uppercased().padding(toLength: 4, withPad: " ", startingAt: 0)
            let shown = check.level == .ok ? "ok  " : label
            return "\(shown) \(check.subject)" + (check.detail.isEmpty ? "" : ": \(check.detail)")
        }.joined(separator: "\n")
    }
}

extension Driver {
    /// Checks the connections, then plans every table (which checks that each exists and every declared column
    /// converts exactly), and adds the configuration's own advice (a timestamp cursor without a lag, say).
    public func validate() async -> ValidationReport {
        let (sourceName, sinkName) = (source.summary, sink.summary)
        var report = ValidationReport()
        // Tables planned to choose files by their ledger: the configuration's lag advice is about database rows.
        var byFiles: Set<String> = []
        /// The report, the configuration's advice first.
        func withAdvice() -> ValidationReport {
            var full = report
            full.checks.insert(contentsOf: pipeline.tables.filter { !byFiles.contains($0.name) }.flatMap { table in
                table.advice.map { ValidationReport.Check(level: .warn, subject: "table \(table.name)", detail: $0) }
            }, at: 0)
            return full
        }
        do {
            report.checks.append(.init(level: .ok, subject: sourceName, detail: try await source.check()))
        } catch {
            report.checks.append(.init(level: .fail, subject: sourceName, detail: "\(error)"))
        }
        do {
            report.checks.append(.init(level: .ok, subject: sinkName, detail: try await sink.check()))
        } catch {
            report.checks.append(.init(level: .fail, subject: sinkName, detail: "\(error)"))
        }
        guard report.succeeded else { return withAdvice() }
        do {
            for table in try await plan().tables {
                switch table.outcome {
                case .success(let run):
                    var detail = "\(run.config.columns.count) columns convert exactly; next run: \(run.decision.mode.rawValue) -> \(run.target.summary)"
                    if let files = run.fileLedgerSummary {
                        byFiles.insert(table.name)
                        detail += "; files by its ledger of loaded files: \(files)"
                    }
                    report.checks.append(.init(level: .ok, subject: "table \(table.name)", detail: detail))
                    for warning in run.warnings {
                        report.checks.append(.init(level: .warn, subject: "table \(table.name)", detail: warning))
                    }
                    for name in run.addedColumns {
                        report.checks.append(.init(level: .ok, subject: "table \(table.name)",
                                                   detail: "the next run adds source column \(name) (schema_evolution: add_columns)"))
                    }
                case .failure(let error):
                    report.checks.append(.init(level: .fail, subject: "table \(table.name)", detail: "\(error)"))
                }
            }
        } catch {
            report.checks.append(.init(level: .fail, subject: "tables", detail: "\(error)"))
        }
        return withAdvice()
    }
}
