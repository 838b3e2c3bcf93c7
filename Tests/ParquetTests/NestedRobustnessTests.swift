import Foundation
import Parquet
import SluiceCore
import Testing

/// Damaged files with nested columns: an error naming the file (and, for damage found while reading a
/// nested column, the leaf), never a crash, hang or huge allocation.
@Suite struct NestedRobustnessTests {
    /// Uncompressed parquet-testing files with deep nesting (lists of lists of structs, maps of structs of lists),
    /// so that damage lands in levels and values rather than in compressed bytes.
    static let files = ["nullable.impala.parquet", "nonnullable.impala.parquet", "repeated_primitive_no_list.parquet"]

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: TestFiles.parquetTesting.appendingPathComponent(name)))
    }

    @Test(arguments: files)
    func everyTruncationIsRejected(_ name: String) throws {
        let bytes = try Self.bytes(name)
        #expect(ReaderRobustnessTests.readAll(bytes) == nil)
        for length in 0..<bytes.count {
            let error = ReaderRobustnessTests.readAll(Array(bytes[..<length]))
            #expect(error != nil, "\(name) cut to \(length) of \(bytes.count) bytes was accepted")
            #expect(error?.context.file == "damaged.parquet")
        }
    }

    @Test(arguments: files)
    func randomDamageToPagesNeverCrashes(_ name: String) throws {
        let bytes = try Self.bytes(name)
        let reader = try ParquetFileReader(bytes: bytes)
        let pagesEnd = bytes.count - 8 - reader.footerLength
        let leaves = Set(reader.fileSchema.columns.compactMap(\.nested).flatMap(\.leaves).map(\.path))
        var rng = SplitMix64(seed: 12)
        var rejected = 0, namingALeaf = 0
        for _ in 0..<2000 {
            var damaged = bytes
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                damaged[Int.random(in: 4..<pagesEnd, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            guard let error = ReaderRobustnessTests.readAll(damaged) else { continue }
            rejected += 1
            #expect(error.context.file == "damaged.parquet")
            #expect([.parquetCorrupt, .parquetUnsupported, .parquetLimit].contains(error.code), "\(error)")
            #expect(error.context.column != nil, "\(error)")
            if let column = error.context.column, leaves.contains(column) { namingALeaf += 1 }
        }
        #expect(rejected > 0)
        #expect(namingALeaf > 0, "no rejection named a nested leaf")
    }
}
