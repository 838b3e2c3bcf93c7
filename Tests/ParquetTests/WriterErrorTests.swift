import Foundation
import Parquet
import SluiceCore
import Testing

/// The writer refuses what it cannot write correctly, with errors naming the file, column and row.
@Suite struct WriterErrorTests {
    static let schema = Schema([Field(name: "id", type: .int64, nullable: false), Field(name: "d", type: .decimal(precision: 5, scale: 2))])

    static func path() -> String { TestFiles.temporaryDirectory().appendingPathComponent("e.parquet").path }

    static func batch(ids: [Int64?], decimals: [Int128?], schema: Schema = schema) throws -> RecordBatch {
        var a = ColumnBuilder(type: schema.fields[0].type), b = ColumnBuilder(type: schema.fields[1].type)
        for id in ids { if let id { a.append(id) } else { a.appendNull() } }
        for d in decimals { if let d { b.append(d) } else { b.appendNull() } }
        return try RecordBatch(schema: schema, columns: [a.finish(), b.finish()])
    }

    @Test func decimalOutsideItsPrecisionIsRejectedWithRow() throws {
        let path = Self.path()
        let writer = try ParquetFileWriter(path: path, schema: Self.schema)
        let error = try #require(throws: SluiceError.self) {
            try writer.write(try Self.batch(ids: [1, 2, 3], decimals: [1, nil, 100_000]))
        }
        #expect(error.code == .invalidValue)
        #expect(error.context.file == path)
        #expect(error.context.column == "d")
        #expect(error.context.row == 2)
        // The writer stays usable after a rejected batch.
        try writer.write(try Self.batch(ids: [4], decimals: [-99_999]))
        #expect(try writer.close().rows == 1)
    }

    @Test func narrowIntegersOutOfRangeAreRejected() throws {
        let schema = Schema([Field(name: "small", type: .int8), Field(name: "u", type: .uint32)])
        let writer = try ParquetFileWriter(path: Self.path(), schema: schema)
        var a = ColumnBuilder(type: .int8), b = ColumnBuilder(type: .uint32)
        a.append(Int32(200)); b.append(Int64(1))
        let error = try #require(throws: SluiceError.self) {
            try writer.write(try RecordBatch(schema: schema, columns: [a.finish(), b.finish()]))
        }
        #expect(error.context.column == "small")
        var c = ColumnBuilder(type: .int8), d = ColumnBuilder(type: .uint32)
        c.append(Int32(1)); d.append(Int64(-1))
        let second = try #require(throws: SluiceError.self) {
            try writer.write(try RecordBatch(schema: schema, columns: [c.finish(), d.finish()]))
        }
        #expect(second.context.column == "u")
        #expect(second.message.contains("does not fit uint32"))
    }

    @Test func batchWithOtherSchemaIsRejected() throws {
        let writer = try ParquetFileWriter(path: Self.path(), schema: Self.schema)
        let other = Schema([Field(name: "id", type: .int64, nullable: false), Field(name: "e", type: .decimal(precision: 5, scale: 2))])
        let error = try #require(throws: SluiceError.self) {
            try writer.write(try Self.batch(ids: [1], decimals: [1], schema: other))
        }
        #expect(error.code == .parquetUsage)
        #expect(error.message.contains("'e'"))
    }

    @Test func nullInNonNullableColumnIsRejected() throws {
        let writer = try ParquetFileWriter(path: Self.path(), schema: Self.schema)
        let nullable = Schema([Field(name: "id", type: .int64), Field(name: "d", type: .decimal(precision: 5, scale: 2))])
        // A batch whose own schema allows NULLs, written to a file whose column does not.
        let batch = try Self.batch(ids: [1, nil], decimals: [1, 2], schema: nullable)
        let relabelled = try RecordBatch(schema: nullable, columns: batch.columns)
        let error = try #require(throws: SluiceError.self) { try writer.write(relabelled) }
        #expect(error.code == .invalidValue)
        #expect(error.context.row == 1)
    }

    @Test func useAfterCloseIsAnError() throws {
        let writer = try ParquetFileWriter(path: Self.path(), schema: Self.schema)
        _ = try writer.close()
        #expect(throws: SluiceError.self) { try writer.write(try Self.batch(ids: [1], decimals: [1])) }
        #expect(throws: SluiceError.self) { _ = try writer.close() }
    }

    @Test func badSchemasAndPathsAreRejected() throws {
        let duplicate = Schema([Field(name: "a", type: .int32), Field(name: "a", type: .int64)])
        #expect(throws: SluiceError.self) { _ = try ParquetFileWriter(path: Self.path(), schema: duplicate) }
        let error = try #require(throws: SluiceError.self) {
            _ = try ParquetFileWriter(path: "/nonexistent-dir/x.parquet", schema: Self.schema)
        }
        #expect(error.code == .parquetIO)
        #expect(error.context.file == "/nonexistent-dir/x.parquet")
        var options = ParquetWriterOptions()
        options.keyValueMetadata["sluice.schema"] = "x"
        #expect(throws: SluiceError.self) { _ = try ParquetFileWriter(path: Self.path(), schema: Self.schema, options: options) }
    }

    @Test func keyValueMetadataIsStored() throws {
        let path = Self.path()
        var options = ParquetWriterOptions()
        options.keyValueMetadata = ["sluice.run": "run-42", "origin": "orders"]
        let writer = try ParquetFileWriter(path: path, schema: Self.schema, options: options)
        _ = try writer.close()
        let reader = try ParquetFileReader(path: path)
        #expect(reader.metadata.value(forKey: "sluice.run") == "run-42")
        #expect(reader.metadata.value(forKey: "origin") == "orders")
        #expect(reader.metadata.value(forKey: "sluice.schema")?.contains("decimal(5,2)") == true)
    }
}
