import Foundation
import Testing

/// The whole path for real: `sluice run --local 2` (a driver and two executor processes) moves the
/// quickstart's `orders` table from PostgreSQL through Parquet shards into ClickHouse 18.16; then the
/// destination is compared with the source row by row, every shard is read back by pyarrow, and an
/// incremental run after updating 10 rows is checked to move exactly those rows.
@Suite(.serialized) struct EndToEndTests {
    static let rowCount = 100_000

    /// One row per line, columns tab-separated, in a canonical text form both databases can produce.
    /// PostgreSQL's side applies the expected preliminary filter itself: dates and timestamps outside
    /// ClickHouse's range become NULL (`\N`), timestamps are cut to whole seconds with the microseconds
    /// in the companion column.
    static let postgresCanonical = """
        SET timezone = 'UTC';
        COPY (SELECT id, customer_id, status, sku, quantity, total, discount::float8, weight, is_gift::int, note,
          CASE WHEN order_date BETWEEN '1970-01-01' AND '2105-12-31' THEN order_date::text END,
          CASE WHEN created_at >= '1970-01-01' AND created_at < '2106-01-01' THEN to_char(created_at, 'YYYY-MM-DD HH24:MI:SS') END,
          CASE WHEN created_at >= '1970-01-01' AND created_at < '2106-01-01' THEN (extract(microseconds FROM created_at)::bigint % 1000000)::text END,
          CASE WHEN shipped_at >= '1970-01-01' AND shipped_at < '2106-01-01' THEN to_char(shipped_at, 'YYYY-MM-DD HH24:MI:SS') END,
          to_char(updated_at, 'YYYY-MM-DD HH24:MI:SS')
          FROM public.orders WHERE status <> 'test' ORDER BY id) TO STDOUT
        """

    static func clickhouseCanonical(_ clean: String) -> String { """
        SELECT id, customer_id, status, sku, quantity, total, toFloat64(discount), weight_kg, is_gift, note,
          \(epochAsText("order_date", "1970-01-01")), \(epochAsText("created_at", "1970-01-01 00:00:00")), created_at_us,
          \(epochAsText("shipped_at", "1970-01-01 00:00:00")), \(epochAsText("updated_at", "1970-01-01 00:00:00"))
        FROM \(clean).orders FINAL ORDER BY id FORMAT TabSeparated
        """ }

    /// ClickHouse 18.16 prints day 0 (1970-01-01) and second 0 as `0000-00-00...`; the stored value is right.
    static func epochAsText(_ column: String, _ epoch: String) -> String {
        "if(toUInt32(\(column)) = 0, '\(epoch)', toString(\(column)))"
    }

    /// Columns compared as floating-point numbers rather than text (the two databases print them differently).
    static let floatColumns: Set<Int> = [6, 7]
    static let columnNames = ["id", "customer_id", "status", "sku", "quantity", "total", "discount", "weight", "is_gift",
                              "note", "order_date", "created_at", "created_at_us", "shipped_at", "updated_at"]

