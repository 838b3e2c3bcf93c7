import NIOCore
import SluiceCore
import SluiceWire
import Testing

/// The example frames of docs/protocol.md §9, byte for byte. If one of these changes, the specification
/// (and every peer built from it) changes too.
@Suite("Golden frames from docs/protocol.md")
struct GoldenFrameTests {
    static let examples: [(String, WireMessage, String)] = [
        ("HEARTBEAT", .heartbeat, "53 4C 01 05 00 00 00 00 00"),
        ("SHUTDOWN", .shutdown(.init(reason: "done")),
         "53 4C 01 07 00 00 00 00 08 | 00 00 00 04 64 6F 6E 65"),
        ("ERROR", .error(.init(code: .authenticationFailed, message: "bad proof")),
         "53 4C 01 06 00 00 00 00 0F | 00 04 | 00 00 00 09 62 61 64 20 70 72 6F 6F 66"),
        ("TASK_PROGRESS", .taskProgress(.init(taskID: 7, attempt: 2, rows: 1000, phase: .loading)),
         "53 4C 01 12 00 00 00 00 15 | 00 00 00 00 00 00 00 07 | 00 00 00 02 | 00 00 00 00 00 00 03 E8 | 01"),
        ("CANCEL_TASK", .cancelTask(.init(taskID: 7, attempt: 2)),
         "53 4C 01 17 00 00 00 00 0C | 00 00 00 00 00 00 00 07 | 00 00 00 02"),
        ("HELLO", .hello(.init(minVersion: 2, maxVersion: 2, slots: 4, clientNonce: Fixtures.nonce(0), executorID: "exec-1")),
         """
         53 4C 01 01 00 00 00 00 32 | 00 02 | 00 02 | 00 00 00 04
         00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F 10 11 12 13 14 15 16 17 18 19 1A 1B 1C 1D 1E 1F
         00 00 00 06 65 78 65 63 2D 31
         """),
        ("TASK_FAILED", .taskFailed(TaskFailure(
            taskID: 1, attempt: 1,
            error: SluiceError(SluiceError.Code("invalid_value"), "bad date", context: ErrorContext(table: "t", row: 5),
                               retryable: false))),
         """
         53 4C 01 14 00 00 00 00 3F | 00 00 00 00 00 00 00 01 | 00 00 00 01 | 00
         00 00 00 0D 69 6E 76 61 6C 69 64 5F 76 61 6C 75 65 | 00 00 00 08 62 61 64 20 64 61 74 65 | 00
         00 | 00 | 00 | 01 00 00 00 01 74 | 00 | 01 00 00 00 00 00 00 00 05 | 00
         """),
    ]

    @Test("each example encodes to exactly the documented bytes and decodes back", arguments: 0..<examples.count)
    func example(_ index: Int) throws {
        let (name, message, hex) = Self.examples[index]
        let expected = Fixtures.bytes(hex: hex)
        let encoded = try Fixtures.frame(message)
        #expect(Array(encoded.readableBytesView) == expected, "\(name): got \(Fixtures.hex(encoded))")
        var input = ByteBuffer(bytes: expected)
        var decoder = WireFrameDecoder()
        #expect(try decoder.decode(buffer: &input) == message)
    }

    @Test("the documented executor proof matches an independent HMAC-SHA256 computed by Python")
    func proofMatchesPython() throws {
        let secret = try WireSecret(text: "0123456789abcdef0123456789abcdef")
        let hello = WireMessage.Hello(minVersion: 2, maxVersion: 2, slots: 4, clientNonce: Fixtures.nonce(0), executorID: "exec-1")
        let challenge = WireMessage.Challenge(version: 2, serverNonce: Fixtures.nonce(0x20))
        let proof = HandshakeProof.executorProof(secret: secret, hello: hello, challenge: challenge)
        let driverProof = HandshakeProof.driverProof(
            secret: secret, hello: hello, challenge: challenge, sessionID: 0x0102030405060708,
            heartbeatIntervalMillis: 5000, heartbeatTimeoutMillis: 15000)
        // The transcript written out as docs/protocol.md §5.2 specifies it, hashed by Python's hmac module.
        let script = """
            import hmac, hashlib, struct
            key = b"0123456789abcdef0123456789abcdef"
            t = struct.pack(">HHHI", 2, 2, 2, 4) + bytes(range(0, 32)) + bytes(range(32, 64)) + struct.pack(">I", 6) + b"exec-1"
            print(hmac.new(key, b"sluice-wire executor proof\\x00" + t, hashlib.sha256).hexdigest())
            print(hmac.new(key, b"sluice-wire driver proof\\x00" + t + struct.pack(">QII", 0x0102030405060708, 5000, 15000), hashlib.sha256).hexdigest())
            """
        let output = try runPython(script).split(separator: "\n").map(String.init)
        #expect(output == [hexString(proof), hexString(driverProof)])
        // And the value printed in docs/protocol.md §9.
        #expect(hexString(proof) == Self.documentedExecutorProof)
    }

    static let documentedExecutorProof = "10f334c642ff3e7c90bbb7a1dba575ac3b568833e80923d21edf5a20b015c934"

    private func hexString(_ bytes: [UInt8]) -> String {
        bytes.map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }
}
