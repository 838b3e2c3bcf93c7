import Foundation
public import Logging
import PostgresSource
import SluiceConfig
public import SluiceCore
import SluiceRuntime
import SluiceWire

/// The driver of one run: plans the tables, serves tasks to executors, finishes tables and reports.
public enum Driver {
    /// Runs the pipeline once. Returns the report (check ``RunReport/succeeded``); throws only when the run
    /// cannot start at all (unreadable configuration, unreachable servers).
    public static func run(_ options: DriverOptions, logger baseLogger: Logger) async throws(SluiceError) -> RunReport {
        let started = ContinuousClock.now
        let startedAt = Date()
        let loaded = try PipelineLoader().load(path: options.configPath)
        let pipeline = loaded.config
        let tables = try selectTables(pipeline, names: options.tables)
        let runID = makeRunID(at: startedAt)
        var logger = baseLogger
        logger[metadataKey: "sluice.run"] = "\(runID)"
        logger.info("run.start", metadata: ["sluice.pipeline": "\(pipeline.pipeline)", "sluice.tables": "\(tables.count)"])

        let sink = try SinkPreparation(pipeline: pipeline, runID: runID, logger: logger)
        let bookmarks = sink.bookmarkStore()
        try await bookmarks.prepare()

        // One snapshot for the whole run: planning and every task read the same data.
        let postgres = try pipeline.source.postgres.connectionConfig()
        let snapshot = try await BlockingIO.run(name: "sluice.snapshot") { () throws(SluiceError) in
            try SnapshotHolder(config: postgres)
        }
        // Planning and serving read inside the snapshot; it is released however they end.
        let served: Result<[String: TableReport], SluiceError>
        do throws(SluiceError) {
            let prepared = try await prepareTables(tables, options: options, pipeline: pipeline, runID: runID,
                                                   snapshot: snapshot.snapshotID, sink: sink, bookmarks: bookmarks, logger: logger)
            let finalizer = TableFinalizer(plans: prepared.plans, bookmarks: bookmarks, sink: sink, runID: runID)
            let coordinator = RunCoordinator(retries: pipeline.run.retries, reports: prepared.reports, finalizer: finalizer,
                                             logger: logger)
            if !prepared.tasks.isEmpty {
                try await serve(options: options, pipeline: loaded, runID: runID, coordinator: coordinator,
                                tasksByTable: prepared.tasks, logger: logger)
            }
            served = .success(await coordinator.finalReports())
        } catch {
            served = .failure(error)
        }
        await BlockingIO.run(name: "sluice.snapshot") { snapshot.close() }
        let finished = try served.get()
        let report = RunReport(
            runID: runID, pipeline: pipeline.pipeline, startedAt: ISO8601DateFormatter().string(from: startedAt),
            seconds: seconds(ContinuousClock.now - started),
            tables: tables.compactMap { finished[$0.name] })
        if let path = options.reportPath {
            do {
                try report.json().write(to: URL(fileURLWithPath: path))
            } catch {
                throw SluiceError(.reportIO, "cannot write the run report to \(path)", underlying: "\(error)")
            }
        }
        logger.info("run.finish", metadata: ["sluice.succeeded": "\(report.succeeded)", "sluice.seconds": "\(report.seconds)"])
        return report
    }

    /// Plans every table inside the run's snapshot and prepares its ClickHouse table. A table that cannot be
    /// planned or prepared is reported failed; the others get their tasks.
    static func prepareTables(_ tables: [TableConfig], options: DriverOptions, pipeline: PipelineConfig, runID: String,
                              snapshot: String, sink: SinkPreparation, bookmarks: ClickHouseBookmarks, logger: Logger)
        async throws(SluiceError) -> (reports: [String: TableReport], plans: [String: TablePlan], tasks: [(String, [TaskSpec])])
    {
        let planner = RunPlanner(pipeline: pipeline, runID: runID, modeOverride: options.modeOverride,
                                 reloadRange: options.reloadRange, bookmarks: bookmarks)
        var reports: [String: TableReport] = [:]
        var plans: [String: TablePlan] = [:]
        var tasksByTable: [(String, [TaskSpec])] = []
        var nextTaskID: UInt64 = 1
        for (table, outcome) in try await planner.plan(tables: tables, snapshot: snapshot) {
            do throws(SluiceError) {
                let plan = try outcome.get()
                try await sink.prepare(plan)
                var report = TableReport(table: table.name, mode: plan.mode)
                report.bookmarkBefore = plan.bookmarkBefore?.text
                report.bookmarkAfter = report.bookmarkBefore
                report.tasks = plan.partitions.count
                let tasks = try makeTasks(plan, runID: runID, snapshot: snapshot, staging: pipeline.staging.directory,
                                          firstID: nextTaskID)
                nextTaskID += UInt64(tasks.count)
                reports[table.name] = report
                plans[table.name] = plan
                tasksByTable.append((table.name, tasks))
            } catch {
                let mode: TableReport.Mode = table.cursor == nil ? .fullReload : options.reloadRange == nil ? .backfill : .rangeReload
                var report = TableReport(table: table.name, mode: (try? outcome.get())?.mode ?? mode)
                report.error = "\(error)"
                reports[table.name] = report
                logger.error("table.prepare.failed", metadata: ["sluice.table": "\(table.name)", "sluice.error": "\(error)"])
            }
        }
        return (reports, plans, tasksByTable)
    }

    static func selectTables(_ pipeline: PipelineConfig, names: [String]?) throws(SluiceError) -> [TableConfig] {
        guard let names else { return pipeline.tables }
        var selected: [TableConfig] = []
        for name in names {
            guard let table = pipeline.table(named: name) else {
                throw SluiceError(.configInvalid, "no table named '\(name)' in the pipeline (it has \(pipeline.tables.map(\.name).joined(separator: ", ")))")
            }
            selected.append(table)
        }
        return selected
    }

    static func makeTasks(_ plan: TablePlan, runID: String, snapshot: String, staging: String, firstID: UInt64)
        throws(SluiceError) -> [TaskSpec]
    {
        var tasks: [TaskSpec] = []
        for index in plan.partitions.indices {
            let shard = "\(staging)/\(runID)/\(plan.table.name)/part-\(String(format: "%05d", index)).parquet"
            tasks.append(TaskSpec(
                id: firstID + UInt64(index), attempt: 1, runID: runID, table: plan.table.name,
                partitionIndex: UInt32(index), partitionCount: UInt32(plan.partitions.count),
                source: try plan.query(partition: index).taskSource(snapshot: snapshot), shardPath: shard))
        }
        return tasks
    }

    /// `20261122T101530Z-3fa2c1`: sortable by start time, unique enough for staging paths.
    static func makeRunID(at date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: date) + "-" + String(UInt32.random(in: 0...0xFF_FFFF), radix: 16)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

extension SluiceError.Code {
    public static let reportIO = Self("report_io")
}
