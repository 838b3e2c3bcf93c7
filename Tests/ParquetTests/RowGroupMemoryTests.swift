import Parquet
import SluiceCore
import Testing

/// Row groups cut by the memory their rows take (``ParquetWriterOptions/rowGroupMemoryBytes``): what bounds a reader
/// that decodes one row group at a time, whatever the compression did.
@Suite struct RowGroupMemoryTests {
    static let schema = Schema([Field(name: "id", type: .int64, nullable: false), Field(name: "text", type: .string)])

    /// `rows` rows of 1 KiB texts that compress to almost nothing.
    static func batch(rows: Range<Int>) throws -> RecordBatch {
        try RecordBatch(schema: schema, columns: [
            Column(values: .int64(rows.map(Int64.init))),
            Column(values: .bytes(ByteArrays(strings: rows.map { "\($0):" + String(repeating: "a", count: 1_024) }))),
        ])
    }

    @Test func rowGroupsEndAtTheirMemoryLimitAndReadBackWhole() throws {
        var options = ParquetWriterOptions()
        options.rowGroupMemoryBytes = 100 << 10
        let writer = try ParquetBufferWriter(schema: Self.schema, options: options)
        for start in stride(from: 0, to: 1_000, by: 250) { try writer.write(try Self.batch(rows: start..<start + 250)) }
        let (bytes, summary) = try writer.close()
        let reader = try ParquetFileReader(bytes: bytes)
        // About 1,045 bytes a row: 97 rows fit in 100 KiB, so 11 row groups for 1,000 rows.
        #expect(summary.rowGroups == 11)
        var ids: [Int64] = []
        for group in 0..<reader.rowGroupCount {
            let batch = try reader.readRowGroup(group)
            #expect(batch.memoryBytes <= 100 << 10, "row group \(group) holds \(batch.memoryBytes) bytes")
            if case .int64(let values) = batch.columns[0].values { ids += values }
            #expect(batch.value(row: 0, column: 1) == .string("\(ids[ids.count - batch.rowCount]):" + String(repeating: "a", count: 1_024)))
        }
        #expect(ids == (0..<1_000).map(Int64.init))
    }

    @Test func withoutALimitTheRowsOfThisFileShareOneRowGroup() throws {
        let writer = try ParquetBufferWriter(schema: Self.schema)
        try writer.write(try Self.batch(rows: 0..<1_000))
        #expect(try writer.close().summary.rowGroups == 1)
    }

    @Test func aZeroLimitIsRefused() {
        var options = ParquetWriterOptions()
        options.rowGroupMemoryBytes = 0
        #expect(throws: SluiceError.self) { _ = try ParquetBufferWriter(schema: Self.schema, options: options) }
    }
}