    @Test func quickstartPipelineMovesEveryRowExactly() throws {
        let env = try TestEnvironment.load()
        let database = try env.createDatabase(prefix: "e2e")
        defer { env.dropDatabase(database) }
        let staging = NSTemporaryDirectory() + "sluice-e2e-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: staging) }
        // Private ClickHouse databases for the clean layer and the bookmarks.
        let suffix = UInt32.random(in: 0...UInt32.max)
        let clean = "e2e_clean_\(suffix)", metadata = "e2e_meta_\(suffix)"
        defer {
            _ = try? env.clickhouse("DROP DATABASE IF EXISTS \(clean)")
            _ = try? env.clickhouse("DROP DATABASE IF EXISTS \(metadata)")
        }
        let run = { try self.runSluice(env: env, database: database, staging: staging, clean: clean, metadata: metadata) }

        try env.psql(database, "", variables: ["rows": "\(Self.rowCount)"],
                     file: Paths.repository.appendingPathComponent("examples/quickstart/seed.sql").path)
        let sourceRows = try env.psql(database, "SELECT count(*) FROM public.orders WHERE status <> 'test'")
            .trimmingCharacters(in: .whitespacesAndNewlines)

        // First run: a backfill.
        let first = try run()
        #expect(first.status == 0, "sluice run failed:\n\(first.stderr.suffix(3000))")
        let report = try Report(path: first.reportPath)
        #expect(report.table("orders")?.mode == "backfill")
        #expect(report.table("orders")?.rowsExtracted == Int(sourceRows))
        #expect(try env.clickhouse("SELECT count() FROM \(clean).orders FINAL").trimmed == sourceRows)

        // Row by row, column by column.
        let expected = try env.psql(database, Self.postgresCanonical)
        let actual = try env.clickhouse(Self.clickhouseCanonical(clean))
        try compareRows(expected: expected, actual: actual)

        // Exactly the out-of-range values became NULL, and the report counted them.
        let outOfRange = try env.psql(database, """
            SELECT count(*) FILTER (WHERE order_date NOT BETWEEN '1970-01-01' AND '2105-12-31'),
                   count(*) FILTER (WHERE created_at < '1970-01-01' OR created_at >= '2106-01-01'),
                   count(*) FILTER (WHERE shipped_at < '1970-01-01' OR shipped_at >= '2106-01-01')
            FROM public.orders WHERE status <> 'test'
            """).trimmed.split(separator: "|").map { Int($0)! }
        #expect(outOfRange.allSatisfy { $0 > 0 })
        #expect(report.table("orders")?.nulled["order_date"] ?? 0 == outOfRange[0])
        #expect(report.table("orders")?.nulled["created_at"] ?? 0 == outOfRange[1])
        #expect(report.table("orders")?.nulled["shipped_at"] ?? 0 == outOfRange[2])

        // Every shard reads back in pyarrow with the source's values, microseconds included.
        try checkShardsWithPyArrow(env: env, database: database, staging: staging)

        // The bookmark is the largest cursor value extracted, at full precision.
        let maxCursor = try env.psql(database, """
            SET timezone='UTC'; SELECT to_char(max(updated_at), 'YYYY-MM-DD HH24:MI:SS.US') || 'Z' FROM public.orders WHERE status <> 'test'
            """).trimmed
        let bookmark = try env.clickhouse("""
            SELECT argMax(last_extracted_value, version), argMax(backfill, version) FROM \(metadata).cdc_state
            WHERE table_name = 'orders' FORMAT TabSeparated
            """).trimmed
        #expect(bookmark == "\(maxCursor)\t0")

        // Second run: after 10 rows change, an incremental run extracts exactly those 10.
        try env.psql(database, """
            UPDATE public.orders SET total = total + 1, note = 'changed ' || id, updated_at = '2030-01-01 00:00:00.123456+00'
            WHERE id IN (SELECT id FROM public.orders WHERE status <> 'test' ORDER BY id LIMIT 10)
            """)
        let second = try run()
        #expect(second.status == 0, "second run failed:\n\(second.stderr.suffix(3000))")
        let secondReport = try Report(path: second.reportPath)
        #expect(secondReport.table("orders")?.mode == "incremental")
        #expect(secondReport.table("orders")?.rowsExtracted == 10)
        #expect(try env.clickhouse("SELECT count() FROM \(clean).orders FINAL").trimmed == sourceRows)
        try compareRows(expected: try env.psql(database, Self.postgresCanonical),
                        actual: try env.clickhouse(Self.clickhouseCanonical(clean)))
        let newBookmark = try env.clickhouse("""
            SELECT argMax(last_extracted_value, version) FROM \(metadata).cdc_state WHERE table_name = 'orders' FORMAT TabSeparated
            """).trimmed
        #expect(newBookmark == "2030-01-01 00:00:00.123456Z")

        // A third run with nothing new extracts nothing and keeps the bookmark.
        let third = try run()
        #expect(third.status == 0)
        #expect(try Report(path: third.reportPath).table("orders")?.rowsExtracted == 0)
        print("end-to-end: \(sourceRows) rows; backfill \(first.seconds)s, incremental \(second.seconds)s, empty \(third.seconds)s")
    }

    struct RunOutcome {
        var status: Int32
        var stderr: String
        var reportPath: String
        var seconds: Double
    }

    func runSluice(env: TestEnvironment, database: String, staging: String, clean: String,
                   metadata: String) throws -> RunOutcome {
        let reportPath = staging + "-report-\(UUID().uuidString).json"
        let config = Paths.repository.appendingPathComponent("examples/quickstart/pipeline.yaml").path
        let result = try Shell.execute(Paths.sluice, ["run", "--config", config, "--local", "2", "--report", reportPath],
                                       environment: ["PGDATABASE": database, "SLUICE_STAGING": staging,
                                                     "SLUICE_CLEAN_DATABASE": clean, "SLUICE_METADATA_DATABASE": metadata])
        return RunOutcome(status: result.status, stderr: result.stderr, reportPath: reportPath, seconds: result.seconds)
    }

    func compareRows(expected: String, actual: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let expectedRows = expected.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        let actualRows = actual.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(expectedRows.count == actualRows.count, "row counts differ", sourceLocation: sourceLocation)
        var mismatches: [String] = []
        for (expectedRow, actualRow) in zip(expectedRows, actualRows) {
            let e = expectedRow.split(separator: "\t", omittingEmptySubsequences: false).map { TSV.unescape($0) }
            let a = actualRow.split(separator: "\t", omittingEmptySubsequences: false).map { TSV.unescape($0) }
            guard e.count == a.count else {
                mismatches.append("id \(e.first ?? "?"): \(e.count) vs \(a.count) columns")
                continue
            }
            for column in e.indices where !Self.same(e[column], a[column], float: Self.floatColumns.contains(column)) {
                mismatches.append("id \(e[0]) column \(Self.columnNames[column]): PostgreSQL \(e[column] ?? "NULL") ClickHouse \(a[column] ?? "NULL")")
            }
            if mismatches.count > 20 { break }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(20).joined(separator: "\n"))", sourceLocation: sourceLocation)
    }

