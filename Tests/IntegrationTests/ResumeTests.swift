import Foundation
import Testing

/// `sluice run --resume`: a run that failed after staging most of its partitions is finished by a run that reads
/// only the rest, and the destination ends exactly as the source — also when rows changed in between.
@Suite(.serialized) struct ResumeTests {
    /// Ten partitions of 2,000 rows; the last one fails (division by zero) while a gate says so, after a pause long
    /// enough for the nine others to stage.
    static let partitions: String = {
        var predicates = (0..<9).map { "id > \($0 * 2_000) AND id <= \(($0 + 1) * 2_000)" }
        predicates.append("id > 18000 AND (SELECT pg_sleep(3)) IS NOT NULL AND 1 / (SELECT ok FROM gate) = 1")
        return "{strategy: predicates, predicates: [" + predicates.map { "\"\($0)\"" }.joined(separator: ", ") + "]}"
    }()

    @Test func aBackfillThatFailedAtNinetyPercentCostsTenPercentToFinish() async throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env, rows: 20_000)
        defer { fixture.tearDown() }
        try env.psql(fixture.database, "CREATE TABLE gate (ok int); INSERT INTO gate VALUES (0)")
        let config = try fixture.pipeline(partition: Self.partitions)

        // The first run stages nine partitions, then the tenth fails it: nothing is loaded, the bookmark stays.
        let failed = try fixture.run(config)
        #expect(failed.status == 1, "\(failed.output.suffix(2000))")
        let failedRun = try #require(failed.report["run_id"] as? String)
        #expect(try fixture.rawCount() == 0, "the failed run loaded nothing (read without FINAL)")
        #expect(try env.clickhouse("SELECT count() FROM \(fixture.metadata).cdc_state").trimmed == "0")
        let manifestPath = "\(fixture.directory)/staging/\(failedRun)/items/manifest.json"
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: manifestPath))) as? [String: Any])
        #expect(manifest["status"] as? String == "failed")
        let recorded = manifest["shards"] as? [[String: Any]] ?? []
        #expect(recorded.count == 9, "the manifest lists the nine staged partitions: \(recorded.map { $0["partition"] ?? "?" })")
        for task in recorded {
            for shard in task["shards"] as? [[String: Any]] ?? [] {
                let file = try #require(shard["file"] as? String)
                #expect(FileManager.default.fileExists(atPath: file), "a failed table keeps its shards for a resume")
                #expect((shard["sha256"] as? String)?.count == 64)
            }
        }
        try env.clickhouse("SYSTEM STOP MERGES \(fixture.clean).items")

        // Between the runs: the gate opens, and a row of an already staged partition changes to a cursor value past
        // what the first run's snapshot held there but below what the resumed partition reads now (05:20 is id
        // 19,200's second). The resumed run does not see it (that partition is not read again); its bookmark must
        // stay low enough for the next run to find it.
        try env.psql(fixture.database, """
            UPDATE gate SET ok = 1;
            UPDATE items SET name = 'changed after the failed run', updated_at = timestamptz '2024-01-01 05:20:00+00' WHERE id = 5;
            """)
        let resumed = try fixture.run(config, ["--resume", failedRun])
        #expect(resumed.status == 0, "\(resumed.output.suffix(3000))")
        #expect(resumed.report["resumed_from"] as? String == failedRun)
        let tasks = resumed.table["tasks"] as? [[String: Any]] ?? []
        #expect(tasks.filter { $0["reused_from"] as? String == failedRun }.count == 9, "nine partitions staged from the shards")
        #expect(tasks.filter { $0["reused_from"] == nil }.map { $0["partition"] as? Int } == [9], "only the failed partition is read")
        #expect(resumed.table["rows_loaded"] as? Int == 20_000)
        #expect(try fixture.rawCount() == 20_000, "every row loaded once: nothing doubled, nothing lost")
        // Exactly the row that changed after the first run's snapshot differs (its old version is loaded) ...
        let differences = try fixture.differences()
        #expect(differences.count == 1 && differences.first?.hasPrefix("PostgreSQL 5\t") == true, "\(differences)")
        #expect(try fixture.differences(in: .curated).count == 1)
        // ... and the bookmark stayed at the staged partitions' largest cursor (id 18,000's second, 05:00:00).
        let bookmark = try fixture.bookmark()
        #expect(bookmark.hasPrefix("2024-01-01 05:00:00"), "bookmark \(bookmark)")
        #expect(FileManager.default.fileExists(atPath: recorded.first.flatMap { ($0["shards"] as? [[String: Any]])?.first?["file"] as? String } ?? "/"),
                "shards stay by default (staging.keep_shards)")

        // The next run reads past that bookmark and finds the change: the destination equals the source.
        let next = try fixture.run(config)
        #expect(next.status == 0, "\(next.output.suffix(3000))")
        // It re-read what lies past the capped bookmark once: ids 18,001-20,000 and the changed row 5.
        #expect(try fixture.rawCount() == 20_000 + 2_001, "the next run loaded each re-read row once (read without FINAL)")
        #expect(try fixture.differences().isEmpty)
        #expect(try fixture.differences(in: .curated).isEmpty)
    }

    @Test func resumeLastFindsTheFailedRunAndAResumedRunEqualsACleanOne() async throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env, rows: 20_000)
        defer { fixture.tearDown() }
        try env.psql(fixture.database, "CREATE TABLE gate (ok int); INSERT INTO gate VALUES (0)")
        let path = try fixture.pipeline(partition: Self.partitions)
        let config = fixture.directory + "/without-shards.yaml"
        try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "staging: {directory: \(fixture.directory)/staging}",
                                                                               with: "staging: {directory: \(fixture.directory)/staging, keep_shards: false}")
            .write(toFile: config, atomically: true, encoding: .utf8)
        #expect(try fixture.run(config).status == 1)
        try env.clickhouse("SYSTEM STOP MERGES \(fixture.clean).items")
        try env.psql(fixture.database, "UPDATE gate SET ok = 1")

        // A damaged shard is not trusted: its partition is read again.
        let staging = "\(fixture.directory)/staging"
        let failedRun = try #require(try FileManager.default.contentsOfDirectory(atPath: staging).first)
        let shard = "\(staging)/\(failedRun)/items/part-00003.parquet"
        let handle = try #require(FileHandle(forUpdatingAtPath: shard))
        try handle.seek(toOffset: 100)
        try handle.write(contentsOf: Data([0xFF, 0x00, 0xFF]))
        try handle.close()

        let resumed = try fixture.run(config, ["--resume", "last"])
        #expect(resumed.status == 0, "\(resumed.output.suffix(3000))")
        #expect(resumed.report["resumed_from"] as? String == failedRun)
        let tasks = resumed.table["tasks"] as? [[String: Any]] ?? []
        #expect(tasks.filter { $0["reused_from"] == nil }.compactMap { $0["partition"] as? Int }.sorted() == [3, 9])
        #expect((resumed.table["warnings"] as? [String] ?? []).contains { $0.contains("part-00003.parquet changed since it was staged") },
                "\(resumed.table["warnings"] ?? "")")
        #expect(try fixture.rawCount() == 20_000)
        #expect(try fixture.differences().isEmpty)
        #expect(try fixture.differences(in: .curated).isEmpty)
        // Checksums of every column, as a clean run leaves them.
        let source = try env.psql(fixture.database, """
            SELECT count(*), sum(id), sum(length(name)), sum(born - date '1970-01-01'), sum(extract(epoch FROM updated_at)::bigint) FROM items
            """).trimmed.replacingOccurrences(of: "|", with: "\t")
        let curated = try env.clickhouse("""
            SELECT count(), sum(id), sum(length(name)), sum(toUInt16(born)), sum(toUnixTimestamp(updated_at)) FROM \(fixture.curated).items FORMAT TabSeparated
            """).trimmed
        #expect(source == curated)
        let shards = try FileManager.default.subpathsOfDirectory(atPath: staging).filter { $0.hasSuffix(".parquet") && !$0.contains("quarantine") }
        #expect(shards == ["\(failedRun)/items/part-00003.parquet"],
                "with keep_shards: false the loaded shards go (the damaged one, never staged again, stays with its run): \(shards)")

        // With nothing left unloaded, `--resume last` is an ordinary run.
        let again = try fixture.run(config, ["--resume", "last"])
        #expect(again.status == 0)
        #expect(again.report["resumed_from"] == nil)
    }
}
