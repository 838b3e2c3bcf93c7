import Foundation
import SluiceCore
import Testing
@testable import PostgresSource

/// Replays the fuzz corpus (Tests/PostgresSourceTests/Fixtures/copy-fuzz, made by scripts/fuzz-copy.sh) through the
/// decoder the way the fuzz entry does: every input must end in rows or a SluiceError, never a crash.
@Suite("COPY decoder fuzz corpus replay")
struct CopyFuzzCorpusTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/copy-fuzz")

    static func inputs() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
    }

    @Test func corpusIsPresent() {
        #expect(Self.inputs().count >= 4, "no fuzz corpus in \(Self.directory.path)")
    }

    @Test func everyInputEndsInRowsOrAnError() throws {
        var decodedRows = 0, errors = 0
        for name in Self.inputs() {
            let bytes = try [UInt8](Data(contentsOf: Self.directory.appendingPathComponent(name)))
            switch CopyFuzzHarness.replay(bytes) {
            case .success(let rows): decodedRows += rows
            case .failure(let error):
                #expect(error.code != .internalError, "\(name): \(error)")
                errors += 1
            }
        }
        #expect(decodedRows + errors > 0)
    }

    /// The seeds are real PostgreSQL streams: they decode completely.
    @Test(arguments: [("seed-scalars", 2), ("seed-native", 4), ("seed-arrays", 1)])
    func seedsDecode(_ name: String, _ rows: Int) throws {
        let bytes = try [UInt8](Data(contentsOf: Self.directory.appendingPathComponent(name)))
        #expect(try CopyFuzzHarness.replay(bytes).get() == rows)
    }
}
