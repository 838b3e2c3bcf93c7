import Foundation
import Testing

/// `staging: {directory: s3://bucket/prefix}`: shards and manifests in a bucket, no staging on any disk, against
/// moto_server and OpenStack Swift's s3api (signatures checked). The driver and executors are separate processes
/// (`sluice run --local 2`) that share nothing but the bucket.
@Suite(.serialized) struct StagingInBucketTests {
    typealias Store = ParquetS3SourceTests.Store
    static let tool = Paths.repository.appendingPathComponent("Tests/IntegrationTests/Tools/s3_bucket.py").path

    /// `tool` against `store`: its output lines.
    @discardableResult
    static func bucket(_ store: Store, _ arguments: [String]) throws -> [String] {
        let result = try Shell.execute("/usr/bin/env", ["python3", tool, store.endpoint, store.key, store.secret] + arguments)
        try #require(result.status == 0, "s3_bucket.py \(arguments): \(result.stderr)")
        return result.stdout.split(separator: "\n").map(String.init)
    }

    /// The fixture's pipeline with its staging in a new bucket of `store`; returns the pipeline and the bucket.
    static func pipelineStagingIn(_ store: Store, fixture: PipelineFixture, partition: String? = nil, keepShards: Bool = true) throws -> (config: String, bucket: String) {
        let bucket = "sluice-staging-\(UInt32.random(in: 0...UInt32.max))"
        try Self.bucket(store, ["create", bucket])
        let path = try fixture.pipeline(partition: partition)
        let staging = "staging: {directory: \"s3://\(bucket)/runs\", keep_shards: \(keepShards), s3: {endpoint: \"\(store.endpoint)\", addressing: path}}"
        let text = try String(contentsOfFile: path, encoding: .utf8)
            .replacingOccurrences(of: "staging: {directory: \(fixture.directory)/staging}", with: staging)
        try #require(text.contains(staging))
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return (path, bucket)
    }

