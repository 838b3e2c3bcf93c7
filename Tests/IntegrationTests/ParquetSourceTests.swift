import Foundation
import Testing

/// `source: {parquet: ...}` for real: a lake written by pyarrow (Hive folders, four writers' settings, NULLs and edge
/// values in every column, a column whose type differs between files) loaded by `sluice run --local 2` into ClickHouse
/// and compared row by row with pyarrow's own reading of the same files.
@Suite(.serialized) struct ParquetSourceTests {
    static let tool = Paths.repository.appendingPathComponent("Tests/IntegrationTests/Tools/parquet_lake.py").path

    struct Lake {
        let fixture: ScratchPipeline
        var root: String { fixture.directory + "/lake" }

        init() throws {
            fixture = try ScratchPipeline(setup: "SELECT 1")
            let written = try Shell.execute("/usr/bin/env", ["python3", ParquetSourceTests.tool, "write", fixture.directory + "/lake"])
            try #require(written.status == 0, "\(written.stderr)")
        }

        func pipeline(source: String = "events/", extraTable: String = "", extraColumns: String = "",
                      rowsPerTask: Int = 1_000) throws -> String {
            try fixture.pipeline(table: """
                  - name: events
                    source: \(source)
                    primary_key: [id]
                    out_of_range: set_null
                    filter: "country <> 'FR'"
                \(extraTable)
                    columns:
                      - {name: id, type: int64, nullable: false}
                      - {name: name, type: string}
                      - {name: amount, type: "decimal(38,9)"}
                      - {name: price, type: float64}
                      - {name: born, type: date}
                      - {name: at, type: timestamptz, subseconds: column}
                      - {name: flag, type: boolean}
                      - {name: qty, type: int64}
                      - {name: blob, type: binary}
                      - {name: country, type: string}
                      - {name: date, type: date}
                \(extraColumns)
                """, source: "parquet: {path: \(root), rows_per_task: \(rowsPerTask)}")
        }

        func python(_ arguments: [String]) throws {
            let result = try Shell.execute("/usr/bin/env", ["python3", ParquetSourceTests.tool] + arguments)
            try #require(result.status == 0, "\(result.stderr)")
        }

        /// ClickHouse's rows (raw, no FINAL) compared with pyarrow's reading of the lake without country=FR.
        func compare() throws -> String {
            let tsv = try fixture.clickhouse("""
                SELECT id, hex(name), toString(amount), toString(price), toString(born), toUInt32(at), at_us, flag, qty, hex(blob),
                       country, toString(date)
                FROM \(fixture.clean).events ORDER BY id FORMAT TabSeparated
                """)
            let path = fixture.directory + "/clickhouse.tsv"
            try tsv.write(toFile: path, atomically: true, encoding: .utf8)
            let result = try Shell.execute("/usr/bin/env", ["python3", ParquetSourceTests.tool, "compare", root, path])
            return (result.stdout + result.stderr).trimmed
        }
    }

    @Test func aLakeLoadsExactlyAsPyarrowReadsIt() throws {
        let lake = try Lake()
        defer { lake.fixture.tearDown() }
        let run = try lake.fixture.run(try lake.pipeline())
        #expect(run.status == 0, "\(run.output.suffix(3000))")
        // 4 files, FR's pruned by its folder at planning: its 1,000 rows are never read (not read and filtered).
        #expect(run.table["rows_extracted"] as? Int == 4_700, "\(run.table)")
        #expect(try lake.fixture.rawCount("events") == 4_700)
        let compared = try lake.compare()
        #expect(compared == "OK 4700", "\(compared)")
        // 2,000 + 1,500 + 1,200 rows in row groups of 700, 400 and 300 gathered into tasks of about 1,000 rows.
        let tasks = run.table["tasks"] as? [[String: Any]] ?? []
        #expect(tasks.count >= 5 && tasks.count <= 8, "\(tasks.count) tasks")
        // A second run re-reads everything (no cursor) and still holds every row once.
        let again = try lake.fixture.run(try lake.pipeline())
        #expect(again.status == 0, "\(again.output.suffix(3000))")
        #expect(try lake.fixture.rawCount("events") == 4_700)
        let comparedAgain = try lake.compare()
        #expect(comparedAgain == "OK 4700", "\(comparedAgain)")
    }

