public import Foundation
public import Logging
public import SluiceConfig
public import SluiceCore
public import SluicePipeline
import SluiceStorage
public import SluiceReport

/// The driver of a run: plans every table once, serves the tasks to executors over the cluster protocol, commits
/// what they stage, finishes each table and reports. Its parts are injected: the source, the sink and the
/// bookmark store (built from the configuration by a ``SluicePipeline/ConnectorRegistry``, or fakes in tests).
public struct Driver: Sendable {
    public let pipeline: PipelineConfig
    public let options: DriverOptions
    public let source: any Source
    public let sink: any Sink
    public let bookmarks: any BookmarkStore
    public let logger: Logger
    /// The wall clock in microseconds since the epoch.
    public var now: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1_000_000) }
    /// Called with the port once the driver listens for executors.
    public var onListening: (@Sendable (Int) -> Void)?
    /// Told where the run stands, for `/metrics` and `/readyz` (`--metrics-port`); nil: nobody is told.
    public var metrics: DriverMetrics?

    public init(pipeline: PipelineConfig, options: DriverOptions, source: any Source, sink: any Sink,
                bookmarks: any BookmarkStore, logger: Logger) {
        self.pipeline = pipeline
        self.options = options
        self.source = source
        self.sink = sink
        self.bookmarks = bookmarks
        self.logger = logger
    }

    /// A driver whose source and sink are built from the configuration by `registry`.
    public init(pipeline: PipelineConfig, options: DriverOptions, registry: ConnectorRegistry, logger: Logger) throws(SluiceError) {
        let source = try registry.source(for: pipeline.source).makeSource(pipeline.source, logger)
        let sink = try registry.sink(for: pipeline.sink).makeSink(pipeline.sink, logger)
        self.init(pipeline: pipeline, options: options, source: source, sink: sink, bookmarks: sink.bookmarkStore(), logger: logger)
    }

    /// Appends one record per table to the metadata store's run history. The bookmarks are saved by then, so a
    /// store that cannot take the records costs the history, not the run: the failure is logged.
    func recordHistory(_ report: RunReport, runID: String, startedAt: Int64, logger: Logger) async {
        let finished = now()
        let records = report.tables.map { table in
            RunRecord(runID: runID, pipeline: pipeline.pipeline, table: table.table, mode: table.mode?.rawValue ?? "",
                      status: table.status.rawValue, rowsExtracted: table.rowsExtracted, rowsQuarantined: table.rowsQuarantined,
                      rowsDeleted: table.rowsDeleted, rowsLoaded: table.rowsLoaded, bytes: table.shardBytes, startedAt: startedAt,
                      finishedAt: min(finished, startedAt + Int64(table.seconds * 1_000_000)), bookmark: table.bookmarkAfter ?? "",
                      error: table.error ?? "")
        }
        do {
            try await bookmarks.record(records)
        } catch {
            logger.error("run.history.failed", metadata: ["sluice.error": "\(error)"])
        }
    }

    /// The selected tables, in configuration order.
    public func selectedTables() throws(SluiceError) -> [TableConfig] {
        guard let names = options.tables else { return pipeline.tables }
        var selected: [TableConfig] = []
        for name in names {
            guard let table = pipeline.table(named: name) else {
                throw SluiceError(.configInvalid, "no table named '\(name)' in the pipeline (it has \(pipeline.tables.map(\.name).joined(separator: ", ")))")
            }
            selected.append(table)
        }
        return selected
    }

    /// Runs the pipeline once and returns the report (check ``RunReport/succeeded``), which is also written to
    /// `--report`. A run that cannot start (the sink, the bookmark store or the source unreachable) reports the
    /// reason as the run's error and every table failed with it; only an unknown table name throws.
    public func run() async throws(SluiceError) -> RunReport {
        let clock = RunClock()
        let startedMicroseconds = now()
        let tables = try selectedTables()
        let runID = Self.makeRunID(at: clock.startDate)
        var logger = self.logger
        logger[metadataKey: "sluice.run"] = "\(runID)"
        logger.info("run.start", metadata: ["sluice.pipeline": "\(pipeline.pipeline)", "sluice.tables": "\(tables.count)"])
        await metrics?.runStarted(runID: runID, pipeline: pipeline.pipeline)

        var reports: [TableReport]
        var startError: SluiceError?
        var excluded: [ExcludedExecutorReport] = []
        var resume: RunResume?
        var staging: (any StagingStore)?
        do throws(SluiceError) {
            let store: any StagingStore
            do throws(SluiceError) {
                let created = try pipeline.staging.store()
                try await BlockingIO.run(name: "sluice.staging.prepare") { () throws(SluiceError) in try created.prepare() }
                store = created
            } catch {
                // Say which part of the pipeline the bucket or the credentials belong to.
                throw SluiceError(error.code, "staging.directory \(pipeline.staging.directory): \(error.message)", context: error.context,
                                  underlying: error.underlying, retryable: error.retryable)
            }
            staging = store
            // The sink first: a server it cannot load (a type_mapping pin it lacks) stops the run before anything is created.
            let sink = try await connectSink(logger: logger)
            try await bookmarks.prepare()
            // One snapshot for the whole run: planning and every task read the same data.
            let runLogger = logger
            resume = try await BlockingIO.run(name: "sluice.resume.load") { () throws(SluiceError) -> RunResume? in
                try resumedRun(before: runID, store: store, logger: runLogger)
            }
            let view = try await source.openRun(consistent: true)
            let served: Result<([TableReport], [ExcludedExecutorReport]), SluiceError>
            do throws(SluiceError) {
                let planned = await plan(tables, runID: runID, in: view, sink: sink, prepare: true, resume: resume, logger: logger)
                let manifests = ShardManifests(staging: pipeline.staging, pipeline: pipeline.pipeline, runID: runID, store: store, logger: logger)
                for run in planned.runs { await manifests.planned(run) }
                let coordinator = RunCoordinator(runID: runID, policy: pipeline.run.retryPolicy, scheduling: pipeline.run.schedulingPolicy,
                                                 tables: planned.runs,
                                                 unplanned: planned.unplanned, sink: sink, bookmarks: bookmarks, now: now, clock: clock,
                                                 manifests: manifests, source: view, logger: logger)
                await metrics?.serving(coordinator)
                if !planned.runs.isEmpty {
                    try await serve(runID: runID, startedAt: startedMicroseconds, tables: planned.runs, coordinator: coordinator, logger: logger)
                }
                served = .success((await coordinator.reports(), await coordinator.excludedExecutors()))
            } catch {
                served = .failure(error)
            }
            await view.close()
            (reports, excluded) = try served.get()
        } catch {
            logger.error("run.cannot_start", metadata: ["sluice.error": "\(error)"])
            startError = error
            reports = tables.map { table in
                var report = TableReport(table: table.name, mode: nil)
                report.error = "\(error)"
                return report
            }
        }
        let finished = clock.now()
        await metrics?.runFinished(seconds: finished.seconds)
        var report = RunReport(runID: runID, pipeline: pipeline.pipeline, startedAt: RunReport.wholeSeconds(clock.startDate),
                               finishedAt: finished.timestamp, seconds: finished.seconds, tables: reports,
                               error: startError.map { "\($0)" }, errorCode: startError?.code.name, excludedExecutors: excluded)
        report.resumedFrom = resume?.run
        await recordHistory(report, runID: runID, startedAt: startedMicroseconds, logger: logger)
        if let path = options.reportPath { try report.write(toFile: path) }
        let retention = StagingRetention(directory: pipeline.staging.directory, keepRuns: pipeline.staging.keepRuns)
        let pruned = await BlockingIO.run(name: "sluice.staging.prune") { [staging] in retention.prune(after: runID, store: staging) }
        if !pruned.runs.isEmpty || !pruned.temporaryFiles.isEmpty {
            logger.info("staging.pruned", metadata: ["sluice.runs": "\(pruned.runs)", "sluice.temporary_files": "\(pruned.temporaryFiles.count)"])
        }
        logger.info("run.finish", metadata: ["sluice.succeeded": "\(report.succeeded)", "sluice.seconds": "\(report.seconds)"])
        return report
    }

    /// The sink connected for one run or plan (``SluicePipeline/Sink/connectForRun()``), logged with what it chose.
    func connectSink(logger: Logger) async throws(SluiceError) -> any Sink {
        let connected = try await sink.connectForRun()
        logger.info("sink.connected", metadata: ["sluice.sink": "\(connected.summary)"])
        return connected
    }

    /// Plans each table in `view` (and, with `prepare`, creates its target in `sink`). A table that cannot be planned or
    /// prepared is reported failed, and one the resumed run loaded already is reported succeeded: both come back in
    /// `unplanned`, reported as they are; the others get their tasks.
    func plan(_ tables: [TableConfig], runID: String, in view: any SourceRun, sink: any Sink, prepare: Bool, resume: RunResume? = nil,
              logger: Logger) async -> (runs: [TableRun], unplanned: [TableReport], errors: [String: SluiceError])
    {
        let planner = RunPlanner(pipeline: pipeline, runID: runID, options: options.decisionOptions, source: view, sink: sink,
                                 bookmarks: bookmarks, resume: resume)
        var runs: [TableRun] = []
        var unplanned: [TableReport] = []
        var errors: [String: SluiceError] = [:]
        var nextTaskID: UInt64 = 1
        func fail(_ name: String, _ error: SluiceError) {
            var report = TableReport(table: name, mode: nil)
            report.error = "\(error)"
            unplanned.append(report)
            errors[name] = error
            logger.error("table.plan.failed", metadata: ["sluice.table": "\(name)", "sluice.error": "\(error)"])
        }
        let selected = Set(tables.map(\.name))
        for table in tables {
            // A child table is planned (and loads) with its parent.
            if let parent = table.parent?.table {
                if !selected.contains(parent) {
                    fail(table.name, SluiceError(.configInvalid, "\(table.name) is read with its parent \(parent): select \(parent), and its children come with it",
                                                 context: ErrorContext(table: table.name)))
                }
                continue
            }
            let children = pipeline.tables.filter { $0.parent?.table == table.name }
            if let resume, resume.manifests[table.name]?.status == .succeeded {
                // Loaded by the run this one resumes: its bookmark moved then, and it does not run again.
                for name in [table.name] + children.map(\.name) {
                    var report = TableReport(table: name, mode: nil)
                    report.status = .succeeded
                    report.warnings = ["loaded by run \(resume.run), which this run resumes; not run again"]
                    unplanned.append(report)
                }
                logger.info("table.resume.skipped", metadata: ["sluice.table": "\(table.name)", "sluice.resumed_from": "\(resume.run)"])
                continue
            }
            let planningStarted = ContinuousClock.now
            do throws(SluiceError) {
                var run = try await planner.plan(table, children: children, firstTaskID: nextTaskID)
                for planned in [run] + run.children {
                    for warning in planned.warnings {
                        logger.warning("table.warning", metadata: ["sluice.table": "\(planned.name)", "sluice.warning": "\(warning)"])
                    }
                    if prepare { try await sink.prepare(planned.target) }
                }
                run.planningTook(Self.seconds(.now - planningStarted))
                nextTaskID += UInt64(run.tasks.count)
                runs.append(run)
            } catch {
                let error = error.adding(ErrorContext(table: table.name))
                fail(table.name, error)
                unplanned[unplanned.count - 1].stageSeconds.planning = Self.seconds(.now - planningStarted)
                for child in children {
                    fail(child.name, SluiceError(error.code, "its parent \(table.name) could not be planned: \(error.message)",
                                                 context: ErrorContext(table: child.name), retryable: error.retryable))
                }
            }
        }
        return (runs, unplanned, errors)
    }

    /// The run `--resume` names, with its manifests; nil without `--resume`, or with `--resume last` when the newest
    /// run of the pipeline loaded everything.
    func resumedRun(before runID: String, store: any StagingStore, logger: Logger) throws(SluiceError) -> RunResume? {
        let staging = pipeline.staging.directory
        let run: String
        switch options.resume {
        case nil:
            return nil
        case .run(let id):
            run = id
        case .last:
            guard let last = RunResume.lastUnfinishedRun(staging: staging, pipeline: pipeline.pipeline, before: runID, store: store) else {
                logger.info("run.resume.nothing", metadata: ["sluice.staging": "\(staging)"])
                return nil
            }
            run = last
        }
        let resume = try RunResume.load(run: run, staging: staging, pipeline: pipeline.pipeline, store: store)
        logger.info("run.resume", metadata: ["sluice.resumed_from": "\(run)", "sluice.tables": "\(resume.manifests.count)"])
        return resume
    }

    /// `20261122T101530Z-3fa2c1`: sortable by start time, unique enough for staging paths.
    public static func makeRunID(at date: Date) -> String {
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
