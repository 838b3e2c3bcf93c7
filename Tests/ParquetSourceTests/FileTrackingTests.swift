import Foundation
import Logging
@testable import ParquetSource
import SluiceConfig
import SluiceCore
import SluicePipeline
import Testing

/// What a lake table whose cursor its files' locations give tells the file ledger: its files with their cursor
/// values, which of them a plan reads (leaving out the ledger's), and which a partition planned by an earlier run reads.
@Suite struct FileTrackingTests {
    /// Three copies of parquet-testing's `alltypes_plain.parquet` (8 rows, ids 0-7) in day folders.
    struct DayLake {
        let root = NSTemporaryDirectory() + "sluice-tracking-\(UUID().uuidString)"
        let keys = ["events/day=2026-11-01/a.parquet", "events/day=2026-11-01/c.parquet", "events/day=2026-11-02/b.parquet"]

        init() throws {
            let original = NestedColumnReadTests.corpus + "/alltypes_plain.parquet"
            for key in keys {
                let path = root + "/" + key
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try FileManager.default.copyItem(atPath: original, toPath: path)
            }
        }

        func table(cursor: String) throws -> TableConfig {
            try PipelineLoader(environment: [:]).parse("""
                pipeline: t
                source: {parquet: {path: \(root)}}
                sink: {clickhouse: {url: "http://c"}}
                staging: {directory: /tmp/s}
                tables:
                  - name: events
                    source: events/
                    primary_key: [id]
                    cursor: \(cursor)
                    columns:
                      - {name: id, type: int64, nullable: false}
                      - {name: day, type: date, nullable: false}
                """, file: "t.yaml").tables[0]
        }

        func run() async throws -> any SourceRun {
            try await ParquetSource(settings: ParquetSourceSettings(root: root, rowsPerTask: 8), logger: Logger(label: "test"))
                .openRun(consistent: false)
        }

        func request(_ table: TableConfig, after: Int64? = nil, skipping: Set<FileVersion> = []) -> ReadRequest {
            var request = ReadRequest(table: table, window: CursorWindow(after: after.map { CursorValue(kind: .date, value: $0) }),
                                      deletedRows: .flag, schema: Schema([Field(name: "id", type: .int64), Field(name: "day", type: .date)]),
                                      cursorKind: .date)
            request.skippedFiles = skipping
            return request
        }
    }

    let nov1: Int64 = 20_758  // 2026-11-01, days since 1970

    @Test func aDayFolderCursorTracksEveryFileAndAPlanLeavesOutTheLoadedOnes() async throws {
        let lake = try DayLake()
        defer { try? FileManager.default.removeItem(atPath: lake.root) }
        let table = try lake.table(cursor: "day")
        let run = try await lake.run()
        let tracked = try #require(try await run.trackedFiles(table))
        #expect(tracked.map(\.version.key) == lake.keys)
        #expect(tracked.map(\.cursor) == [nov1, nov1, nov1 + 1])
        let (a, c, b) = (tracked[0].version, tracked[1].version, tracked[2].version)

        // Everything but the ledger's b: two files, a task each (8 rows per task).
        let plan = try await run.partitions(lake.request(table, skipping: [b]))
        #expect(plan.files == [a, c])
        #expect(plan.partitions.map(\.files) == [[a], [c]])

        // A window after 2026-11-01 holds only b.
        let later = try await run.partitions(lake.request(table, after: nov1))
        #expect(later.files == [b])
        #expect(later.partitions.flatMap(\.files) == [b])

        // A partition an earlier run planned says again which files it reads.
        var planned = plan.partitions[1]
        planned.files = []
        #expect(try run.rebind(planned).files == [c])
    }

    @Test func aDataColumnCursorIsNotTrackedByFile() async throws {
        let lake = try DayLake()
        defer { try? FileManager.default.removeItem(atPath: lake.root) }
        let run = try await lake.run()
        #expect(try await run.trackedFiles(try lake.table(cursor: "id")) == nil)
    }
}
