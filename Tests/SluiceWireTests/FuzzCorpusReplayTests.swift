import Foundation
import NIOCore
import SluiceWire
import Testing

/// Replays the committed fuzz corpus (Tests/SluiceWireTests/FuzzCorpus, kept by scripts/fuzz-wire.sh) through
/// the fuzz target's checks, so every input the fuzzer found interesting stays covered by the test suite.
@Suite("Fuzz corpus replay")
struct FuzzCorpusReplayTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("FuzzCorpus")

    static var files: [URL] {
        (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil))?
            .sorted { $0.lastPathComponent < $1.lastPathComponent } ?? []
    }

    @Test("the corpus is there, and every input passes the fuzz target's checks")
    func replay() throws {
        let files = Self.files
        #expect(files.count >= 50, "FuzzCorpus holds \(files.count) inputs")
        var decodedMessages = 0
        var errors: Set<String> = []
        for file in files {
            let data = [UInt8](try Data(contentsOf: file))
            WireFuzzTarget.run(data)
            let outcome = WireFuzzTarget.decodeStream(data) { _ in Int.max }
            decodedMessages += outcome.messages.count
            if let error = outcome.error { errors.insert("\(error)") }
        }
        // The corpus reaches both valid messages and every kind of decoding error.
        #expect(decodedMessages > 0)
        #expect(errors.isSuperset(of: ["badMagic", "unsupportedFormatVersion", "unknownMessageType", "unsupportedFlags",
                                       "frameTooLarge", "truncatedFrame", "malformedPayload"]), "\(errors)")
    }

    @Test("every message type is in the corpus")
    func everyType() throws {
        var seen: Set<WireMessage.ID> = []
        for file in Self.files {
            for message in WireFuzzTarget.decodeStream([UInt8](try Data(contentsOf: file)), chunkSize: { _ in Int.max }).messages {
                seen.insert(message.id)
            }
        }
        #expect(seen == Set(WireMessage.ID.allCases), "missing: \(Set(WireMessage.ID.allCases).subtracting(seen))")
    }
}
