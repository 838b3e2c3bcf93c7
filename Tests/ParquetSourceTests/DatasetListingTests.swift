@testable import ParquetSource
import SluiceCore
import Testing

@Suite("Which files a parquet table reads") struct DatasetListingTests {
    static func file(_ key: String, modified: Int64 = 0) -> StoredFile {
        StoredFile(key: key, size: 100, modified: modified, tag: "t-\(key)")
    }

    @Test("the default glob reads *.parquet at any depth and never _ or . files or folders")
    func defaultGlob() {
        let listed = ["events/a.parquet", "events/b.csv", "events/_SUCCESS", "events/.a.parquet.crc", "events/_tmp/c.parquet",
                      "events/date=2026-11-01/d.parquet", "eventsX/e.parquet"].map { Self.file($0) }
        let (files, choice) = DatasetListing.select(listed, spec: ParquetTableSpec(path: "events/"))
        #expect(files.map(\.file.key) == ["events/a.parquet", "events/date=2026-11-01/d.parquet"])
        #expect(choice == nil)
        // Without the trailing slash the folder is the same, and a sibling with a longer name stays out.
        #expect(DatasetListing.select(listed, spec: ParquetTableSpec(path: "events")).files.count == 2)
    }

    @Test("a glob with a slash matches the path below the table's folder; * does not cross folders")
    func globWithFolders() {
        let listed = ["t/date=2026-10-31/a.parquet", "t/date=2026-11-01/b.parquet", "t/date=2026-11-01/x/c.parquet"].map { Self.file($0) }
        let files = DatasetListing.select(listed, spec: ParquetTableSpec(path: "t/", glob: "date=2026-11-*/*.parquet")).files
        #expect(files.map(\.file.key) == ["t/date=2026-11-01/b.parquet"])
    }

    @Test("partition folders become values: percent-decoded, the Hive default partition as NULL, other folders ignored")
    func hivePartitions() {
        let listed = [Self.file("t/country=DE/year=2026/raw/a.parquet"), Self.file("t/country=C%C3%B4te%20d%27Ivoire/year=__HIVE_DEFAULT_PARTITION__/b.parquet")]
        let files = DatasetListing.select(listed, spec: ParquetTableSpec(path: "t/")).files
        // Sorted by key: %C3 sorts before DE.
        #expect(files[1].partitions == [.init(key: "country", value: "DE"), .init(key: "year", value: "2026")])
        #expect(files[0].partitions == [.init(key: "country", value: "Côte d'Ivoire"), .init(key: "year", value: nil)])
    }

    @Test("newest file: the latest modification, the greatest key on a tie, and the choice explained")
    func newestFile() {
        let listed = [Self.file("r/a.parquet", modified: 30), Self.file("r/c.parquet", modified: 10),
                      Self.file("r/b.parquet", modified: 30), Self.file("r/z.csv", modified: 99)]
        let (files, choice) = DatasetListing.select(listed, spec: ParquetTableSpec(path: "r/", newest: .file))
        #expect(files.map(\.file.key) == ["r/b.parquet"])
        #expect(choice?.contains("newest file: r/b.parquet") == true)
        #expect(choice?.contains("latest of 3") == true)
    }

    @Test("newest partition: integers compare as numbers, dates as text")
    func newestPartition() {
        let numeric = ["t/run=9/a.parquet", "t/run=10/a.parquet", "t/run=10/b.parquet", "t/run=2/a.parquet"].map { Self.file($0) }
        let (files, choice) = DatasetListing.select(numeric, spec: ParquetTableSpec(path: "t/", newest: .partition))
        #expect(files.map(\.file.key) == ["t/run=10/a.parquet", "t/run=10/b.parquet"])
        #expect(choice?.contains("run=10") == true && choice?.contains("as integers") == true)
        let dates = ["t/date=2026-09-30/a.parquet", "t/date=2026-11-01/a.parquet", "t/date=2026-10-15/a.parquet"].map { Self.file($0) }
        #expect(DatasetListing.select(dates, spec: ParquetTableSpec(path: "t/", newest: .partition)).files.map(\.file.key) == ["t/date=2026-11-01/a.parquet"])
        let flat = [Self.file("t/a.parquet")]
        let none = DatasetListing.select(flat, spec: ParquetTableSpec(path: "t/", newest: .partition))
        #expect(none.files.isEmpty)
        #expect(none.choice?.contains("no key=value folder") == true)
    }

    @Test("a table naming one file reads it")
    func singleFile() {
        let files = DatasetListing.select([Self.file("r/one.parquet")], spec: ParquetTableSpec(path: "r/one.parquet")).files
        #expect(files.map(\.file.key) == ["r/one.parquet"])
    }
}

@Suite("Row groups into tasks") struct TaskPlannerTests {
    static func entry(_ key: String, _ rows: [Int64]) -> (file: DatasetFile, rowGroupRows: [Int64]) {
        (DatasetFile(file: StoredFile(key: key, size: 1, modified: 0, tag: key), partitions: []), rows)
    }

    @Test("small row groups gather across files; a big one is a task alone; empty or pruned ones are left out")
    func gathering() {
        let files = [Self.entry("a", [40, 40, 0, 40]), Self.entry("b", [30, 500, 10]), Self.entry("c", [50])]
        let tasks = ParquetTaskPlanner.plan(files: files, rowsPerTask: 100) { file, group in !(file == 2 && group == 0) }
        let shape = tasks.map { $0.map { "\($0.file.file.key)\($0.rowGroups)" } }
        #expect(shape == [["a[0, 1]"], ["a[3]", "b[0]"], ["b[1]"], ["b[2]"]])
        #expect(tasks.map { $0.reduce(0) { $0 + $1.rows } } == [80, 70, 500, 10])
        // Every kept row group is in exactly one task.
        let all = tasks.flatMap { $0.flatMap { part in part.rowGroups.map { "\(part.file.file.key)\($0)" } } }
        #expect(all.count == Set(all).count && all.count == 6)
    }
}
