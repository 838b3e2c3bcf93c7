import Foundation
import Parquet
import SluiceCore
import Testing

/// Damaged files give a SluiceError naming the file, never a crash, hang or huge allocation.
@Suite struct ReaderRobustnessTests {
    static func sample(_ options: ParquetWriterOptions) throws -> [UInt8] {
        let batch = try SampleTables.batch(SampleTables.allTypesSchema, rows: 60)
        let writer = try ParquetBufferWriter(schema: batch.schema, options: options)
        try writer.write(batch)
        return try writer.close().bytes
    }

    /// Reads every row group; returns the error, if any.
    static func readAll(_ bytes: [UInt8]) -> SluiceError? {
        do throws(SluiceError) {
            let reader = try ParquetFileReader(bytes: bytes, name: "damaged.parquet")
            var batches = reader.batches()
            while try batches.next() != nil {}
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [ParquetWriterOptions(), ParquetWriterOptions(compression: .uncompressed, dataPageVersion: .v2),
                      ParquetWriterOptions(compression: .zstd, dictionaryEnabled: false)])
    func everyTruncationIsRejected(options: ParquetWriterOptions) throws {
        let bytes = try Self.sample(options)
        for length in 0..<bytes.count {
            let error = Self.readAll(Array(bytes[..<length]))
            #expect(error != nil, "a file cut to \(length) of \(bytes.count) bytes was accepted")
            #expect(error?.context.file == "damaged.parquet")
        }
    }

    @Test(arguments: [ParquetWriterOptions(compression: .uncompressed), ParquetWriterOptions(compression: .uncompressed, dataPageVersion: .v2),
                      ParquetWriterOptions(compression: .snappy, dictionaryEnabled: false)])
    func randomByteDamageNeverCrashes(options: ParquetWriterOptions) throws {
        let bytes = try Self.sample(options)
        var rng = SplitMix64(seed: 99)
        var rejected = 0
        for _ in 0..<1500 {
            var damaged = bytes
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let position = Int.random(in: 0..<damaged.count, using: &rng)
                damaged[position] = UInt8.random(in: 0...255, using: &rng)
            }
            if let error = Self.readAll(damaged) {
                rejected += 1
                #expect(error.context.file == "damaged.parquet")
                #expect([.parquetCorrupt, .parquetUnsupported, .parquetLimit, .invalidBatch].contains(error.code), "\(error)")
            }
        }
        #expect(rejected > 0)
    }

    @Test func hugeDeclaredSizesAreRefusedBeforeAllocating() throws {
        // A footer claiming 2^40 rows in a row group, and a page claiming 2 GB.
        let schema = Schema([Field(name: "x", type: .int64)])
        var builder = ColumnBuilder(type: .int64)
        builder.append(Int64(1))
        let writer = try ParquetBufferWriter(schema: schema)
        try writer.write(try RecordBatch(schema: schema, columns: [builder.finish()]))
        let bytes = try writer.close().bytes
        let reader = try ParquetFileReader(bytes: bytes)
        var metadata = reader.metadata
        metadata.rowGroups[0].numRows = 1 << 40
        metadata.rowGroups[0].columns[0].metaData?.numValues = 1 << 40
        metadata.numRows = 1 << 40
        let patched = try Self.replacingFooter(bytes, with: metadata)
        let error = try #require(throws: SluiceError.self) {
            _ = try ParquetFileReader(bytes: patched, name: "big.parquet").readRowGroup(0)
        }
        #expect(error.code == .parquetLimit)
        #expect(error.context.file == "big.parquet")
        let limited = ParquetReaderOptions(maxPageBytes: 4)
        let pageError = try #require(throws: SluiceError.self) {
            _ = try ParquetFileReader(bytes: bytes, options: limited).readRowGroup(0)
        }
        #expect(pageError.code == .parquetLimit)
    }

    static func replacingFooter(_ bytes: [UInt8], with metadata: ParquetFileMetaData) throws -> [UInt8] {
        let length = Int(bytes[bytes.count - 8]) | Int(bytes[bytes.count - 7]) << 8 | Int(bytes[bytes.count - 6]) << 16
        let footer = metadata.encoded()
        var result = Array(bytes[..<(bytes.count - 8 - length)]) + footer
        let n = UInt32(footer.count)
        result += [UInt8(n & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 24)] + Array("PAR1".utf8)
        return result
    }
}
