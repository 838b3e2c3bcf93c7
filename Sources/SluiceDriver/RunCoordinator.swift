import Logging
public import SluiceCore
import SluiceScheduler
import SluiceWire

/// The driver's live state during a run: the scheduler, the connected executors and the finished tables.
/// Every event goes through this actor, which asks the scheduler what to do and does it.
actor RunCoordinator {
    typealias Send = @Sendable (DriverMessage) async throws -> Void

    private var scheduler: TaskScheduler
    private var links: [String: Send] = [:]
    private let finalizer: TableFinalizer
    private let logger: Logger
    private var pendingFinalizations = 0
    private var reports: [String: TableReport]
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var rowsInFlight: [UInt64: UInt64] = [:]
    private(set) var lastExecutorSeen = ContinuousClock.now
    private let started = ContinuousClock.now

    init(retries: Int, reports: [String: TableReport], finalizer: TableFinalizer, logger: Logger) {
        scheduler = TaskScheduler(retries: retries)
        self.reports = reports
        self.finalizer = finalizer
        self.logger = logger
    }

    /// True once every table succeeded or failed and its finalization is done.
    var isFinished: Bool { scheduler.isFinished && pendingFinalizations == 0 }

    var executorCount: Int { links.count }

    var outstandingTasks: Int { scheduler.outstandingTaskCount }

    func finalReports() -> [String: TableReport] { reports }

    /// Suspends until the run is finished.
    func waitUntilFinished() async {
        if isFinished { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func add(table: String, tasks: [TaskSpec]) async {
        await perform(scheduler.add(table: table, tasks: tasks))
    }

    func executorJoined(_ id: String, slots: Int, send: @escaping Send) async {
        logger.info("executor.joined", metadata: ["sluice.executor.id": "\(id)", "sluice.executor.slots": "\(slots)"])
        links[id] = send
        lastExecutorSeen = .now
        await perform(scheduler.executorJoined(id, slots: slots))
    }

    func executorLeft(_ id: String, error: SluiceError?) async {
        guard links.removeValue(forKey: id) != nil else { return }
        lastExecutorSeen = .now
        let reason = error ?? SluiceError(.executorLost, "executor \(id) disconnected")
        let running = scheduler.runningTasks(on: id)
        if running.isEmpty {
            // Nothing was lost: a clean goodbye, or a connection cut while the run ends.
            logger.info("executor.left", metadata: ["sluice.executor.id": "\(id)"])
            if let error { logger.debug("executor.left.reason", metadata: ["sluice.error": "\(error)"]) }
        } else {
            logger.warning("executor.lost", metadata: ["sluice.executor.id": "\(id)", "sluice.error": "\(reason)",
                                                       "sluice.tasks": "\(running.count)"])
        }
        await perform(scheduler.executorLost(id, reason: reason))
    }

    func received(_ message: ExecutorMessage, from id: String) async {
        switch message {
        case .taskProgress(let progress):
            rowsInFlight[progress.taskID] = progress.rows
        case .taskResult(let result):
            rowsInFlight[result.taskID] = nil
            logger.debug("task.succeeded", metadata: ["sluice.task.id": "\(result.taskID)", "sluice.rows": "\(result.rowsLoaded)"])
            await perform(scheduler.taskSucceeded(result, executor: id))
        case .taskFailed(let failure):
            rowsInFlight[failure.taskID] = nil
            logger.warning("task.failed", metadata: ["sluice.task.id": "\(failure.taskID)", "sluice.attempt": "\(failure.attempt)",
                                                     "sluice.error": "\(failure.error)", "sluice.retryable": "\(failure.retryable)"])
            await perform(scheduler.taskFailed(failure, executor: id))
        case .shutdown(let reason):
            logger.info("executor.shutdown", metadata: ["sluice.executor.id": "\(id)", "sluice.reason": "\(reason)"])
        }
    }

    /// Fails every unfinished table (no executors left, or the run was cancelled).
    func abandon(_ error: SluiceError) async {
        for (name, report) in reports where report.status != .succeeded && !scheduler.isTableFinished(name) {
            var report = report
            report.status = .failed
            report.error = "\(error)"
            reports[name] = report
        }
        scheduler.abandonAll()
        wakeIfFinished()
    }

    /// Tells every connected executor the run is over.
    func shutdownExecutors(reason: String) async {
        for (_, send) in links { try? await send(.shutdown(reason: reason)) }
    }

    /// Rows extracted so far by running tasks (from progress reports).
    var rowsInProgress: UInt64 { rowsInFlight.values.reduce(0, +) }

    private func perform(_ actions: [TaskScheduler.Action]) async {
        for action in actions {
            switch action {
            case .assign(let task, let executor):
                guard let send = links[executor] else { continue }
                do {
                    try await send(.assignTask(task))
                } catch {
                    let failure = (error as? SluiceError) ?? SluiceError(.executorLost, "cannot send a task to \(executor)")
                    await executorLeft(executor, error: failure)
                }
            case .tableSucceeded(let table, let results):
                pendingFinalizations += 1
                var report = reports[table] ?? TableReport(table: table, mode: .backfill)
                report.add(results)
                do {
                    report.bookmarkAfter = try await finalizer.finish(table: table, results: results, report: report)
                    report.status = .succeeded
                    logger.info("table.succeeded", metadata: ["sluice.table": "\(table)", "sluice.rows": "\(report.rowsLoaded)"])
                } catch {
                    report.status = .failed
                    report.error = "\(error)"
                    logger.error("table.finalize.failed", metadata: ["sluice.table": "\(table)", "sluice.error": "\(error)"])
                }
                report.seconds = Driver.seconds(ContinuousClock.now - started)
                reports[table] = report
                pendingFinalizations -= 1
            case .tableFailed(let table, let error):
                var report = reports[table] ?? TableReport(table: table, mode: .backfill)
                report.status = .failed
                report.error = "\(error)"
                report.seconds = Driver.seconds(ContinuousClock.now - started)
                reports[table] = report
                logger.error("table.failed", metadata: ["sluice.table": "\(table)", "sluice.error": "\(error)"])
            }
        }
        wakeIfFinished()
    }

    private func wakeIfFinished() {
        guard isFinished else { return }
        let waiting = waiters
        waiters = []
        for waiter in waiting { waiter.resume() }
    }
}

extension SluiceError.Code {
    public static let executorLost = Self("executor_lost")
    public static let noExecutors = Self("no_executors")
}
