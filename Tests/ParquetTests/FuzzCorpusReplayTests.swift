import Foundation
import Parquet
import SluiceCore
import Testing

/// Replays the inputs the fuzzer (scripts/fuzz-parquet.sh) found interesting, committed under Fixtures/fuzz:
/// each is read exactly as the fuzzer reads it; a crash would fail the whole test run.
@Suite struct FuzzCorpusReplayTests {
    static let directory = TestFiles.fixtures.appendingPathComponent("fuzz")

    @Test func corpusReplaysWithoutCrashing() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path)
            .filter { !$0.hasPrefix(".") }.sorted()
        #expect(files.count >= 20, "fuzz corpus missing in \(Self.directory.path)")
        var outcomes: [String: Int] = [:]
        for file in files {
            let bytes = Array(try Data(contentsOf: Self.directory.appendingPathComponent(file)))
            if let error = ParquetFuzzing.exercise(bytes) {
                #expect(error.context.file == "fuzz", "\(file): \(error)")
                #expect(!error.message.isEmpty)
                outcomes[error.code.name, default: 0] += 1
            } else {
                outcomes["read", default: 0] += 1
            }
        }
        #expect(outcomes.values.reduce(0, +) == files.count)
        // Most mutated inputs are rejected as corrupt; some are still valid files.
        #expect(outcomes["parquet_corrupt", default: 0] > 0)
    }
}