    @Test func aFileWithoutADeclaredColumnStopsTheTableAndIsNamed() throws {
        let lake = try Lake()
        defer { lake.fixture.tearDown() }
        let config = try lake.fixture.pipeline(table: """
              - name: drift
                primary_key: [id]
                columns:
                  - {name: id, type: int64, nullable: false}
                  - {name: qty, type: int64}
            """, source: "parquet: {path: \(lake.root)}")
        let run = try lake.fixture.run(config)
        #expect(run.status != 0)
        #expect(run.output.contains("parquet_schema_drift"), "\(run.output.suffix(2000))")
        #expect(run.output.contains("drift/part-1.parquet: no column qty in this file"), "\(run.output.suffix(2000))")
        #expect(try lake.fixture.clickhouse("EXISTS TABLE \(lake.fixture.clean).drift").trimmed != "1"
                || lake.fixture.rawCount("drift") == 0)
    }

    @Test func newestFileLoadsOnlyTheLatestAndSaysWhy() throws {
        let lake = try Lake()
        defer { lake.fixture.tearDown() }
        // Make the DE 2026-11-02 file (1,500 rows) the most recently modified.
        let newest = lake.root + "/events/country=DE/date=2026-11-02/part-0.parquet"
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(60)], ofItemAtPath: newest)
        let run = try lake.fixture.run(try lake.pipeline(source: "{parquet: {path: events/, newest: file}}"))
        #expect(run.status == 0, "\(run.output.suffix(3000))")
        #expect(try lake.fixture.rawCount("events") == 1_500)
        #expect(try lake.fixture.clickhouse("SELECT min(id), max(id) FROM \(lake.fixture.clean).events").trimmed == "2001\t3500")
        #expect(run.output.contains("newest file: events/country=DE/date=2026-11-02/part-0.parquet"), "\(run.output.suffix(2000))")
    }

    @Test func aFileModifiedCursorLoadsOnlyNewFiles() throws {
        let lake = try Lake()
        defer { lake.fixture.tearDown() }
        // The lake's files landed an hour ago.
        let events = lake.root + "/events"
        for path in try FileManager.default.subpathsOfDirectory(atPath: events) where path.hasSuffix(".parquet") {
            try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-3_600)], ofItemAtPath: events + "/" + path)
        }
        let config = try lake.pipeline(extraTable: """
                cursor: landed_at
                lag: 0s
            """, extraColumns: "      - {name: landed_at, source: _file_modified, type: timestamptz, nullable: false}")
        let first = try lake.fixture.run(config)
        #expect(first.status == 0, "\(first.output.suffix(3000))")
        #expect(first.table["rows_extracted"] as? Int == 4_700)
        #expect(try lake.fixture.rawCount("events") == 4_700)
        // A new file lands: the next run reads it alone.
        try lake.python(["more", lake.root])
        let second = try lake.fixture.run(config)
        #expect(second.status == 0, "\(second.output.suffix(3000))")
        #expect(second.table["rows_extracted"] as? Int == 300, "\(second.table)")
        #expect(try lake.fixture.rawCount("events") == 5_000)
        let compared = try lake.compare()
        #expect(compared == "OK 5000", "\(compared)")
        // The new rows carry their file's landing time; the bookmark is it.
        #expect(try lake.fixture.clickhouse("SELECT uniqExact(landed_at) FROM \(lake.fixture.clean).events WHERE id > 10000").trimmed == "1")
        // Nothing new: nothing read, nothing doubled.
        let third = try lake.fixture.run(config)
        #expect(third.status == 0, "\(third.output.suffix(3000))")
        #expect(third.table["rows_extracted"] as? Int == 0, "\(third.table)")
        #expect(try lake.fixture.rawCount("events") == 5_000)

        // A file lands dated two hours back (`cp -p`, a slow multipart upload), before every file loaded: a time
        // bookmark would never read it. The ledger of loaded files does, once.
        try lake.python(["late", lake.root])
        let late = try lake.fixture.run(config)
        #expect(late.status == 0, "\(late.output.suffix(3000))")
        #expect(late.table["rows_extracted"] as? Int == 200, "\(late.table)")
        #expect(try lake.fixture.rawCount("events") == 5_200)
        #expect(try lake.compare() == "OK 5200")
        #expect(late.table["bookmark_after"] as? String == second.table["bookmark_after"] as? String, "the bookmark does not go back")
        let again = try lake.fixture.run(config)
        #expect(again.table["rows_extracted"] as? Int == 0, "\(again.table)")
        #expect(try lake.fixture.rawCount("events") == 5_200)
        // Six files in the ledger, one generation: the five read and FR's, left out whole by the filter.
        let meta = lake.fixture.metadata
        #expect(try lake.fixture.clickhouse("SELECT count(), uniqExact(generation) FROM \(meta).file_ledger WHERE table_name = 'events' AND file_key != ''").trimmed == "6\t1")
        let status = try Shell.execute(Paths.sluice, ["status", "--config", config])
        #expect(status.stdout.contains("the next run reads the files not among the 6 loaded"), "\(status.stdout) \(status.stderr)")
        // `lag: 0` is no risk for a table that chooses files by its ledger: validate says how it runs, without the warning.
        let validated = try Shell.execute(Paths.sluice, ["validate", "--config", config])
        #expect(validated.stdout.contains("files by its ledger of loaded files: 0 of 6 files to read, 6 loaded before"), "\(validated.stdout)")
        #expect(!validated.stdout.contains("lag 0"), "\(validated.stdout)")

        // The same key written again is a new version (another tag): read again, once. No merge may fold versions, so
        // the raw count shows every row loaded; the curated layer (no FINAL) keeps one row per key.
        try lake.fixture.clickhouse("SYSTEM STOP MERGES \(lake.fixture.clean).events")
        try lake.python(["rewrite", lake.root])
        let rewritten = try lake.fixture.run(config)
        #expect(rewritten.table["rows_extracted"] as? Int == 300, "\(rewritten.table)")
        #expect(try lake.fixture.rawCount("events") == 5_500)
        #expect(try lake.fixture.clickhouse("SELECT count(), uniqExact(id) FROM \(lake.fixture.curated).events").trimmed == "5200\t5200")

        // A full reload reads every file and starts the ledger over; the next run reads nothing.
        let reload = try lake.fixture.run(config, ["--mode", "full_reload"])
        #expect(reload.status == 0, "\(reload.output.suffix(3000))")
        #expect(reload.table["rows_extracted"] as? Int == 5_200, "\(reload.table)")
        #expect(try lake.fixture.rawCount("events") == 5_200)
        #expect(try lake.compare() == "OK 5200")
        // The reload's generation holds the six files; the earlier generation's rows are deleted (a background mutation).
        let reloadRun = try #require(reload.report["run_id"] as? String)
        #expect(try lake.fixture.clickhouse("SELECT count() FROM \(meta).file_ledger WHERE table_name = 'events' AND generation = '\(reloadRun)' AND file_key != ''").trimmed == "6")
        var earlier = ""
        for _ in 0..<50 {
            earlier = try lake.fixture.clickhouse("SELECT count() FROM \(meta).file_ledger WHERE table_name = 'events' AND generation != '\(reloadRun)'").trimmed
            if earlier == "0" { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(earlier == "0")
        let last = try lake.fixture.run(config)
        #expect(last.table["rows_extracted"] as? Int == 0, "\(last.table)")

        // `sluice bookmark set` back in time: the ledger is forgotten, so the next run reads every file after it again
        // (the clean layer keeps one row per key and version). FR's file too: an incremental run reads the rows its
        // filter rejects, as deletions (docs/transforms.md), so 6,200 rows, 1,000 of them deleted rows never loaded.
        // The reload swapped in a new table: merges are stopped on it too.
        try lake.fixture.clickhouse("SYSTEM STOP MERGES \(lake.fixture.clean).events")
        let set = try Shell.execute(Paths.sluice, ["bookmark", "set", "--config", config, "--table", "events", "--value", "2000-01-01 00:00:00", "--yes"])
        #expect(set.status == 0, "\(set.stdout) \(set.stderr)")
        let reread = try lake.fixture.run(config)
        #expect(reread.table["rows_extracted"] as? Int == 6_200, "\(reread.table)")
        #expect(reread.table["rows_deleted"] as? Int == 1_000, "\(reread.table)")
        // Raw: the reload's 5,200 and this run's 6,200, each once; curated (no FINAL): one live row per key.
        #expect(try lake.fixture.rawCount("events") == 11_400)
        #expect(try lake.fixture.clickhouse("SELECT count(), uniqExact(id) FROM \(lake.fixture.curated).events").trimmed == "5200\t5200")
        #expect(try lake.fixture.run(config).table["rows_extracted"] as? Int == 0)
    }

    /// An append table (no key: nothing deduplicates) whose cursor is `_file_modified`: a late file's day is read again
    /// whole and replaced, so every row of the lake is in ClickHouse exactly once, counted raw.
    @Test func anAppendTableTakesALateFileExactlyOnce() throws {
        let lake = try Lake()
        defer { lake.fixture.tearDown() }
        let events = lake.root + "/events"
        for path in try FileManager.default.subpathsOfDirectory(atPath: events) where path.hasSuffix(".parquet") {
            try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-3_600)], ofItemAtPath: events + "/" + path)
        }
        let config = try lake.fixture.pipeline(table: """
              - name: events
                source: events/
                load: append
                cursor: landed_at
                lag: 0s
                filter: "country <> 'FR'"
                columns:
                  - {name: id, type: int64, nullable: false}
                  - {name: name, type: string}
                  - {name: country, type: string}
                  - {name: landed_at, source: _file_modified, type: timestamptz, nullable: false}
            """, source: "parquet: {path: \(lake.root), rows_per_task: 1000}")
        func counts() throws -> String {
            try lake.fixture.clickhouse("SELECT count(), uniqExact(id), sum(id) FROM \(lake.fixture.clean).events").trimmed
        }
        let lakeIDs = Array(1...3_500) + Array(4_501...5_700)
        let first = try lake.fixture.run(config)
        #expect(first.status == 0, "\(first.output.suffix(3000))")
        #expect(try counts() == "4700\t4700\t\(lakeIDs.reduce(0, +))")
        // A file lands dated two hours back: its day is read again whole (the files of it loaded before too) and replaced.
        try lake.python(["late", lake.root])
        let late = try lake.fixture.run(config)
        #expect(late.status == 0, "\(late.output.suffix(3000))")
        #expect((late.table["rows_extracted"] as? Int ?? 0) >= 200, "\(late.table)")
        let withLate = lakeIDs + Array(20_001...20_200)
        let afterLate = try counts()
        #expect(afterLate == "4900\t4900\t\(withLate.reduce(0, +))", "\(afterLate) \(late.table)")
        let again = try lake.fixture.run(config)
        #expect(again.status == 0, "\(again.output.suffix(3000))")
        let afterAgain = try counts()
        #expect(afterAgain == "4900\t4900\t\(withLate.reduce(0, +))", "\(afterAgain) \(again.table)")
    }

    /// The second seed's two jobs: the lake -> a transform -> a results folder of Parquet split by day; then the newest
    /// day's files -> ClickHouse.
    @Test func lakeToResultsFolderThenNewestPartitionToClickHouse() throws {
        let lake = try Lake()
        defer { lake.fixture.tearDown() }
        try Self.seedTwoJobs(lake, source: "parquet: {path: \(lake.root), rows_per_task: 1000}",
                             staging: "{directory: \(lake.fixture.directory)/staging-1}")
    }

    @Test func aFileInAnOldFolderLandsInTheResultsFolderOnce() throws {
        let lake = try Lake()
        defer { lake.fixture.tearDown() }
        try Self.backdatedFileFlow(lake, source: "parquet: {path: \(lake.root), rows_per_task: 1000}",
                                   results: ResultsFolder(path: lake.fixture.directory + "/results")) {
            try lake.python(["backdated", lake.root])
        }
        // The ledger beside the results: the four files of the lake (FR's too, left out whole by the filter) and the new one.
        let ledger = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: lake.fixture.directory + "/results/_sluice/files/daily.json"))) as? [String: Any]
        let keys = (ledger?["files"] as? [[String: Any]])?.compactMap { $0["key"] as? String }
        #expect(keys == ["events/country=DE/date=2026-11-01/part-0.parquet", "events/country=DE/date=2026-11-02/part-0.parquet",
                         "events/country=FR/date=2026-11-01/part-0.parquet", "events/country=US/date=2026-11-01/part-0.parquet",
                         "events/country=US/date=2026-11-02/part-0.parquet"], "\(ledger ?? [:])")

        // A damaged ledger stops the table, naming the file and the way out; a full reload starts it over.
        let ledgerPath = lake.fixture.directory + "/results/_sluice/files/daily.json"
        try "{\"generation\": \"x\", \"files\": [".write(toFile: ledgerPath, atomically: true, encoding: .utf8)
        let transform = lake.fixture.directory + "/by-day.yaml"
        let damaged = try lake.fixture.run(transform)
        #expect(damaged.status != 0)
        #expect(damaged.output.contains("\(ledgerPath): the stored file ledger cannot be read; run with --mode full_reload"), "\(damaged.output.suffix(2000))")
        let reload = try lake.fixture.run(transform, ["--mode", "full_reload"])
        #expect(reload.status == 0, "\(reload.output.suffix(2000))")
        #expect(reload.table["rows_loaded"] as? Int == 4_800, "\(reload.table)")
        let after = try lake.fixture.run(transform)
        #expect(after.table["rows_extracted"] as? Int == 0, "\(after.table)")
        let checked = try Shell.execute("/usr/bin/env", ["python3", Self.tool, "results", lake.root, lake.fixture.directory + "/results/daily"])
        #expect(checked.stdout.trimmed == "OK 4800", "\(checked.stdout) \(checked.stderr)")
    }

    /// A table whose cursor is its day folder (`date=...`), into a results folder that appends each run's files: a file
    /// landing in a day older than the bookmark (`add`) is read by the next run, once, and nothing else is read again.
    /// Without the ledger of loaded files it would never be read; without its skipping, every file would be twice.
    static func backdatedFileFlow(_ lake: Lake, source: String, results folder: ResultsFolder, environment: [String: String] = [:],
                                  add: () throws -> Void) throws {
        let transform = try Self.writeTransform(lake, name: "by-day", source: source, results: folder,
                                                staging: "{directory: \(lake.fixture.directory)/staging-by-day}", cursor: "date")
        func check(_ expected: Int, _ note: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let checked = try Shell.execute("/usr/bin/env", ["python3", Self.tool, "results", lake.root, try folder.daily(scratch: lake.fixture.directory)])
            #expect(checked.stdout.trimmed == "OK \(expected)", "\(note): \(checked.stdout) \(checked.stderr)", sourceLocation: sourceLocation)
        }
        let first = try lake.fixture.run(transform, environment: environment)
        #expect(first.status == 0, "\(first.output.suffix(3000))")
        #expect(first.table["rows_loaded"] as? Int == 4_700, "\(first.table)")
        #expect(first.table["bookmark_after"] as? String == "2026-11-02", "\(first.table)")
        try check(4_700, "first run")

        try add()
        let second = try lake.fixture.run(transform, environment: environment)
        #expect(second.status == 0, "\(second.output.suffix(3000))")
        #expect(second.table["rows_extracted"] as? Int == 100, "\(second.table)")
        #expect(second.table["bookmark_after"] as? String == "2026-11-02", "the bookmark does not go back: \(second.table)")
        try check(4_800, "the backdated file's run")

        let third = try lake.fixture.run(transform, environment: environment)
        #expect(third.status == 0, "\(third.output.suffix(3000))")
        #expect(third.table["rows_extracted"] as? Int == 0, "\(third.table)")
        try check(4_800, "a run with nothing new")
    }

    /// The seed's transform job as a file `<name>.yaml`: the lake -> a derived `band` and the filter `country <> 'FR'` ->
    /// the results folder split by day; with `cursor`, the table runs incrementally by it (lag 0); returns its path.
    static func writeTransform(_ lake: Lake, name: String, source: String, results folder: ResultsFolder, staging: String,
                               cursor: String? = nil) throws -> String {
        let path = lake.fixture.directory + "/\(name).yaml"
        try """
            pipeline: seed2-\(name)
            source:
              \(source)
            sink:
              parquet: {path: "\(folder.path)", partition_by: [date]\(folder.s3)}
            staging: \(staging)
            run: {heartbeat_interval: 500ms, executor_timeout: 3s, retries: 1}
            tables:
              - name: daily
                source: events/
                primary_key: [id]
                filter: "country <> 'FR'"
            \(cursor.map { "    cursor: \($0)\n    lag: 0" } ?? "")
                columns:
                  - {name: id, type: int64, nullable: false}
                  - {name: name, type: string}
                  - {name: amount, type: "decimal(38,9)"}
                  - {name: band, type: string, expression: "CASE WHEN qty > 0 THEN 'up' WHEN qty <= 0 THEN 'down' END"}
                  - {name: country, type: string}
                  - {name: date, type: date, nullable: false}
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Where the transform job writes its results: a local folder, or a bucket (through `s3_bucket.py`).
    struct ResultsFolder {
        var path: String
        /// `, s3: {...}` for a bucket.
        var s3: String = ""
        var store: ParquetS3SourceTests.Store?
        var bucket: String?

        /// The folder's `daily/` table as local files, to look at (downloaded from a bucket into `scratch`).
        func daily(scratch: String) throws -> String {
            guard let store, let bucket else { return path + "/daily" }
            let copy = scratch + "/results-copy-\(UUID().uuidString)"
            try StagingInBucketTests.bucket(store, ["download", bucket, "results/daily/", copy + "/daily"])
            return copy + "/daily"
        }
    }

    /// The transform job reads `source` (the lake, as `parquet: {...}`), stages in `staging` and writes `results` (by
    /// default a local folder); `environment` holds the runs' S3 credentials when any of them is a bucket.
    static func seedTwoJobs(_ lake: Lake, source: String, staging: String, results given: ResultsFolder? = nil,
                            environment: [String: String] = [:]) throws {
        let folder = given ?? ResultsFolder(path: lake.fixture.directory + "/results")
        let transformPath = try Self.writeTransform(lake, name: "transform", source: source, results: folder, staging: staging)
        let first = try lake.fixture.run(transformPath, environment: environment)
        #expect(first.status == 0, "\(first.output.suffix(3000))")
        #expect(first.table["rows_loaded"] as? Int == 4_700, "\(first.table)")
        let daily = try folder.daily(scratch: lake.fixture.directory)
        let folders = try FileManager.default.contentsOfDirectory(atPath: daily).sorted()
        #expect(folders == ["date=2026-11-01", "date=2026-11-02"], "\(folders)")
        let checked = try Shell.execute("/usr/bin/env", ["python3", Self.tool, "results", lake.root, daily])
        #expect(checked.stdout.trimmed == "OK 4700", "\(checked.stdout) \(checked.stderr)")
        // Run again: a table without a cursor is replaced, not doubled.
        let again = try lake.fixture.run(transformPath, environment: environment)
        #expect(again.status == 0, "\(again.output.suffix(3000))")
        let checkedAgain = try Shell.execute("/usr/bin/env", ["python3", Self.tool, "results", lake.root, try folder.daily(scratch: lake.fixture.directory)])
        #expect(checkedAgain.stdout.trimmed == "OK 4700", "\(checkedAgain.stdout) \(checkedAgain.stderr)")

        let load = try lake.fixture.pipeline(table: """
              - name: latest
                source: {parquet: {path: daily/, newest: partition}}
                primary_key: [id]
                columns:
                  - {name: id, type: int64, nullable: false}
                  - {name: band, type: string}
                  - {name: date, type: date}
            """, source: "parquet: {path: \"\(folder.path)\"\(folder.s3)}")
        let second = try lake.fixture.run(load, environment: environment)
        #expect(second.status == 0, "\(second.output.suffix(3000))")
        // 2026-11-02: DE's 1,500 rows and US's 1,200.
        #expect(try lake.fixture.rawCount("latest") == 2_700)
        #expect(try lake.fixture.clickhouse("SELECT uniqExact(id), min(date), max(date) FROM \(lake.fixture.clean).latest").trimmed
                == "2700\t2026-11-02\t2026-11-02")
        #expect(second.output.contains("newest partition: date=2026-11-02"), "\(second.output.suffix(2000))")
    }

    /// A data column as the cursor: row groups whose statistics lie below the bookmark are not planned; a file written
    /// without statistics (US's) is read and its rows outside the window dropped.
    @Test func aDataCursorSkipsRowGroupsByTheirStatistics() throws {
        let lake = try Lake()
        defer { lake.fixture.tearDown() }
        let config = try lake.pipeline(extraTable: """
                cursor: id
            """)
        let first = try lake.fixture.run(config)
        #expect(first.status == 0, "\(first.output.suffix(3000))")
        #expect(first.table["rows_extracted"] as? Int == 4_700)
        try lake.python(["more", lake.root])
        let second = try lake.fixture.run(config)
        #expect(second.status == 0, "\(second.output.suffix(3000))")
        #expect(second.table["rows_extracted"] as? Int == 300, "\(second.table)")
        // Planned: the new file's row group (300 rows) and US's four without statistics (1,200), 1,500 rows in tasks of
        // about 1,000: two tasks. DE's 3,500 rows lie below the bookmark (5,700) by their statistics: with them it would
        // be five.
        let tasks = second.table["tasks"] as? [[String: Any]] ?? []
        #expect(tasks.count == 2, "\(tasks.count) tasks")
        #expect(try lake.fixture.rawCount("events") == 5_000)
        let compared = try lake.compare()
        #expect(compared == "OK 5000", "\(compared)")
    }

    /// Flattening: `source: s.b.c` reads a leaf under structs as a flat column (NULL where any struct above is NULL);
    /// a list column loads as its JSON text. Compared with pyarrow's reading, row by row, in ClickHouse.
    @Test func structLeavesFlattenAndListsLoadAsJSON() throws {
        let lake = try Lake()
        defer { lake.fixture.tearDown() }
        let written = try Shell.execute("/usr/bin/env", ["python3", Self.tool, "nested", lake.root])
        try #require(written.status == 0, "\(written.stderr)")
        let config = try lake.fixture.pipeline(table: """
              - name: nested
                primary_key: [id]
                columns:
                  - {name: id, type: int64, nullable: false}
                  - {name: a, source: s.a, type: int64}
                  - {name: c, source: s.b.c, type: string}
                  - {name: tags, type: json}
            """, source: "parquet: {path: \(lake.root)}")
        let run = try lake.fixture.run(config)
        #expect(run.status == 0, "\(run.output.suffix(3000))")
        #expect(try lake.fixture.rawCount("nested") == 300)
        let got = try lake.fixture.clickhouse("""
            SELECT id, ifNull(toString(a), 'NULL'), ifNull(c, 'NULL'), ifNull(tags, 'NULL') FROM \(lake.fixture.clean).nested ORDER BY id FORMAT TabSeparated
            """).split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        var want: [[String]] = []
        for line in written.stdout.split(separator: "\n") {
            let row = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            func text(_ key: String) -> String { (row[key] as? NSNumber).map { "\($0)" } ?? (row[key] as? String) ?? "NULL" }
            want.append([text("id"), text("a"), text("c"), text("tags")])
        }
        #expect(got.count == 300 && want.count == 300)
        for (g, w) in zip(got, want) where g != w {
            Issue.record("ClickHouse \(g), pyarrow \(w)")
            break
        }
        // A path through the list is refused, naming the path and why.
        let throughList = try lake.fixture.pipeline(table: """
              - name: nested
                primary_key: [id]
                columns:
                  - {name: id, type: int64, nullable: false}
                  - {name: tag, source: tags.list.element, type: string}
            """, source: "parquet: {path: \(lake.root)}")
        let refused = try lake.fixture.run(throughList)
        #expect(refused.status != 0)
        #expect(refused.output.contains("tags.list.element cannot be read flat"), "\(refused.output.suffix(2000))")
        // Nulls at each level arrived as NULL, not as empty or zero.
        #expect(try lake.fixture.clickhouse("SELECT countIf(isNull(a)), countIf(isNull(c)) FROM \(lake.fixture.clean).nested").trimmed
                == "\(want.filter { $0[1] == "NULL" }.count)\t\(want.filter { $0[2] == "NULL" }.count)")
    }

    @Test func anUnknownTableOptionIsNamed() throws {
        let lake = try Lake()
        defer { lake.fixture.tearDown() }
        let run = try lake.fixture.run(try lake.pipeline(source: "{parquet: {path: events/, newset: file}}"))
        #expect(run.status != 0)
        #expect(run.output.contains("unknown parquet source option 'newset'"), "\(run.output.suffix(2000))")
    }
}