    /// Scratch files a shard bound for S3 is written to before its upload; none may stay.
    static func scratchFiles() -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory() + "/sluice-s3-scratch")) ?? []
    }

    @Test(arguments: ["moto", "swift"])
    func aRunStagesInTheBucketAndLoadsExactly(store name: String) throws {
        let store = try Store.named(name)
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env, rows: 20_000)
        defer { fixture.tearDown() }
        let (config, bucket) = try Self.pipelineStagingIn(store, fixture: fixture)
        let run = try fixture.run(config, environment: store.credentials)
        #expect(run.status == 0, "\(run.output.suffix(3000))")
        #expect(run.table["rows_loaded"] as? Int == 20_000, "\(run.table)")
        #expect(try fixture.rawCount() == 20_000, "every row loaded once (read without FINAL)")
        #expect(try fixture.differences().isEmpty)
        #expect(try fixture.differences(in: .curated).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: fixture.directory + "/staging"), "nothing staged on disk")
        #expect(Self.scratchFiles().isEmpty, "no scratch file left: \(Self.scratchFiles())")

        // The bucket holds the run's four shards, each with the SHA-256 the manifest recorded, and the manifest.
        let runID = try #require(run.report["run_id"] as? String)
        let objects = try Self.bucket(store, ["list", bucket, "runs/\(runID)/"]).map { $0.split(separator: " ").map(String.init) }
        let shards = objects.filter { $0[0].hasSuffix(".parquet") }
        #expect(shards.map { $0[0] } == (0..<4).map { "runs/\(runID)/items/part-0000\($0).parquet" }, "\(objects)")
        let manifest = try #require(objects.first { $0[0] == "runs/\(runID)/items/manifest.json" }, "\(objects)")
        #expect(manifest[2] == "-", "a manifest is a plain PUT")
        let manifestText = try Shell.execute("/usr/bin/env", ["python3", "-c", """
            import boto3, sys
            from botocore.config import Config
            s3 = boto3.client("s3", endpoint_url=sys.argv[1], aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3],
                              region_name="us-east-1", config=Config(s3={"addressing_style": "path"}, signature_version="s3v4"))
            sys.stdout.write(s3.get_object(Bucket=sys.argv[4], Key=sys.argv[5])["Body"].read().decode())
            """, store.endpoint, store.key, store.secret, bucket, manifest[0]]).stdout
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(manifestText.utf8)) as? [String: Any])
        #expect(parsed["status"] as? String == "succeeded")
        let recorded = (parsed["shards"] as? [[String: Any]] ?? []).flatMap { $0["shards"] as? [[String: Any]] ?? [] }
        #expect(Set(recorded.compactMap { $0["sha256"] as? String }) == Set(shards.map { $0[2] }), "\(recorded) vs \(shards)")
        #expect(recorded.allSatisfy { ($0["file"] as? String)?.hasPrefix("s3://\(bucket)/runs/\(runID)/items/part-") == true })
    }

    @Test func aFailedRunIsResumedFromTheBucketAndADamagedShardIsReadAgain() throws {
        let store = try Store.named("moto")
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env, rows: 20_000)
        defer { fixture.tearDown() }
        try env.psql(fixture.database, "CREATE TABLE gate (ok int); INSERT INTO gate VALUES (0)")
        let (config, bucket) = try Self.pipelineStagingIn(store, fixture: fixture, partition: ResumeTests.partitions, keepShards: false)

        // Nine partitions staged in the bucket, the tenth fails the run: nothing loaded.
        let failed = try fixture.run(config, environment: store.credentials)
        #expect(failed.status == 1, "\(failed.output.suffix(2000))")
        let failedRun = try #require(failed.report["run_id"] as? String)
        #expect(try fixture.rawCount() == 0)
        let staged = try Self.bucket(store, ["list", bucket, "runs/\(failedRun)/items/part-"])
        #expect(staged.count == 9, "\(staged)")
        #expect(try Self.bucket(store, ["uploads", bucket, "runs/"]).isEmpty, "no multipart upload left open")
        try env.clickhouse("SYSTEM STOP MERGES \(fixture.clean).items")
        try env.psql(fixture.database, "UPDATE gate SET ok = 1")
        // A shard changed in the bucket is not trusted: it has lost the SHA-256 Sluice uploaded it with, and its bytes
        // hash to something else than the manifest says.
        try Self.bucket(store, ["damage", bucket, "runs/\(failedRun)/items/part-00003.parquet"])

        let resumed = try fixture.run(config, ["--resume", "last"], environment: store.credentials)
        #expect(resumed.status == 0, "\(resumed.output.suffix(3000))")
        #expect(resumed.report["resumed_from"] as? String == failedRun)
        let tasks = resumed.table["tasks"] as? [[String: Any]] ?? []
        #expect(tasks.filter { $0["reused_from"] as? String == failedRun }.count == 8, "eight shards staged again from the bucket")
        #expect(tasks.filter { $0["reused_from"] == nil }.compactMap { $0["partition"] as? Int }.sorted() == [3, 9])
        #expect((resumed.table["warnings"] as? [String] ?? []).contains { $0.contains("part-00003.parquet changed since it was staged") },
                "\(resumed.table["warnings"] ?? "")")
        #expect(try fixture.rawCount() == 20_000, "every row loaded once: nothing doubled, nothing lost")
        #expect(try fixture.differences().isEmpty)
        #expect(try fixture.differences(in: .curated).isEmpty)
        // keep_shards: false: the loaded shards are deleted from the bucket, the resumed run's and the failed run's
        // reused ones; the damaged one, never staged again, stays with its run.
        let resumedRun = try #require(resumed.report["run_id"] as? String)
        #expect(try Self.bucket(store, ["list", bucket, "runs/\(resumedRun)/items/part-"]).isEmpty)
        let left = try Self.bucket(store, ["list", bucket, "runs/\(failedRun)/items/part-"]).map { $0.split(separator: " ")[0] }
        #expect(left == ["runs/\(failedRun)/items/part-00003.parquet"], "\(left)")
        #expect(Self.scratchFiles().isEmpty, "no scratch file left: \(Self.scratchFiles())")
    }

    @Test func aBucketThatDoesNotExistStopsTheRunNamingIt() throws {
        let store = try Store.named("swift")
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env)
        defer { fixture.tearDown() }
        let path = try fixture.pipeline()
        let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(
            of: "staging: {directory: \(fixture.directory)/staging}",
            with: "staging: {directory: \"s3://no-such-bucket-\(UInt32.random(in: 0...UInt32.max))/runs\", s3: {endpoint: \"\(store.endpoint)\", addressing: path}}")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let run = try fixture.run(path, environment: store.credentials)
        #expect(run.status != 0)
        #expect(run.output.contains("no-such-bucket-"), "\(run.output.suffix(2000))")
        #expect(run.output.contains("NoSuchBucket"), "\(run.output.suffix(2000))")
        #expect(((try? fixture.rawCount()) ?? 0) <= 0, "nothing loaded")
        #expect(run.report["error_code"] as? String == "s3_not_found", "the run stops before planning: \(run.report)")
    }
}
