import Foundation
import Parquet
import SluiceCore
import Testing

/// Every file written here is read back by Sluice, pyarrow and chdb (embedded ClickHouse), and all three
/// must see exactly the values written.
@Suite struct WriterInteropTests {
    static let configurations: [(String, ParquetWriterOptions)] = [
        ("default", ParquetWriterOptions()),
        ("zstd", ParquetWriterOptions(compression: .zstd)),
        ("gzip", ParquetWriterOptions(compression: .gzip)),
        ("uncompressed-plain", ParquetWriterOptions(compression: .uncompressed, dictionaryEnabled: false)),
        ("page-v2", ParquetWriterOptions(dataPageVersion: .v2)),
        ("page-v2-uncompressed", ParquetWriterOptions(compression: .uncompressed, dataPageVersion: .v2)),
        ("small-pages-groups", ParquetWriterOptions(rowGroupRows: 700, pageBytes: 512)),
        ("dictionary-fallback", ParquetWriterOptions(pageBytes: 2048, dictionaryPageLimitBytes: 64)),
        ("small-row-group-bytes", ParquetWriterOptions(compression: .zstd, rowGroupBytes: 20_000, dataPageVersion: .v2)),
    ]

    @Test(arguments: configurations.map(\.0))
    func allTypesReadByEveryone(configuration: String) throws {
        let options = Self.configurations.first { $0.0 == configuration }!.1
        let schema = SampleTables.allTypesSchema
        // Uneven batch sizes so that batches straddle pages and row groups.
        let batches = try [0, 1, 1000, 37, 1963].reduce(into: (offset: 0, batches: [RecordBatch]())) { state, rows in
            state.batches.append(try SampleTables.batch(schema, rows: rows, rowOffset: state.offset, bcDates: false))
            state.offset += rows
        }.batches
        let path = TestFiles.temporaryDirectory().appendingPathComponent("\(configuration).parquet").path
        let writer = try ParquetFileWriter(path: path, schema: schema, options: options)
        for batch in batches { try writer.write(batch) }
        let summary = try writer.close()
        #expect(summary.rows == 3001)
        #expect(summary.bytes == (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int))
        try CrossCheck.verify(path, expected: batches, schema: schema, label: configuration)
    }

    @Test func rowGroupsFollowTheLimits() throws {
        let schema = Schema([Field(name: "id", type: .int64, nullable: false), Field(name: "s", type: .string)])
        let path = TestFiles.temporaryDirectory().appendingPathComponent("groups.parquet").path
        let writer = try ParquetFileWriter(path: path, schema: schema, options: ParquetWriterOptions(rowGroupRows: 1000))
        var batches: [RecordBatch] = []
        for k in 0..<5 {
            let batch = try SampleTables.batch(schema, rows: 777, rowOffset: k * 777)
            batches.append(batch)
            try writer.write(batch)
        }
        let summary = try writer.close()
        #expect(summary.rowGroups == 4)
        let reader = try ParquetFileReader(path: path)
        #expect((0..<reader.rowGroupCount).map { reader.rowCount(ofRowGroup: $0) } == [1000, 1000, 1000, 885])
        try CrossCheck.verify(path, expected: batches, schema: schema, label: "row groups")
    }

    @Test func emptyFileHasSchemaAndNoRows() throws {
        let schema = SampleTables.allTypesSchema
        let path = TestFiles.temporaryDirectory().appendingPathComponent("empty.parquet").path
        let summary = try ParquetFileWriter(path: path, schema: schema).close()
        #expect(summary.rows == 0)
        #expect(summary.rowGroups == 0)
        try CrossCheck.verify(path, expected: [], schema: schema, label: "empty")
    }

    @Test func singleRowFile() throws {
        let schema = SampleTables.allTypesSchema
        let batch = try SampleTables.batch(schema, rows: 1, rowOffset: 2, bcDates: false)
        let path = TestFiles.temporaryDirectory().appendingPathComponent("one.parquet").path
        let writer = try ParquetFileWriter(path: path, schema: schema)
        try writer.write(batch)
        _ = try writer.close()
        try CrossCheck.verify(path, expected: [batch], schema: schema, label: "single row")
    }

    @Test func allNullColumnsEveryType() throws {
        let schema = SampleTables.allTypesSchema
        let nullable = Schema(schema.fields.filter(\.nullable))
        var columns: [Column] = []
        for field in nullable.fields {
            var builder = ColumnBuilder(type: field.type)
            for _ in 0..<100 { builder.appendNull() }
            columns.append(builder.finish())
        }
        let batch = try RecordBatch(schema: nullable, columns: columns)
        for version in [ParquetDataPageVersion.v1, .v2] {
            let path = TestFiles.temporaryDirectory().appendingPathComponent("nulls.parquet").path
            let writer = try ParquetFileWriter(path: path, schema: nullable, options: .init(dataPageVersion: version))
            try writer.write(batch)
            _ = try writer.close()
            try CrossCheck.verify(path, expected: [batch], schema: nullable, label: "all NULL \(version)")
        }
    }

    @Test func hugeStringsOfSeveralMegabytes() throws {
        let batch = try SampleTables.hugeStrings(count: 6, megabytes: 3)
        let path = TestFiles.temporaryDirectory().appendingPathComponent("huge.parquet").path
        let writer = try ParquetFileWriter(path: path, schema: batch.schema)
        try writer.write(batch)
        try writer.write(batch)
        _ = try writer.close()
        try CrossCheck.verify(path, expected: [batch, batch], schema: batch.schema, label: "huge strings")
        // Statistics leave out values over maxStatisticsBytes instead of copying megabytes into the footer.
        let reader = try ParquetFileReader(path: path)
        let stats = reader.metadata.rowGroups[0].columns[0].metaData?.statistics
        #expect(stats?.nullCount == 4)
        #expect(stats?.maxValue == nil)
    }

    @Test func datesBeforeYearZeroReadByPyarrow() throws {
        // ClickHouse's Date32 starts at 0000-01-01, so chdb cannot take part; pyarrow reads any int32 date.
        let schema = Schema([Field(name: "dt", type: .date), Field(name: "ts", type: .timestamp)])
        var dates = ColumnBuilder(type: .date), stamps = ColumnBuilder(type: .timestamp)
        for days: Int64 in [-2_000_000, -719_529, -719_528, -1, 0, 2_932_896, 100_000_000] {
            dates.append(Int32(days))
            stamps.append(days * CivilTime.microsecondsPerDay + 1)
        }
        let batch = try RecordBatch(schema: schema, columns: [dates.finish(), stamps.finish()])
        let path = TestFiles.temporaryDirectory().appendingPathComponent("bc.parquet").path
        let writer = try ParquetFileWriter(path: path, schema: schema)
        try writer.write(batch)
        _ = try writer.close()
        try CrossCheck.verify(path, expected: [batch], schema: schema, engines: [.pyarrow], label: "BC dates")
    }

    @Test func inMemoryWriterMatchesFileWriter() throws {
        let schema = SampleTables.allTypesSchema
        let batch = try SampleTables.batch(schema, rows: 500)
        let memory = try ParquetBufferWriter(schema: schema)
        try memory.write(batch)
        let (bytes, summary) = try memory.close()
        #expect(summary.bytes == bytes.count)
        let path = TestFiles.temporaryDirectory().appendingPathComponent("file.parquet").path
        let file = try ParquetFileWriter(path: path, schema: schema)
        try file.write(batch)
        _ = try file.close()
        #expect(bytes == Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        let back = try ParquetFileReader(bytes: bytes).readRowGroup(0)
        #expect(Canonical.batch(back) == Canonical.batch(batch))
    }
}
