import Foundation
import Parquet
@testable import ParquetSource
import S3
import SluiceCore
import SluiceStorage
import Testing

/// Every Parquet file the reader is tested on locally (Sluice's golden files, written by pyarrow, and
/// parquet-testing's, written by parquet-mr (Spark's writer), Impala, parquet-cpp, Rust and others) read again from a
/// bucket through the lake source's S3 input: the same batches, row group by row group, or the same error.
@Suite struct ParquetFromBucketTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func localFiles() throws -> [(key: String, path: String)] {
        var files: [(String, String)] = []
        for (folder, prefix) in [(repository.appendingPathComponent("Tests/ParquetTests/Fixtures/golden").path, "golden/"),
                                 (repository.deletingLastPathComponent().appendingPathComponent("shared/parquet-testing").path, "corpus/")] {
            for name in try FileManager.default.contentsOfDirectory(atPath: folder).sorted() where name.hasSuffix(".parquet") {
                files.append((prefix + name, folder + "/" + name))
            }
        }
        return files
    }

    /// What reading every row group gives: the batches, or the error's code and message.
    static func outcome(_ open: () throws(SluiceError) -> ParquetFileReader) -> String {
        do throws(SluiceError) {
            let reader = try open()
            var batches: [RecordBatch] = []
            for group in 0..<reader.rowGroupCount { batches.append(try reader.readRowGroup(group)) }
            return "\(reader.rowCount) rows: \(batches.hashValue) \(batches.map(\.rowCount))"
        } catch {
            return "\(error.code): \(error.message)"
        }
    }

    @Test func everyGoldenAndCorpusFileReadsTheSameFromABucket() async throws {
        let files = try Self.localFiles()
        #expect(files.count > 90, "\(files.count) files")
        try await S3TestBucket.with(.moto, "parquet-read") { bucket in
            try await putAll(bucket.client, bucket: bucket.name, try files.map { (key: $0.key, bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: $0.path)))) })
            let store = S3FileStore(client: bucket.client, bucket: bucket.name, prefix: "")
            let differences = try await BlockingIO.run { () throws(SluiceError) -> [String] in
                let listed = try store.list(under: "")
                var differences: [String] = []
                if listed.count != files.count { differences.append("listed \(listed.count) of \(files.count) objects") }
                for stored in listed {
                    guard let local = files.first(where: { $0.key == stored.key }) else { continue }
                    let here = Self.outcome { () throws(SluiceError) in try ParquetFileReader(path: local.path) }
                    let there = Self.outcome { () throws(SluiceError) in try ParquetFileReader(input: try store.open(stored)) }
                    // The error names the file: its local path or its s3:// name. Compare the rest.
                    if here != there.replacingOccurrences(of: "s3://\(bucket.name)/\(stored.key)", with: local.path) {
                        differences.append("\(stored.key): local \(here.prefix(200)) / bucket \(there.prefix(200))")
                    }
                }
                return differences
            }
            #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
        }
    }
}

/// Projection and pruning from a bucket: a reader of one thin column fetches that column's chunks (and the footer), not
/// the wide column beside it; a reader of one row group fetches that row group only.
@Suite struct ParquetProjectionFromBucketTests {
    /// 4 row groups of 2,000 rows: `id` (int64, about 16 KB a row group) and `payload` (about 2 KB of text a row, 4 MB a
    /// row group), uncompressed and without dictionaries so that the sizes are what they look like.
    static func wideFile() throws -> (path: String, ids: [Int64]) {
        let schema = Schema([Field(name: "id", type: .int64, nullable: false), Field(name: "payload", type: .string, nullable: false)])
        let filler = String(repeating: "abcdefghijklmnopqrstuvwxyz", count: 76)
        var ids = ColumnBuilder(type: .int64), payloads = ColumnBuilder(type: .string)
        var written: [Int64] = []
        for row in 0..<8_000 {
            ids.append(.int(Int64(row) * 7))
            written.append(Int64(row) * 7)
            payloads.append(.string("\(row) " + filler))
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-wide-\(UInt32.random(in: 0...UInt32.max)).parquet").path
        let writer = try ParquetFileWriter(path: path, schema: schema,
                                           options: .init(compression: .uncompressed, rowGroupRows: 2_000, dictionaryEnabled: false))
        try writer.write(try RecordBatch(schema: schema, columns: [ids.finish(), payloads.finish()]))
        _ = try writer.close()
        return (path, written)
    }

    @Test func oneColumnOrOneRowGroupIsAllThatIsFetched() async throws {
        let (path, ids) = try Self.wideFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(bytes.count > 16_000_000, "\(bytes.count) bytes")
        try await S3TestBucket.with(.moto, "projection") { bucket in
            try await bucket.client.put(bucket: bucket.name, key: "wide.parquet", bytes: bytes)
            let (idsRead, idBytes, groupBytes, allBytes) = try await BlockingIO.run { () throws(SluiceError) in
                let thin = S3ObjectInput(client: bucket.client, bucket: bucket.name, key: "wide.parquet", size: bytes.count)
                var read: [Int64] = []
                var batches = try ParquetFileReader(input: thin).batches(columns: ["id"])
                while let batch = try batches.next() {
                    for row in 0..<batch.rowCount { if case .int(let value) = batch.value(row: row, column: 0) { read.append(value) } }
                }
                let oneGroup = S3ObjectInput(client: bucket.client, bucket: bucket.name, key: "wide.parquet", size: bytes.count)
                var groupBatches = try ParquetFileReader(input: oneGroup).batches(rowGroups: [2])
                while try groupBatches.next() != nil {}
                let all = S3ObjectInput(client: bucket.client, bucket: bucket.name, key: "wide.parquet", size: bytes.count)
                var allBatches = try ParquetFileReader(input: all).batches()
                while try allBatches.next() != nil {}
                return (read, thin.bytesFetched, oneGroup.bytesFetched, all.bytesFetched)
            }
            #expect(idsRead == ids)
            // The ids and the footer's 64 KiB: a few hundred KB of 16 MB.
            #expect(idBytes < 400_000, "\(idBytes) bytes fetched for the id column of \(bytes.count)")
            // One row group of four, and the footer.
            #expect(groupBytes < bytes.count / 3, "\(groupBytes) bytes fetched for row group 2 of \(bytes.count)")
            #expect(allBytes >= bytes.count - 70_000, "reading everything fetches everything: \(allBytes) of \(bytes.count)")
        }
    }
}
