import Foundation
import S3
import SluiceCore
import Testing

/// Replays Fixtures/fuzz: real answers of moto, Swift and AWS, and the inputs scripts/fuzz-s3.sh found interesting,
/// each handed to every reader as the fuzzer does. A crash would fail the whole test run; every failure must be an
/// `s3_invalid_response` with a message, and the real answers must still parse.
struct S3FuzzCorpusReplayTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/fuzz")

    @Test func corpusReplaysWithoutCrashing() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).filter { !$0.hasPrefix(".") }.sorted()
        #expect(files.count >= 100, "fuzz corpus missing in \(Self.directory.path)")
        var parsed = 0
        var failed = 0
        for file in files {
            let bytes = Array(try Data(contentsOf: Self.directory.appendingPathComponent(file)))
            let outcome = S3ResponseFuzzing.exercise(bytes)
            parsed += outcome.parsed
            failed += outcome.failures.count
            for failure in outcome.failures {
                #expect(failure.code == .s3InvalidResponse || failure.code == .s3Credentials, "\(file): \(failure)")
                #expect(!failure.message.isEmpty)
            }
            if file.hasPrefix("sample-") { #expect(outcome.parsed >= 1, "\(file): a real answer parses") }
        }
        // Both outcomes occur: inputs that still parse, and damaged ones refused.
        #expect(parsed > 0 && failed > 0, "\(parsed) readers accepted, \(failed) refused")
    }
}
