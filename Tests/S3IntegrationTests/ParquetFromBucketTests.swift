import Foundation
import Parquet
@testable import ParquetSource
import S3
import SluiceCore
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
