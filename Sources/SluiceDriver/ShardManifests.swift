import Crypto
public import SluiceStorage
import Foundation
public import Logging
public import SluiceConfig
public import SluiceCore
public import SluicePipeline

/// Keeps each table's ``SluicePipeline/ShardManifest`` of the run in the staging directory: written when the table is
/// planned, updated as tasks stage (at most once a second, so a run of many small tasks does not rewrite it per
/// task; a driver killed in between costs the resume at most that second's tasks), and closed when the table ends.
/// When a table loaded, its shards are deleted (unless `staging.keep_shards`); when it failed they stay, for
/// `sluice run --resume`, until staging retention removes the run.
public actor ShardManifests {
    private let staging: StagingConfig
    private let pipeline: String
    private let runID: String
    private let logger: Logger
    private var manifests: [String: ShardManifest] = [:]
    /// Staged tasks whose files are not hashed yet, by table.
    private var pending: [String: [(partition: Int, result: TaskResult)]] = [:]
    private var flushScheduled = false
    /// How long staged tasks wait before the manifest is rewritten.
    private let flushDelay: Duration

    private let store: any StagingStore

    /// - Parameter store: where staging is (default the local directory `staging.directory`).
    public init(staging: StagingConfig, pipeline: String, runID: String, flushDelay: Duration = .seconds(1),
                store: (any StagingStore)? = nil, logger: Logger) {
        self.staging = staging
        self.store = store ?? LocalStagingStore(root: staging.directory)
        self.pipeline = pipeline
        self.runID = runID
        self.flushDelay = flushDelay
        self.logger = logger
    }

    /// The table was planned: its manifest starts with the decision and the partitions.
    public func planned(_ run: TableRun) async {
        manifests[run.name] = ShardManifest(pipeline: pipeline, run: runID, table: run.name, decision: run.decision.resumeKey,
                                            work: Self.fingerprint([run.work] + run.children.map(\.work)), partitions: run.partitions.map(ShardManifest.Partition.init))
        await write([run.name])
    }

    /// A task's accepted attempt staged its shards.
    public func staged(table: String, partition: Int, result: TaskResult) {
        guard manifests[table] != nil else { return }
        pending[table, default: []].append((partition, result))
        guard !flushScheduled else { return }
        flushScheduled = true
        Task {
            try? await Task.sleep(for: flushDelay)
            await self.flush()
        }
    }

    /// The table ended: its manifest says how, and a loaded table's shards go (unless they are kept).
    public func ended(table: String, succeeded: Bool) async {
        guard manifests[table] != nil else { return }
        await hashPending(of: [table])
        manifests[table]?.status = succeeded ? .succeeded : .failed
        await write([table])
        guard succeeded, !staging.keepShards, let manifest = manifests[table] else { return }
        let files = manifest.shards.flatMap(\.shards).map(\.file)
        await BlockingIO.run(name: "sluice.shards.remove") { [store] in store.remove(files) }
    }

    /// Hashes what staged since the last flush and rewrites those manifests.
    func flush() async {
        flushScheduled = false
        let tables = Array(pending.keys)
        await hashPending(of: tables)
        await write(tables)
    }

    private func hashPending(of tables: [String]) async {
        var work: [(table: String, partition: Int, result: TaskResult)] = []
        for table in tables {
            for entry in pending.removeValue(forKey: table) ?? [] { work.append((table, entry.partition, entry.result)) }
        }
        guard !work.isEmpty else { return }
        let staged = work
        let hashed = await BlockingIO.run(name: "sluice.shards.hash") { [store] in
            staged.map { entry -> (String, ShardManifest.TaskShards?) in
                var shards: [StagedShard] = []
                for output in entry.result.outputs {
                    guard let sha = store.describe(output.shardPath)?.sha256 else { return (entry.table, nil) }
                    shards.append(StagedShard(output: output, table: output.table.isEmpty ? entry.table : output.table, sha256: sha))
                }
                return (entry.table, ShardManifest.TaskShards(partition: entry.partition, task: entry.result.taskID,
                                                              attempt: entry.result.attempt, maxCursor: entry.result.maxCursor,
                                                              shards: shards))
            }
        }
        for (table, shards) in hashed {
            // A shard that is gone already (an executor that deletes after staging) cannot be resumed from.
            if let shards { manifests[table]?.record(shards) }
        }
    }

    private func write(_ tables: [String]) async {
        let writes = tables.compactMap { table in
            manifests[table].map { (ShardManifest.path(staging: staging.directory, run: runID, table: table), $0) }
        }
        let failures = await BlockingIO.run(name: "sluice.manifest.write") { [store] in
            writes.compactMap { path, manifest -> SluiceError? in
                do throws(SluiceError) {
                    try store.write(try manifest.encoded(), to: path)
                    return nil
                } catch {
                    return error
                }
            }
        }
        // A manifest that cannot be written costs the resume, not the run.
        for failure in failures { logger.warning("manifest.write.failed", metadata: ["sluice.error": "\(failure)"]) }
    }

    /// What executors do to a table's rows (and its children's), without where they load them: shards written under
    /// another configuration are not reused.
    static func fingerprint(_ works: [TableWork]) -> String {
        let works = works.map { work -> TableWork in
            var work = work
            work.sink = .none
            return work
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(works)) ?? Data()
        return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
