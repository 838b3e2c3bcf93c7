public import Logging
public import SluiceCore
public import SluicePipeline

/// The run's exported snapshots: the one planning read, and the ones that replace it when its session is lost (a
/// PostgreSQL restart, `pg_terminate_backend`, a network cut). One session holds the current snapshot; a periodic
/// check (``startWatching(every:)``), and every retried task (``check()``, from ``PostgresRun/bind(_:)``), asks it
/// for one round trip. When it does not answer, a new session exports a new snapshot, which the partitions not yet
/// read then read instead (docs/postgres.md, "When the snapshot is lost", says why that is safe).
///
/// An actor: checks, replacements and the tasks that ask for the current snapshot come from the driver's tasks and
/// the watch at once; a replacement is made once, and checks arriving meanwhile wait for it.
actor RunSnapshots {
    private let config: PostgresConnectionConfig
    private let failover: Bool
    private let logger: Logger
    private var holder: SnapshotHolder
    /// Snapshot ids by generation: the first exported, then each replacement; the last is the current one.
    private(set) var ids: [String]
    /// The first snapshot's id: what planning reads and every partition is planned with.
    nonisolated let firstID: String
    private var replacing: Task<Void, Never>?
    private var watch: Task<Void, Never>?
    private var lostWithoutFailover = false

    /// Blocking: exports the first snapshot. Call on a thread of its own.
    init(config: PostgresConnectionConfig, failover: Bool, logger: Logger) throws(SluiceError) {
        self.config = config
        self.failover = failover
        self.logger = logger
        let holder = try SnapshotHolder(config: config)
        self.holder = holder
        ids = [holder.snapshotID]
        firstID = holder.snapshotID
    }

    /// Checks the current snapshot's session every `interval` until ``close()``.
    func startWatching(every interval: Duration) {
        guard watch == nil else { return }
        watch = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard !Task.isCancelled, let self else { return }
                await self.check()
            }
        }
    }

    /// Asks the current snapshot's session whether it is alive; replaces the snapshot when it is not (with
    /// failover on). A replacement that fails (the server is still down) is tried again at the next check.
    func check() async {
        if let replacing {
            await replacing.value
            return
        }
        let checked = holder
        let alive = await BlockingIO.run(name: "sluice.postgres.snapshot") { checked.isAlive() }
        // Another check may have replaced it, or begun to, while this one waited for the answer.
        guard !alive, checked === holder else { return }
        if let replacing {
            await replacing.value
            return
        }
        guard failover else {
            if !lostWithoutFailover {
                lostWithoutFailover = true
                logger.error("postgres.snapshot.lost", metadata: [
                    "sluice.snapshot": "\(checked.snapshotID)", "sluice.failover": "false",
                ])
            }
            return
        }
        let replacement = Task { await self.replace(checked) }
        replacing = replacement
        await replacement.value
        replacing = nil
    }

    private func replace(_ lost: SnapshotHolder) async {
        let config = self.config
        logger.warning("postgres.snapshot.lost", metadata: ["sluice.snapshot": "\(lost.snapshotID)", "sluice.generation": "\(ids.count - 1)"])
        do {
            let fresh = try await BlockingIO.run(name: "sluice.postgres.snapshot") { () throws(SluiceError) -> SnapshotHolder in
                lost.close()
                return try SnapshotHolder(config: config)
            }
            holder = fresh
            ids.append(fresh.snapshotID)
            logger.warning("postgres.snapshot.replaced", metadata: [
                "sluice.snapshot.lost": "\(lost.snapshotID)", "sluice.snapshot": "\(fresh.snapshotID)",
                "sluice.generation": "\(ids.count - 1)",
            ])
        } catch {
            logger.warning("postgres.snapshot.replace_failed", metadata: ["sluice.error": "\(error)"])
        }
    }

    /// Stops the watch and ends the current snapshot's transaction.
    func close() async {
        watch?.cancel()
        watch = nil
        if let replacing { await replacing.value }
        let holder = self.holder
        await BlockingIO.run(name: "sluice.postgres.snapshot") { holder.close() }
    }
}
