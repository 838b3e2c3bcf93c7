import Foundation
import Testing

/// The executor's memory budget, held to account with real processes and servers: 200,000 rows of wide texts (three
/// columns of 0.1-4 KiB, one with a 0.5-1.5 MiB value every 2,000 rows; about 1 GB in all, barely compressible) go
/// through `sluice run --local 1` with the default budget (512 MiB). The executor's peak resident memory must stay
/// under 256 MiB, as it says itself (`executor.memory`) and as `/proc` shows while it runs, and ClickHouse must hold
/// exactly PostgreSQL's rows (count and a hash of every value).
@Suite(.serialized) struct MemoryBudgetTests {
    static let rows = 200_000
    static let limitMiB = 256

    @Test(.timeLimit(.minutes(30)))
    func wideRowsStayWithinTheBudgetAndArriveExactly() async throws {
        let env = try TestEnvironment.load()
        let database = try env.createDatabase(prefix: "membudget")
        let suffix = UInt32.random(in: 0...UInt32.max)
        let clean = "membudget_clean_\(suffix)", metadata = "membudget_meta_\(suffix)", curated = "membudget_cur_\(suffix)"
        let directory = NSTemporaryDirectory() + "sluice-membudget-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer {
            env.dropDatabase(database)
            for name in [clean, metadata, curated] { _ = try? env.clickhouse("DROP DATABASE IF EXISTS \(name)") }
            try? FileManager.default.removeItem(atPath: directory)
        }
        try env.psql(database, Self.seed)
        let config = directory + "/pipeline.yaml"
        try Self.pipeline(database: database, clean: clean, metadata: metadata, curated: curated, staging: directory + "/staging")
            .write(toFile: config, atomically: true, encoding: .utf8)

        let run = try Child(Paths.sluice, ["run", "--config", config, "--local", "1", "--log-level", "info"])
        var sampledPeakKiB = 0
        while run.process.isRunning {
            for child in Self.children(of: run.process.processIdentifier) {
                sampledPeakKiB = max(sampledPeakKiB, Self.peakKiB(of: child) ?? 0)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        let status = await run.wait(seconds: 5)
        let output = run.text
        #expect(status == 0, "\(output.suffix(3000))")

        // The executor's own account, read from /proc/self/status after the run, misses no peak between samples.
        let reported = try #require(Self.reportedPeakMiB(in: output), "the executor logs executor.memory: \(output.suffix(2000))")
        #expect(reported < Self.limitMiB, "the executor's peak RSS was \(reported) MiB")
        #expect(sampledPeakKiB > 0, "the executor was seen running")
        #expect(sampledPeakKiB >> 10 < Self.limitMiB, "the executor's VmHWM was \(sampledPeakKiB >> 10) MiB")
        #expect(sampledPeakKiB >> 10 <= reported, "the executor's own figure includes every sample")

        let source = try env.psql(database, """
            SELECT count(*) || ' ' || sum(('x' || substr(h, 1, 8))::bit(32)::bigint) || ' ' || sum(('x' || substr(h, 25, 8))::bit(32)::bigint)
            FROM (SELECT md5(id::text || '|' || coalesce(a, '~') || '|' || coalesce(b, '~') || '|' || coalesce(c, '~') || '|'
                             || coalesce(d, '~')) AS h FROM wide) t
            """).trimmingCharacters(in: .whitespacesAndNewlines)
        let hash = "MD5(concat(toString(id), '|', ifNull(a, '~'), '|', ifNull(b, '~'), '|', ifNull(c, '~'), '|', ifNull(d, '~')))"
        let sink = try env.clickhouse("""
            SELECT concat(toString(count()), ' ', toString(sum(reinterpretAsUInt32(reverse(unhex(substring(hex(\(hash)), 1, 8)))))),
                          ' ', toString(sum(reinterpretAsUInt32(reverse(unhex(substring(hex(\(hash)), 25, 8)))))))
            FROM \(curated).wide FORMAT TabSeparated
            """).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(source.hasPrefix("\(Self.rows) "), "PostgreSQL: \(source)")
        #expect(sink == source, "ClickHouse's curated rows hash to \(sink), PostgreSQL's to \(source)")
        let raw = try env.clickhouse("SELECT count() FROM \(clean).wide").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(raw == "\(Self.rows)", "the clean layer holds each row once")
    }

    /// 8,192 distinct 1 KiB pieces of hex text; rows concatenate pieces, so that neighbours do not repeat within
    /// snappy's window and the shards stay nearly as large as the text.
    static let seed = """
        CREATE TEMP TABLE piece AS
          SELECT p AS i, (SELECT string_agg(md5(p::text || ':' || k), '') FROM generate_series(1, 32) k) AS s
          FROM generate_series(0, 8191) p;
        CREATE TABLE wide (id bigint PRIMARY KEY, a text, b text, c text, d text, updated_at timestamptz NOT NULL);
        INSERT INTO wide
        SELECT g,
               g || ':' || left(p1.s || p2.s || p3.s || p4.s, 1024 + (g * 37) % 3072),
               left(p2.s || p3.s, 1024 + (g * 53) % 1024),
               CASE WHEN g % 10 = 0 THEN NULL ELSE left(p4.s, 100 + (g * 11) % 924) END,
               CASE WHEN g % 2000 = 0 THEN repeat(p1.s || p3.s, 256 + (g / 2000) * 5 % 512) ELSE left(p3.s, (g * 7) % 256) END,
               timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second'
        FROM generate_series(1, \(rows)) g
        JOIN piece p1 ON p1.i = g % 8192
        JOIN piece p2 ON p2.i = (g * 7 + 1) % 8192
        JOIN piece p3 ON p3.i = (g * 13 + 2) % 8192
        JOIN piece p4 ON p4.i = (g * 29 + 3) % 8192;
        """

    static func pipeline(database: String, clean: String, metadata: String, curated: String, staging: String) -> String {
        """
        pipeline: membudget-test
        source:
          postgres: {host: "${PGHOST}", port: "${PGPORT}", database: \(database), user: "${PGUSER}", password: "${PGPASSWORD}"}
        sink:
          clickhouse: {url: "${SLUICE_CLICKHOUSE_URL}", user: "${SLUICE_CLICKHOUSE_USER}", password: "${SLUICE_CH_PASSWORD}",
                       database: \(clean), metadata_database: \(metadata), curated_database: \(curated)}
        staging: {directory: \(staging), keep_shards: false}
        tables:
          - name: wide
            primary_key: [id]
            cursor: updated_at
            lag: 0
            partition: {column: id, count: 4}
            columns:
              - {name: id, type: int64, nullable: false}
              - {name: a, type: string}
              - {name: b, type: string}
              - {name: c, type: string}
              - {name: d, type: string}
              - {name: updated_at, type: timestamptz, nullable: false}
        """
    }

    /// The process ids whose parent is `parent`.
    static func children(of parent: Int32) -> [Int32] {
        let listing = (try? Shell.run("pgrep", ["-P", "\(parent)"], allowFailure: true)) ?? ""
        return listing.split(separator: "\n").compactMap { Int32($0) }
    }

    /// `VmHWM` of `pid` in KiB, while it runs.
    static func peakKiB(of pid: Int32) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return line.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }.first
        }
        return nil
    }

    /// The executor's `executor.memory` log line's peak (JSON logs: `"sluice.memory.peak_rss_mib":"153"`).
    static func reportedPeakMiB(in output: String) -> Int? {
        guard let range = output.range(of: "\"sluice.memory.peak_rss_mib\":\"") else { return nil }
        return Int(output[range.upperBound...].prefix { $0.isNumber })
    }
}
