import Foundation
import Logging
import SluiceConfig
import SluiceCore
import SluiceDriver
import SluicePipeline
import SluiceStorage
import Testing

/// The manifests a run keeps in staging, and what a resumed run trusts of them.
@Suite struct ShardManifestTests {
    let staging = NSTemporaryDirectory() + "sluice-manifest-" + UUID().uuidString
    let run = "20261205T090000Z-abc123"

    func shard(_ name: String, contents: String) throws -> TaskOutput {
        let path = "\(staging)/\(run)/orders/\(name)"
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        return TaskOutput(table: "orders", rowsExtracted: 10, rowsStaged: 9, rowsDeleted: 1, quarantined: ["positive": 1],
                          shardPath: path, shardBytes: UInt64(contents.utf8.count))
    }

    func manifests() -> ShardManifests {
        ShardManifests(staging: StagingConfig(directory: staging, keepShards: false), pipeline: "shop", runID: run,
                       flushDelay: .milliseconds(10), logger: Logger(label: "test"))
    }

    @Test func stagedTasksAreRecordedWithTheirChecksumsAndAFailedTableKeepsItsShards() async throws {
        defer { try? FileManager.default.removeItem(atPath: staging) }
        let book = manifests()
        let output = try shard("part-00000.parquet", contents: "abc")
        await book.staged(table: "orders", partition: 0, result: TaskResult(taskID: 1, attempt: 2, maxCursor: "42", output: output))
        let path = ShardManifest.path(staging: staging, run: run, table: "orders")
        #expect(path.hasSuffix("/\(run)/orders/manifest.json"))
        // A table that was not planned has no manifest to record in.
        try await Task.sleep(for: .milliseconds(100))
        #expect(!FileManager.default.fileExists(atPath: path))
        var manifest = ShardManifest(pipeline: "shop", run: run, table: "orders", decision: "d", work: "w", partitions: [])
        manifest.record(.init(partition: 0, task: 1, attempt: 2, maxCursor: "42",
                              shards: [StagedShard(output: output, table: "orders", sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]))
        let store = LocalStagingStore(root: staging)
        try store.write(try manifest.encoded(), to: path)
        let read = try ShardManifest.decode(try #require(try store.read(path)), name: path)
        #expect(read == manifest)
        #expect(!FileManager.default.fileExists(atPath: path + ".writing.tmp"), "written through a rename")

        // The recorded SHA-256 of "abc" is right, so the shard is reusable; a changed byte makes it not.
        var (reusable, problems) = RunResume.reusableShards(of: read, needsCursor: true, store: store)
        #expect(reusable.keys.sorted() == [0] && problems.isEmpty, "\(problems)")
        try "abd".write(toFile: output.shardPath, atomically: true, encoding: .utf8)
        (reusable, problems) = RunResume.reusableShards(of: read, needsCursor: true, store: store)
        #expect(reusable.isEmpty)
        #expect(problems.first?.contains("changed since it was staged") == true, "\(problems)")
        try FileManager.default.removeItem(atPath: output.shardPath)
        (reusable, problems) = RunResume.reusableShards(of: read, needsCursor: true, store: store)
        #expect(problems.first?.contains("is gone") == true, "\(problems)")
    }

    @Test func aRunIsFoundByItsManifestsAndLastPicksOnlyAnUnfinishedOne() throws {
        defer { try? FileManager.default.removeItem(atPath: staging) }
        #expect(throws: SluiceError.self) { try RunResume.load(run: run, staging: staging, pipeline: "shop") }
        var manifest = ShardManifest(pipeline: "shop", run: run, table: "orders", decision: "d", work: "w", partitions: [])
        manifest.status = .failed
        let store = LocalStagingStore(root: staging)
        try store.write(try manifest.encoded(), to: ShardManifest.path(staging: staging, run: run, table: "orders"))
        #expect(try RunResume.load(run: run, staging: staging, pipeline: "shop").manifests.keys.sorted() == ["orders"])
        let other = try #require(throws: SluiceError.self) { try RunResume.load(run: run, staging: staging, pipeline: "other") }
        #expect(other.message.contains("belongs to pipeline shop"))
        #expect(RunResume.lastUnfinishedRun(staging: staging, pipeline: "shop") == run)
        // A newer run that loaded everything: nothing to resume.
        let newer = "20261205T100000Z-def456"
        var loaded = ShardManifest(pipeline: "shop", run: newer, table: "orders", decision: "d", work: "w", partitions: [])
        loaded.status = .succeeded
        try store.write(try loaded.encoded(), to: ShardManifest.path(staging: staging, run: newer, table: "orders"))
        #expect(RunResume.lastUnfinishedRun(staging: staging, pipeline: "shop") == nil)
        #expect(RunResume.lastUnfinishedRun(staging: staging, pipeline: "shop", before: newer) == run)
    }
}
