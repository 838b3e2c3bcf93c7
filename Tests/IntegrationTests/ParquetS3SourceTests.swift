import Foundation
import Testing

/// The lake of ParquetSourceTests in a bucket: listed with ListObjectsV2, footers and column chunks read with ranged
/// GETs, against moto_server (any signature) and OpenStack Swift's s3api (SigV4 and payload hashes checked), both
/// started by scripts/services.sh.
@Suite(.serialized) struct ParquetS3SourceTests {
    /// One S3-compatible store of scripts/services.sh, with the credentials it accepts.
    struct Store: CustomStringConvertible, Sendable {
        var name: String
        var endpoint: String
        var key: String
        var secret: String
        var description: String { name }

        static func named(_ name: String) throws -> Store {
            let environment = ProcessInfo.processInfo.environment
            func need(_ variable: String) throws -> String {
                try #require(environment[variable].flatMap { $0.isEmpty ? nil : $0 },
                             "\(variable) is not set: run scripts/services.sh start and source its services.env")
            }
            switch name {
            case "moto": return Store(name: name, endpoint: try need("SLUICE_S3_MOTO_URL"), key: "test-key", secret: "test-secret")
            default:
                return Store(name: name, endpoint: try need("SLUICE_S3_SWIFT_URL"), key: try need("SLUICE_S3_SWIFT_ACCESS_KEY"),
                             secret: try need("SLUICE_S3_SWIFT_SECRET"))
            }
        }

