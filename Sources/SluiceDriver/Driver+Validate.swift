import Foundation
public import Logging
import ClickHouseSink
import PostgresSource
import SluiceConfig
public import SluiceCore
import SluiceRuntime

/// What `sluice validate` found, check by check.
public struct ValidationReport: Sendable {
    public struct Check: Sendable {
        public var subject: String
        public var problem: SluiceError?
        public var detail: String
    }

    public var checks: [Check] = []

    public var succeeded: Bool { checks.allSatisfy { $0.problem == nil } }

    public var text: String {
        checks.map { check in
            if let problem = check.problem { return "FAIL \(check.subject): \(problem)" }
            return "ok   \(check.subject)" + (check.detail.isEmpty ? "" : ": \(check.detail)")
        }.joined(separator: "\n")
    }
}

extension Driver {
    /// Checks the configuration file and, with `connect`, the PostgreSQL and ClickHouse connections and every
    /// table's source columns and type conversions.
    public static func validate(configPath: String, connect: Bool, logger: Logger) async -> ValidationReport {
        var report = ValidationReport()
        let pipeline: PipelineConfig
        do {
            pipeline = try PipelineLoader().load(path: configPath).config
            report.checks.append(.init(subject: "configuration \(configPath)", problem: nil,
                                       detail: "\(pipeline.tables.count) table(s): \(pipeline.tables.map(\.name).joined(separator: ", "))"))
        } catch {
            report.checks.append(.init(subject: "configuration \(configPath)", problem: error, detail: ""))
            return report
        }
        guard connect else { return report }

        let source = pipeline.source.postgres
        let sourceName = "postgres \(source.user)@\(source.host):\(source.port)/\(source.database)"
        do {
            let config = try source.connectionConfig()
            let version = try await BlockingIO.run { () throws(SluiceError) -> Int in
                try PostgresConnection(config).serverVersion
            }
            report.checks.append(.init(subject: sourceName, problem: nil, detail: "server version \(version)"))
        } catch {
            report.checks.append(.init(subject: sourceName, problem: error, detail: ""))
        }

        let sink = pipeline.sink.clickhouse
        let sinkName = "clickhouse \(sink.user)@\(sink.url)"
        do {
            let version = try await sink.client().value("SELECT version()") ?? "?"
            report.checks.append(.init(subject: sinkName, problem: nil, detail: "server version \(version)"))
        } catch {
            report.checks.append(.init(subject: sinkName, problem: error, detail: ""))
        }

        guard report.succeeded else { return report }
        do {
            let plan = try await Driver.plan(configPath: configPath, tables: nil, modeOverride: nil, logger: logger)
            for table in plan.tables {
                switch table.outcome {
                case .success(let planned):
                    report.checks.append(.init(subject: "table \(table.name)", problem: nil,
                                               detail: "\(planned.table.columns.count) columns convert exactly; next run: \(planned.mode.rawValue)"))
                case .failure(let error):
                    report.checks.append(.init(subject: "table \(table.name)", problem: error, detail: ""))
                }
            }
        } catch {
            report.checks.append(.init(subject: "tables", problem: error, detail: ""))
        }
        return report
    }
}
