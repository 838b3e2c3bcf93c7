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
    /// in the companion column. The other types follow (``postgresOtherTypes``).
    static let postgresCanonical = """
        SET timezone = 'UTC'; SET intervalstyle = iso_8601;
        COPY (SELECT id, customer_id, status, sku, quantity, total, discount::float8, weight, is_gift::int, note,
          CASE WHEN order_date BETWEEN '1970-01-01' AND '2105-12-31' THEN order_date::text END,
          CASE WHEN created_at >= '1970-01-01' AND created_at < '2106-01-01' THEN to_char(created_at, 'YYYY-MM-DD HH24:MI:SS') END,
          CASE WHEN created_at >= '1970-01-01' AND created_at < '2106-01-01' THEN (extract(microseconds FROM created_at)::bigint % 1000000)::text END,
          CASE WHEN shipped_at >= '1970-01-01' AND shipped_at < '2106-01-01' THEN to_char(shipped_at, 'YYYY-MM-DD HH24:MI:SS') END,
          to_char(updated_at, 'YYYY-MM-DD HH24:MI:SS'),
          \(postgresOtherTypes)
          FROM public.orders WHERE status <> 'test' ORDER BY id) TO STDOUT
        """

    /// The seed's uuid, json, jsonb, bytea, array, time, interval, inet and cidr columns as the text Sluice must
    /// load, computed by PostgreSQL itself. Plain columns print through their type's output function in COPY:
    /// the uuid's canonical form, json's text as stored, jsonb's normalised text, intervals in ISO 8601 (the
    /// query runs with `IntervalStyle = iso_8601`), inet and cidr as PostgreSQL prints them (not `::text`, which
    /// would add `/32` to every inet). Then the bytes in lower-case hex, arrays as `array_to_json` writes them
    /// (nested for more dimensions, lower bounds dropped, `null` elements, numeric `NaN`/`Infinity` as strings),
    /// times as `HH:MM:SS.ffffff` (`24:00:00.000000` included). The same text serves ClickHouse and pyarrow.
    static let postgresOtherTypes = """
        ext_id, payload, attrs, encode(blob, 'hex'),
          array_to_json(tags), array_to_json(scores), array_to_json(grid),
          to_char(local_time, 'HH24:MI:SS.US'), duration, client_ip, network
        """

    /// The canonical text of ClickHouse's `orders` in `database`: the clean layer folded with `FINAL`, or (with
    /// `final: false`) the curated layer as it is.
    static func clickhouseCanonical(_ database: String, final: Bool = true) -> String { """
        SELECT id, customer_id, status, sku, quantity, total, toFloat64(discount), weight_kg, is_gift, note,
          \(epochAsText("order_date", "1970-01-01")), \(epochAsText("created_at", "1970-01-01 00:00:00")), created_at_us,
          \(epochAsText("shipped_at", "1970-01-01 00:00:00")), \(epochAsText("updated_at", "1970-01-01 00:00:00")),
          ext_id, payload, attrs, lower(hex(blob)), tags, scores, grid, local_time, duration, client_ip, network
        FROM \(database).orders\(final ? " FINAL" : "") ORDER BY id FORMAT TabSeparated
        """ }

    /// ClickHouse 18.16 prints day 0 (1970-01-01) and second 0 as `0000-00-00...`; the stored value is right.
    static func epochAsText(_ column: String, _ epoch: String) -> String {
        "if(toUInt32(\(column)) = 0, '\(epoch)', toString(\(column)))"
    }

    /// Columns compared as floating-point numbers rather than text (the two databases print them differently).
    static let floatColumns: Set<Int> = [6, 7]
    static let columnNames = ["id", "customer_id", "status", "sku", "quantity", "total", "discount", "weight", "is_gift",
                              "note", "order_date", "created_at", "created_at_us", "shipped_at", "updated_at",
                              "ext_id", "payload", "attrs", "blob", "tags", "scores", "grid", "local_time", "duration",
                              "client_ip", "network"]
    /// The shards' columns (target names): no companion `created_at_us`, since their timestamps keep microseconds.
    static let shardColumnNames = columnNames.filter { $0 != "created_at_us" }.map { $0 == "weight" ? "weight_kg" : $0 }

    @Test func quickstartPipelineMovesEveryRowExactly() throws {
        let env = try TestEnvironment.load()
        let database = try env.createDatabase(prefix: "e2e")
        defer { env.dropDatabase(database) }
        let staging = NSTemporaryDirectory() + "sluice-e2e-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: staging) }
        // Private ClickHouse databases for the clean layer and the bookmarks.
        let suffix = UInt32.random(in: 0...UInt32.max)
        let clean = "e2e_clean_\(suffix)", metadata = "e2e_meta_\(suffix)", curated = "e2e_cur_\(suffix)"
        defer {
            for name in [clean, metadata, curated] { _ = try? env.clickhouse("DROP DATABASE IF EXISTS \(name)") }
        }
        let run = { try self.runSluice(env: env, database: database, staging: staging, clean: clean, metadata: metadata,
                                       curated: curated) }

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
        // From here on no merge may fold rows together, so the table's raw row count (no FINAL) must equal the rows
        // the runs say they loaded: a row loaded twice shows up (see ExactnessTests for a planted one).
        try env.clickhouse("SYSTEM STOP MERGES \(clean).orders")
        var loaded = report.table("orders")?.rowsLoaded ?? -1
        #expect(try rawCount(env, clean) == loaded)

        // Row by row, column by column.
        let expected = try env.psql(database, Self.postgresCanonical)
        let actual = try env.clickhouse(Self.clickhouseCanonical(clean))
        try compareRows(expected: expected, actual: actual)
        // The curated layer holds the same rows, one per key, read without FINAL.
        try compareRows(expected: expected, actual: try env.clickhouse(Self.clickhouseCanonical(curated, final: false)))

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

        // Second run: after 10 rows change, an incremental run extracts those 10, plus the rows of the last five
        // minutes before the bookmark, which the default lag reads again (versioned: they replace themselves).
        try env.psql(database, """
            UPDATE public.orders SET total = total + 1, note = 'changed ' || id, updated_at = '2030-01-01 00:00:00.123456+00'
            WHERE id IN (SELECT id FROM public.orders WHERE status <> 'test' ORDER BY id LIMIT 10)
            """)
        let window = Int(try env.psql(database, """
            SELECT count(*) FROM public.orders WHERE status <> 'test' AND updated_at > '\(maxCursor)'::timestamptz - interval '5 minutes'
            """).trimmed) ?? -1
        #expect(window > 10 && window < 100)
        let second = try run()
        #expect(second.status == 0, "second run failed:\n\(second.stderr.suffix(3000))")
        let secondReport = try Report(path: second.reportPath)
        #expect(secondReport.table("orders")?.mode == "incremental")
        #expect(secondReport.table("orders")?.rowsExtracted == window)
        #expect(try env.clickhouse("SELECT count() FROM \(clean).orders FINAL").trimmed == sourceRows)
        loaded += secondReport.table("orders")?.rowsLoaded ?? -1
        #expect(try rawCount(env, clean) == loaded)
        try compareRows(expected: try env.psql(database, Self.postgresCanonical),
                        actual: try env.clickhouse(Self.clickhouseCanonical(clean)))
        let newBookmark = try env.clickhouse("""
            SELECT argMax(last_extracted_value, version) FROM \(metadata).cdc_state WHERE table_name = 'orders' FORMAT TabSeparated
            """).trimmed
        #expect(newBookmark == "2030-01-01 00:00:00.123456Z")

        // A third run with nothing new reads only the lag's overlap (the 10 changed rows) and keeps the bookmark.
        let third = try run()
        #expect(third.status == 0)
        let thirdReport = try Report(path: third.reportPath)
        #expect(thirdReport.table("orders")?.rowsExtracted == 10)
        #expect(thirdReport.table("orders")?.bookmarkAfter == "2030-01-01 00:00:00.123456Z")
        loaded += thirdReport.table("orders")?.rowsLoaded ?? -1
        #expect(try rawCount(env, clean) == loaded)
        try compareRows(expected: try env.psql(database, Self.postgresCanonical),
                        actual: try env.clickhouse(Self.clickhouseCanonical(clean)))
        try compareRows(expected: try env.psql(database, Self.postgresCanonical),
                        actual: try env.clickhouse(Self.clickhouseCanonical(curated, final: false)))
        // The check is live: a row loaded twice (planted here, as a double commit would) is caught.
        try env.clickhouse("INSERT INTO \(clean).orders SELECT * FROM \(clean).orders WHERE id = 1 LIMIT 1")
        #expect(try rawCount(env, clean) == loaded + 1)
        print("end-to-end: \(sourceRows) rows; backfill \(first.seconds)s, incremental \(second.seconds)s, empty \(third.seconds)s")
    }

    /// Rows in the clean table, every version counted (no FINAL).
    func rawCount(_ env: TestEnvironment, _ clean: String) throws -> Int {
        Int(try env.clickhouse("SELECT count() FROM \(clean).orders").trimmed) ?? -1
    }

    struct RunOutcome {
        var status: Int32
        var stderr: String
        var reportPath: String
        var seconds: Double
    }

    func runSluice(env: TestEnvironment, database: String, staging: String, clean: String,
                   metadata: String, curated: String) throws -> RunOutcome {
        let reportPath = staging + "-report-\(UUID().uuidString).json"
        let config = Paths.repository.appendingPathComponent("examples/quickstart/pipeline.yaml").path
        let result = try Shell.execute(Paths.sluice, ["run", "--config", config, "--local", "2", "--report", reportPath],
                                       environment: ["PGDATABASE": database, "SLUICE_STAGING": staging,
                                                     "SLUICE_CLEAN_DATABASE": clean, "SLUICE_METADATA_DATABASE": metadata,
                                                     "SLUICE_CURATED_DATABASE": curated])
        return RunOutcome(status: result.status, stderr: result.stderr, reportPath: reportPath, seconds: result.seconds)
    }

    func compareRows(expected: String, actual: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = TSV.compare(expected: expected, actual: actual, columns: Self.columnNames, floatColumns: Self.floatColumns,
                                 actualSide: "ClickHouse")
        #expect(result.expectedRows == result.actualRows, "row counts differ", sourceLocation: sourceLocation)
        #expect(result.mismatches.isEmpty, "\(result.mismatches.prefix(20).joined(separator: "\n"))", sourceLocation: sourceLocation)
    }

    static func same(_ a: String?, _ b: String?, float: Bool) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        if float, let x = Double(a), let y = Double(b) { return x == y }
        return a == b
    }

    func checkShardsWithPyArrow(env: TestEnvironment, database: String, staging: String) throws {
        let script = """
        import sys, glob, uuid, pyarrow.parquet as pq, pyarrow as pa
        files = sorted(glob.glob(sys.argv[1] + '/**/*.parquet', recursive=True))
        assert files, 'no shards under ' + sys.argv[1]
        table = pa.concat_tables([pq.read_table(f) for f in files]).sort_by('id')
        def fmt(v, t):
            if v is None: return '\\\\N'
            if pa.types.is_timestamp(t): return v.strftime('%Y-%m-%d %H:%M:%S.%f')
            if pa.types.is_boolean(t): return '1' if v else '0'
            if pa.types.is_floating(t): return repr(float(v))
            if pa.types.is_time(t):  # microseconds since midnight: as_py() would turn 24:00:00 into 00:00:00
                s, us = divmod(v, 1000000)
                return '%02d:%02d:%02d.%06d' % (s // 3600, s // 60 % 60, s % 60, us)
            if isinstance(v, uuid.UUID): return str(v)
            if isinstance(v, bytes):
                return str(uuid.UUID(bytes=v)) if pa.types.is_fixed_size_binary(t) and len(v) == 16 else v.hex()
            s = str(v)
            return s.replace('\\\\', '\\\\\\\\').replace('\\t', '\\\\t').replace('\\n', '\\\\n')
        cols = [table.column(n) for n in table.column_names]
        types = [c.type for c in cols]
        cols = [c.cast(pa.int64()) if pa.types.is_time(t) else c for c, t in zip(cols, types)]
        print('\\t'.join(table.column_names))
        out = sys.stdout
        for row in zip(*[c.to_pylist() for c in cols]):  # whole columns at once: c[i] on a chunked array is slow
            out.write('\\t'.join(fmt(v, t) for v, t in zip(row, types)) + '\\n')
        print(len(files), file=sys.stderr)
        """
        let shardRows = try Shell.run("python3", ["-c", script, staging])
        let expected = try env.psql(database, """
            SET timezone = 'UTC'; SET intervalstyle = iso_8601;
            COPY (SELECT id, customer_id, status, sku, quantity, total, discount::float8, weight, is_gift::int, note,
              CASE WHEN order_date BETWEEN '1970-01-01' AND '2105-12-31' THEN order_date::text END,
              CASE WHEN created_at >= '1970-01-01' AND created_at < '2106-01-01' THEN to_char(created_at, 'YYYY-MM-DD HH24:MI:SS.US') END,
              CASE WHEN shipped_at >= '1970-01-01' AND shipped_at < '2106-01-01' THEN to_char(shipped_at, 'YYYY-MM-DD HH24:MI:SS.US') END,
              to_char(updated_at, 'YYYY-MM-DD HH24:MI:SS.US'),
              \(Self.postgresOtherTypes)
              FROM public.orders WHERE status <> 'test' ORDER BY id) TO STDOUT
            """)
        // The script prints the shards' column names first.
        let header = shardRows.prefix { $0 != "\n" }
        #expect(header == Self.shardColumnNames.joined(separator: "\t"), "the shards' columns: \(header)")
        let result = TSV.compare(expected: expected, actual: String(shardRows.dropFirst(header.count + 1)),
                                 columns: Self.shardColumnNames, floatColumns: Self.floatColumns, actualSide: "pyarrow")
        #expect(result.expectedRows == result.actualRows, "pyarrow read \(result.actualRows) rows from the shards")
        #expect(result.mismatches.isEmpty, "\(result.mismatches.prefix(20).joined(separator: "\n"))")
    }
}

