import Foundation
import SluiceConfig
public import SluiceCore
public import SluicePipeline
public import SluiceStorage

/// An earlier run that this run resumes (`sluice run --resume RUN_ID`): its tables' manifests, read from the staging
/// directory. A table the earlier run loaded is not run again; a table it did not load runs with the same partitions,
/// and each partition whose shards are still there, unchanged (same size and SHA-256), is staged from them instead of
/// being extracted again. Everything else runs as usual.
public struct RunResume: Sendable {
    public let run: String
    /// By table name.
    public let manifests: [String: ShardManifest]
    /// Size and SHA-256 of the shards of the tables it did not load, as found when it was loaded (a shard that is
    /// gone is absent): planning, which must not block on the store, checks them against the manifests.
    public let files: [String: StagedFileFacts]

    public init(run: String, manifests: [String: ShardManifest], files: [String: StagedFileFacts] = [:]) {
        self.run = run
        self.manifests = manifests
        self.files = files
    }

    /// The manifests `run` left in `staging` (read through `store`, by default the local directory `staging`). An
    /// error when the run left none (a wrong id, another staging directory, or a run staging retention removed) or
    /// belongs to another pipeline.
    /// Blocking (it reads the store): call it from a thread of its own. With `describingShards`, the shards of every
    /// table the run did not load are looked at too (``files``).
    public static func load(run: String, staging: String, pipeline: String, store: (any StagingStore)? = nil,
                            describingShards: Bool = true) throws(SluiceError) -> RunResume {
        let store = store ?? LocalStagingStore(root: staging)
        let directory = staging + "/" + run
        var manifests: [String: ShardManifest] = [:]
        for table in store.entries(in: run).sorted() {
            let path = ShardManifest.path(staging: staging, run: run, table: table)
            guard let bytes = try store.read(path) else { continue }
            let manifest = try ShardManifest.decode(bytes, name: path)
            guard manifest.pipeline == pipeline else {
                throw SluiceError(.configInvalid, "run \(run) belongs to pipeline \(manifest.pipeline), not \(pipeline); it cannot be resumed here")
            }
            manifests[manifest.table] = manifest
        }
        guard !manifests.isEmpty else {
            throw SluiceError(.configInvalid,
                              "run \(run) left no manifest in \(directory); give the id of a run of this pipeline that staging retention (staging.keep_runs) still keeps")
        }
        var files: [String: StagedFileFacts] = [:]
        if describingShards {
            for manifest in manifests.values where manifest.status != .succeeded {
                for shard in manifest.shards.flatMap(\.shards) { files[shard.file] = store.describe(shard.file) }
            }
        }
        return RunResume(run: run, manifests: manifests, files: files)
    }

    /// The newest run of `pipeline` in `staging` that left a table unloaded (failed, or cut short by a driver that
    /// died); nil when the newest run with manifests loaded everything, or there is none: what `--resume last` picks.
    public static func lastUnfinishedRun(staging: String, pipeline: String, before current: String? = nil,
                                         store: (any StagingStore)? = nil) -> String? {
        let store = store ?? LocalStagingStore(root: staging)
        let names = store.entries(in: "").filter { StagingRetention.isRunID($0) && $0 != current }.sorted(by: >)
        for run in names {
            guard let resume = try? load(run: run, staging: staging, pipeline: pipeline, store: store, describingShards: false) else { continue }
            return resume.manifests.values.contains { $0.status != .succeeded } ? run : nil
        }
        return nil
    }

    /// The tasks of `manifest` whose shards can be staged as they are, by partition, and why the others cannot.
    /// With a cursor, only tasks that reported their largest cursor value qualify: it bounds the resumed table's
    /// bookmark (``TableRun/bookmarkCap``).
    public static func reusableShards(of manifest: ShardManifest, needsCursor: Bool,
                                      store: any StagingStore) -> (reusable: [Int: ShardManifest.TaskShards], problems: [String]) {
        reusableShards(of: manifest, needsCursor: needsCursor) { store.describe($0) }
    }

    /// ``reusableShards(of:needsCursor:store:)`` with the shards as ``files`` found them.
    public func reusableShards(of manifest: ShardManifest, needsCursor: Bool) -> (reusable: [Int: ShardManifest.TaskShards], problems: [String]) {
        Self.reusableShards(of: manifest, needsCursor: needsCursor) { files[$0] }
    }

    static func reusableShards(of manifest: ShardManifest, needsCursor: Bool,
                               describe: (String) -> StagedFileFacts?) -> (reusable: [Int: ShardManifest.TaskShards], problems: [String]) {
        var reusable: [Int: ShardManifest.TaskShards] = [:]
        var problems: [String] = []
        for task in manifest.shards {
            if needsCursor, task.maxCursor == nil { continue }
            if let problem = task.shards.compactMap({ problem(with: $0, facts: describe($0.file)) }).first {
                problems.append("partition \(task.partition): \(problem)")
                continue
            }
            reusable[task.partition] = task
        }
        return (reusable, problems)
    }

    /// Why a shard cannot be reused as recorded; nil when it can.
    static func problem(with shard: StagedShard, facts: StagedFileFacts?) -> String? {
        guard let facts else { return "\(shard.file) is gone" }
        guard facts.bytes == shard.bytes else { return "\(shard.file) has \(facts.bytes) bytes, the manifest says \(shard.bytes)" }
        guard facts.sha256 == shard.sha256 else { return "\(shard.file) changed since it was staged (SHA-256)" }
        return nil
    }
}