    static func same(_ a: String?, _ b: String?, float: Bool) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        if float, let x = Double(a), let y = Double(b) { return x == y }
        return a == b
    }

    func checkShardsWithPyArrow(env: TestEnvironment, database: String, staging: String) throws {
        let script = """
        import sys, glob, pyarrow.parquet as pq, pyarrow as pa
        files = sorted(glob.glob(sys.argv[1] + '/**/*.parquet', recursive=True))
        assert files, 'no shards under ' + sys.argv[1]
        table = pa.concat_tables([pq.read_table(f) for f in files]).sort_by('id')
        def fmt(v, t):
            if v is None: return '\\\\N'
            if pa.types.is_timestamp(t): return v.strftime('%Y-%m-%d %H:%M:%S.%f')
            if pa.types.is_boolean(t): return '1' if v else '0'
            if pa.types.is_floating(t): return repr(float(v))
            s = str(v)
            return s.replace('\\\\', '\\\\\\\\').replace('\\t', '\\\\t').replace('\\n', '\\\\n')
        cols = [table.column(n) for n in table.column_names]
        types = [c.type for c in cols]
        out = sys.stdout
        for i in range(table.num_rows):
            out.write('\\t'.join(fmt(c[i].as_py(), t) for c, t in zip(cols, types)) + '\\n')
        print(len(files), file=sys.stderr)
        """
        let shardRows = try Shell.run("python3", ["-c", script, staging])
        let expected = try env.psql(database, """
            SET timezone = 'UTC';
            COPY (SELECT id, customer_id, status, sku, quantity, total, discount::float8, weight, is_gift::int, note,
              CASE WHEN order_date BETWEEN '1970-01-01' AND '2105-12-31' THEN order_date::text END,
              CASE WHEN created_at >= '1970-01-01' AND created_at < '2106-01-01' THEN to_char(created_at, 'YYYY-MM-DD HH24:MI:SS.US') END,
              CASE WHEN shipped_at >= '1970-01-01' AND shipped_at < '2106-01-01' THEN to_char(shipped_at, 'YYYY-MM-DD HH24:MI:SS.US') END,
              to_char(updated_at, 'YYYY-MM-DD HH24:MI:SS.US')
              FROM public.orders WHERE status <> 'test' ORDER BY id) TO STDOUT
            """)
        let expectedRows = expected.split(separator: "\n")
        let actualRows = shardRows.split(separator: "\n")
        #expect(expectedRows.count == actualRows.count, "pyarrow read \(actualRows.count) rows from the shards")
        var mismatches: [String] = []
        for (e, a) in zip(expectedRows, actualRows) {
            let ev = e.split(separator: "\t", omittingEmptySubsequences: false).map { TSV.unescape($0) }
            let av = a.split(separator: "\t", omittingEmptySubsequences: false).map { TSV.unescape($0) }
            for column in ev.indices where column < av.count && !Self.same(ev[column], av[column], float: column == 6 || column == 7) {
                mismatches.append("shard row id \(ev[0] ?? "?") column \(column): PostgreSQL \(ev[column] ?? "NULL") pyarrow \(av[column] ?? "NULL")")
            }
            if mismatches.count > 20 { break }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(20).joined(separator: "\n"))")
    }
}

/// Text of a tab-separated value as PostgreSQL's COPY and ClickHouse's TabSeparated write it.
enum TSV {
    /// nil for `\N`; backslash escapes resolved.
    static func unescape(_ field: Substring) -> String? {
        if field == "\\N" { return nil }
        guard field.contains("\\") else { return String(field) }
        var out = ""
        var iterator = field.makeIterator()
        while let c = iterator.next() {
            guard c == "\\", let next = iterator.next() else { out.append(c); continue }
            switch next {
            case "t": out.append("\t")
            case "n": out.append("\n")
            case "r": out.append("\r")
            case "b": out.append("\u{8}")
            case "f": out.append("\u{c}")
            case "0": out.append("\0")
            default: out.append(next)
            }
        }
        return out
    }
}

/// The JSON run report `sluice run --report FILE` writes.
struct Report {
    struct Table {
        var mode: String
        var rowsExtracted: Int
        var nulled: [String: Int]
    }
    var tables: [String: Table]

    init(path: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let json = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        var tables: [String: Table] = [:]
        for entry in json["tables"] as? [[String: Any]] ?? [] {
            guard let name = entry["table"] as? String else { continue }
            tables[name] = Table(mode: entry["mode"] as? String ?? "", rowsExtracted: entry["rows_extracted"] as? Int ?? -1,
                                 nulled: entry["nulled_values"] as? [String: Int] ?? [:])
        }
        self.tables = tables
    }

    func table(_ name: String) -> Table? { tables[name] }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