        var credentials: [String: String] {
            ["AWS_ACCESS_KEY_ID": key, "AWS_SECRET_ACCESS_KEY": secret, "AWS_REGION": "us-east-1", "AWS_SESSION_TOKEN": ""]
        }
    }

    /// The lake written locally, uploaded to a new bucket of `store`.
    static func bucketLake(_ store: Store) throws -> (lake: ParquetSourceTests.Lake, bucket: String) {
        let lake = try ParquetSourceTests.Lake()
        let bucket = "sluice-lake-\(UInt32.random(in: 0...UInt32.max))"
        let uploaded = try Shell.execute("/usr/bin/env", ["python3", ParquetSourceTests.tool, "upload", lake.root, store.endpoint,
                                                          store.key, store.secret, bucket])
        try #require(uploaded.status == 0, "\(uploaded.stderr)")
        return (lake, bucket)
    }

    static func source(_ store: Store, bucket: String) -> String {
        "parquet: {path: \"s3://\(bucket)/lake\", rows_per_task: 1000, s3: {endpoint: \"\(store.endpoint)\", addressing: path}}"
    }

    @Test(arguments: ["moto", "swift"])
    func aLakeInABucketLoadsExactlyAsPyarrowReadsIt(store name: String) throws {
        let store = try Store.named(name)
        let (lake, bucket) = try Self.bucketLake(store)
        defer { lake.fixture.tearDown() }
        let config = try lake.pipeline()
        // The same table as the local test, its source the bucket.
        let text = try String(contentsOfFile: config, encoding: .utf8)
            .replacingOccurrences(of: "parquet: {path: \(lake.root), rows_per_task: 1000}", with: Self.source(store, bucket: bucket))
        try text.write(toFile: config, atomically: true, encoding: .utf8)
        #expect(text.contains("s3://"))
        let run = try lake.fixture.run(config, environment: store.credentials)
        #expect(run.status == 0, "\(run.output.suffix(3000))")
        #expect(run.table["rows_extracted"] as? Int == 4_700, "\(run.table)")
        #expect(try lake.fixture.rawCount("events") == 4_700)
        let compared = try lake.compare()
        #expect(compared == "OK 4700", "\(compared)")
    }

    /// The second seed's two jobs all in a bucket: the lake, the transform's staging and its results folder; then the
    /// newest results partition from the bucket into ClickHouse. The executors share no disk with the driver.
    @Test(arguments: ["moto", "swift"])
    func theSeedsTwoJobsRunThroughABucket(store name: String) throws {
        let store = try Store.named(name)
        let (lake, bucket) = try Self.bucketLake(store)
        defer { lake.fixture.tearDown() }
        let s3 = ", s3: {endpoint: \"\(store.endpoint)\", addressing: path}"
        try ParquetSourceTests.seedTwoJobs(
            lake, source: Self.source(store, bucket: bucket),
            staging: "{directory: \"s3://\(bucket)/staging\"\(s3)}",
            results: .init(path: "s3://\(bucket)/results", s3: s3, store: store, bucket: bucket),
            environment: store.credentials)
        // Only committed files are in the results folder, and the bookmarks and run records beside them.
        let results = try StagingInBucketTests.bucket(store, ["list", bucket, "results/"]).map { String($0.split(separator: " ")[0]) }
        #expect(!results.contains { $0.contains("_sluice_work") }, "\(results)")
        #expect(results.contains("results/_sluice/runs.jsonl"), "\(results)")
        #expect(results.filter { $0.hasSuffix(".parquet") }.allSatisfy { $0.hasPrefix("results/daily/date=2026-11-0") }, "\(results)")
        // Both transform runs' shards and manifests are in the bucket (kept: staging.keep_shards).
        let staged = try StagingInBucketTests.bucket(store, ["list", bucket, "staging/"]).map { $0.split(separator: " ")[0] }
        #expect(staged.filter { $0.hasSuffix("/daily/manifest.json") }.count == 2, "\(staged)")
        #expect(staged.contains { $0.hasSuffix(".parquet") }, "\(staged)")
    }

    /// The file ledger with S3's ETags: a file landing in an old day folder of the bucket is loaded once; the lake
    /// uploaded again whole (same bytes, same ETags) is not loaded again. The ledger is beside the results, in the bucket.
    @Test(arguments: ["moto", "swift"])
    func aFileInAnOldFolderOfABucketIsLoadedOnce(store name: String) throws {
        let store = try Store.named(name)
        let (lake, bucket) = try Self.bucketLake(store)
        defer { lake.fixture.tearDown() }
        let s3 = ", s3: {endpoint: \"\(store.endpoint)\", addressing: path}"
        try ParquetSourceTests.backdatedFileFlow(
            lake, source: Self.source(store, bucket: bucket),
            results: .init(path: "s3://\(bucket)/results", s3: s3, store: store, bucket: bucket), environment: store.credentials) {
            try lake.python(["backdated", lake.root])
            let uploaded = try Shell.execute("/usr/bin/env", ["python3", ParquetSourceTests.tool, "upload", lake.root, store.endpoint,
                                                              store.key, store.secret, bucket])
            try #require(uploaded.status == 0, "\(uploaded.stderr)")
        }
        let results = try StagingInBucketTests.bucket(store, ["list", bucket, "results/_sluice/"]).map { String($0.split(separator: " ")[0]) }
        #expect(results.contains("results/_sluice/files/daily.json"), "\(results)")
    }

    /// `sluice parquet schema|meta|cat s3://bucket/key`: a file in a bucket prints as the same file on disk does.
    @Test(arguments: ["moto", "swift"])
    func parquetCommandsReadAFileInABucket(store name: String) throws {
        let store = try Store.named(name)
        let (lake, bucket) = try Self.bucketLake(store)
        defer { lake.fixture.tearDown() }
        let key = "events/country=DE/date=2026-11-02/part-0.parquet"
        let s3 = ["--s3-endpoint", store.endpoint, "--s3-addressing", "path"]
        for command in [["schema"], ["meta"], ["cat", "--columns", "id,name,amount", "--limit", "200"], ["cat", "--format", "jsonl"]] {
            let local = try Shell.execute(Paths.sluice, ["parquet"] + command + [lake.root + "/" + key])
            let remote = try Shell.execute(Paths.sluice, ["parquet"] + command + ["s3://\(bucket)/lake/\(key)"] + s3, environment: store.credentials)
            #expect(remote.status == 0, "\(command): \(remote.stderr)")
            #expect(local.status == 0 && !local.stdout.isEmpty)
            #expect(remote.stdout == local.stdout.replacingOccurrences(of: lake.root + "/" + key, with: "s3://\(bucket)/lake/\(key)"),
                    "\(command) differs")
        }
        let missing = try Shell.execute(Paths.sluice, ["parquet", "cat", "s3://\(bucket)/lake/nope.parquet"] + s3, environment: store.credentials)
        #expect(missing.status == 1 && missing.stderr.contains("NotFound") && missing.stderr.contains("lake/nope.parquet"), "\(missing.stderr)")
    }

    @Test func aWrongSecretIsRefusedByTheStoreAndNamed() throws {
        let store = try Store.named("swift")
        let (lake, bucket) = try Self.bucketLake(store)
        defer { lake.fixture.tearDown() }
        let config = try lake.fixture.pipeline(table: """
              - name: events
                source: events/
                primary_key: [id]
                columns:
                  - {name: id, type: int64, nullable: false}
            """, source: Self.source(store, bucket: bucket))
        var wrong = store.credentials
        wrong["AWS_SECRET_ACCESS_KEY"] = "not-the-secret"
        let run = try lake.fixture.run(config, environment: wrong)
        #expect(run.status != 0)
        #expect(run.output.contains("SignatureDoesNotMatch"), "\(run.output.suffix(2000))")
        #expect(run.output.contains(bucket), "\(run.output.suffix(2000))")
        #expect(!run.output.contains("not-the-secret"))
        #expect(try lake.fixture.clickhouse("EXISTS TABLE \(lake.fixture.clean).events").trimmed != "1"
                || lake.fixture.rawCount("events") == 0)
    }
}
