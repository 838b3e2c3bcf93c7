import Foundation
import SluiceConfig
public import SluiceCore
public import SluicePipeline

/// An earlier run that this run resumes (`sluice run --resume RUN_ID`): its tables' manifests, read from the staging
/// directory. A table the earlier run loaded is not run again; a table it did not load runs with the same partitions,
/// and each partition whose shards are still there, unchanged (same size and SHA-256), is staged from them instead of
/// being extracted again. Everything else runs as usual.
public struct RunResume: Sendable {
    public let run: String
    /// By table name.
    public let manifests: [String: ShardManifest]

    public init(run: String, manifests: [String: ShardManifest]) {
        self.run = run
        self.manifests = manifests
    }

    /// The manifests `run` left in `staging`. An error when the run left none (a wrong id, another staging
    /// directory, or a run staging retention removed) or belongs to another pipeline.
    public static func load(run: String, staging: String, pipeline: String) throws(SluiceError) -> RunResume {
        let directory = staging + "/" + run
        let tables = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var manifests: [String: ShardManifest] = [:]
        for table in tables.sorted() {
            guard let manifest = try ShardManifest.read(fromFile: ShardManifest.path(staging: staging, run: run, table: table)) else { continue }
            guard manifest.pipeline == pipeline else {
                throw SluiceError(.configInvalid, "run \(run) belongs to pipeline \(manifest.pipeline), not \(pipeline); it cannot be resumed here")
            }
            manifests[manifest.table] = manifest
        }
        guard !manifests.isEmpty else {
            throw SluiceError(.configInvalid,
                              "run \(run) left no manifest in \(directory); give the id of a run of this pipeline that staging retention (staging.keep_runs) still keeps")
        }
        return RunResume(run: run, manifests: manifests)
    }

    /// The newest run of `pipeline` in `staging` that left a table unloaded (failed, or cut short by a driver that
    /// died); nil when the newest run with manifests loaded everything, or there is none: what `--resume last` picks.
    public static func lastUnfinishedRun(staging: String, pipeline: String, before current: String? = nil) -> String? {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: staging)) ?? [])
            .filter { StagingRetention.isRunID($0) && $0 != current }.sorted(by: >)
        for run in names {
            guard let resume = try? load(run: run, staging: staging, pipeline: pipeline) else { continue }
            return resume.manifests.values.contains { $0.status != .succeeded } ? run : nil
        }
        return nil
    }

    /// The tasks of `manifest` whose shards can be staged as they are, by partition, and why the others cannot.
    /// With a cursor, only tasks that reported their largest cursor value qualify: it bounds the resumed table's
    /// bookmark (``TableRun/bookmarkCap``).
    public static func reusableShards(of manifest: ShardManifest, needsCursor: Bool) -> (reusable: [Int: ShardManifest.TaskShards], problems: [String]) {
        var reusable: [Int: ShardManifest.TaskShards] = [:]
        var problems: [String] = []
        for task in manifest.shards {
            if needsCursor, task.maxCursor == nil { continue }
            if let problem = task.shards.lazy.compactMap(problem(with:)).first {
                problems.append("partition \(task.partition): \(problem)")
                continue
            }
            reusable[task.partition] = task
        }
        return (reusable, problems)
    }

    /// Why a shard cannot be reused as recorded; nil when it can.
    static func problem(with shard: StagedShard) -> String? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: shard.file),
              let size = (attributes[.size] as? NSNumber)?.uint64Value
        else { return "\(shard.file) is gone" }
        guard size == shard.bytes else { return "\(shard.file) has \(size) bytes, the manifest says \(shard.bytes)" }
        guard ShardManifests.sha256(ofFile: shard.file) == shard.sha256 else { return "\(shard.file) changed since it was staged (SHA-256)" }
        return nil
    }
}