/// Text of a tab-separated value as PostgreSQL's COPY and ClickHouse's TabSeparated write it.
enum TSV {
    /// Compares two tab-separated outputs (one row per line) row by row and field by field, on their UTF-8
    /// bytes with memchr/memcmp (Swift string splitting in a debug build takes seconds per output): the same
    /// bytes are the same value, and only fields that differ are unescaped and compared as values (as numbers
    /// for `floatColumns`). Returns both row counts and the first 21 differences, each naming the row's id
    /// (the first field) and the column.
    static func compare(expected: String, actual: String, columns: [String], floatColumns: Set<Int>,
                        actualSide: String) -> (expectedRows: Int, actualRows: Int, mismatches: [String]) {
        let expectedBytes = Array(expected.utf8), actualBytes = Array(actual.utf8)
        let expectedRows = fieldRanges(expectedBytes), actualRows = fieldRanges(actualBytes)
        func text(_ bytes: [UInt8], _ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
        var mismatches: [String] = []
        for (e, a) in zip(expectedRows, actualRows) {
            let id = text(expectedBytes, e[0])
            guard e.count == a.count else {
                mismatches.append("id \(id): \(e.count) vs \(a.count) columns")
                continue
            }
            for column in e.indices where !sameBytes(expectedBytes, e[column], actualBytes, a[column]) {
                let expectedValue = unescape(Substring(text(expectedBytes, e[column])))
                let actualValue = unescape(Substring(text(actualBytes, a[column])))
                if !EndToEndTests.same(expectedValue, actualValue, float: floatColumns.contains(column)) {
                    let name = column < columns.count ? columns[column] : "#\(column)"
                    mismatches.append("id \(id) column \(name): PostgreSQL \(expectedValue ?? "NULL") \(actualSide) \(actualValue ?? "NULL")")
                }
            }
            if mismatches.count > 20 { break }
        }
        return (expectedRows.count, actualRows.count, mismatches)
    }

    /// For each non-empty line of `bytes`, the byte ranges of its tab-separated fields.
    private static func fieldRanges(_ bytes: [UInt8]) -> [[Range<Int>]] {
        var rows: [[Range<Int>]] = []
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            func find(_ byte: UInt8, from start: Int, before end: Int) -> Int {
                guard let found = memchr(base + start, Int32(byte), end - start) else { return end }
                return UnsafeRawPointer(found) - UnsafeRawPointer(base)
            }
            var position = 0
            while position < buffer.count {
                let lineEnd = find(0x0A, from: position, before: buffer.count)
                if lineEnd > position {
                    var fields: [Range<Int>] = []
                    var start = position
                    while true {
                        let tab = find(0x09, from: start, before: lineEnd)
                        fields.append(start..<tab)
                        if tab == lineEnd { break }
                        start = tab + 1
                    }
                    rows.append(fields)
                }
                position = lineEnd + 1
            }
        }
        return rows
    }

    private static func sameBytes(_ a: [UInt8], _ x: Range<Int>, _ b: [UInt8], _ y: Range<Int>) -> Bool {
        guard x.count == y.count else { return false }
        guard !x.isEmpty else { return true }
        return a.withUnsafeBufferPointer { p in
            b.withUnsafeBufferPointer { q in memcmp(p.baseAddress! + x.lowerBound, q.baseAddress! + y.lowerBound, x.count) == 0 }
        }
    }

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
        var rowsLoaded: Int
        var bookmarkAfter: String?
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
                                 rowsLoaded: entry["rows_loaded"] as? Int ?? -1, bookmarkAfter: entry["bookmark_after"] as? String,
                                 nulled: entry["nulled_values"] as? [String: Int] ?? [:])
        }
        self.tables = tables
    }

    func table(_ name: String) -> Table? { tables[name] }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
