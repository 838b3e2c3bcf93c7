import NIOCore
import NIOTestUtils
import SluiceCore
import SluiceWire
import Testing

@Suite("Frame decoder")
struct FrameDecoderTests {
    /// Decodes everything in `bytes`, as a connection would, and returns the messages and the error that
    /// stopped decoding, if any.
    private func decodeAll(
        _ bytes: [UInt8], decoder: WireFrameDecoder = WireFrameDecoder(), eof: Bool = true
    ) -> ([WireMessage], WireDecodingError?) {
        var decoder = decoder
        var buffer = ByteBuffer(bytes: bytes)
        var messages: [WireMessage] = []
        do {
            while let message = try decoder.decode(buffer: &buffer) { messages.append(message) }
            if eof, let last = try decoder.decodeLast(buffer: &buffer, seenEOF: true) { messages.append(last) }
            return (messages, nil)
        } catch {
            return (messages, error as? WireDecodingError)
        }
    }

    private func bytes(_ message: WireMessage) throws -> [UInt8] {
        Array(try Fixtures.frame(message).readableBytesView)
    }

    @Test("ByteToMessageDecoderVerifier: whole, batched and drip-fed byte by byte input gives the same messages")
    func verifier() throws {
        // Small and medium messages (the verifier drip-feeds every byte ten times).
        let messages: [WireMessage] = [
            .heartbeat, .shutdown(.init(reason: "ünïcödé 🦀")), .error(.init(code: .protocolError, message: "")),
            .taskProgress(.init(taskID: 1, attempt: 2, rows: 3)), .assignTask(Fixtures.taskSpec("orders")),
            .taskResult(Fixtures.taskResult("orders")), .taskFailed(Fixtures.taskFailure("orders")),
            .runConfig(.init(runID: "r1", plan: "source:\n  host: ${PGHOST}\n")),
        ]
        let pairs = try messages.map { (try Fixtures.frame($0), [$0]) }
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) {
            WireFrameDecoder(maxPayloadSize: 1 << 20, handshakeMaxPayloadSize: 1 << 20)
        }
    }

    @Test("a large message fed in odd-sized chunks decodes once, and only when complete")
    func chunkedLargeMessage() throws {
        let message = WireMessage.runConfig(.init(runID: "r", plan: String(repeating: "yaml: ✓\n", count: 50_000)))
        let all = try bytes(message)
        var decoder = WireFrameDecoder(maxPayloadSize: 1 << 20, handshakeMaxPayloadSize: 1 << 20)
        var buffer = ByteBuffer()
        var decoded: [WireMessage] = []
        var offset = 0
        var chunk = 1
        while offset < all.count {
            let end = min(all.count, offset + chunk)
            buffer.writeBytes(all[offset..<end])
            offset = end
            chunk = chunk * 3 + 1
            while let message = try decoder.decode(buffer: &buffer) { decoded.append(message) }
            if offset < all.count { #expect(decoded.isEmpty) }
        }
        #expect(decoded == [message])
    }

    @Test("garbage is refused at its first wrong byte, without waiting for a whole header", arguments: [
        ("GET / HTTP/1.1\r\n\r\n", WireDecodingError.Kind.badMagic),
        ("S", nil),
        ("SX", WireDecodingError.Kind.badMagic),
        ("\u{16}\u{03}\u{01}", WireDecodingError.Kind.badMagic),
    ])
    func garbage(_ input: String, _ expected: WireDecodingError.Kind?) {
        let (messages, error) = decodeAll(Array(input.utf8), eof: false)
        #expect(messages.isEmpty)
        #expect(error?.kind == expected)
        if expected == .badMagic {
            #expect(error?.description.contains("not a Sluice wire frame") == true)
            #expect(error?.wireErrorCode == .protocolError)
        }
    }

    @Test("each header field is checked as soon as its byte arrives")
    func headerFields() {
        let version = decodeAll([0x53, 0x4C, 0x02], eof: false).1
        #expect(version?.kind == .unsupportedFormatVersion)
        #expect(version?.description == "unsupported frame format version 2; this build reads version 1")

        let type = decodeAll([0x53, 0x4C, 0x01, 0x99], eof: false).1
        #expect(type?.kind == .unknownMessageType)
        #expect(type?.description == "unknown message type 0x99")

        let flags = decodeAll([0x53, 0x4C, 0x01, 0x05, 0x80], eof: false).1
        #expect(flags?.kind == .unsupportedFlags)
        #expect(flags?.description == "HEARTBEAT frame: flags 0x80 are set; version 1 defines no flags")

        // A valid prefix is simply incomplete.
        #expect(decodeAll([0x53, 0x4C, 0x01, 0x05, 0x00, 0x00], eof: false) == ([], nil))
    }

    @Test("oversized frames are refused from the header alone: 64 KiB before the handshake, the configured limit after")
    func oversized() throws {
        var header: [UInt8] = [0x53, 0x4C, 0x01, 0x11, 0x00]
        header += [0x00, 0x01, 0x00, 0x01]  // 65,537 bytes announced, none sent
        let early = decodeAll(header, eof: false).1
        #expect(early?.kind == .frameTooLarge)
        #expect(early?.wireErrorCode == .frameTooLarge)
        #expect(early?.description == "ASSIGN_TASK frame: payload of 65537 bytes exceeds the limit of 65536 bytes before the handshake completed")

        // After an AUTH the configured limit applies.
        let auth = try bytes(.auth(.init(proof: Fixtures.nonce(1))))
        let decoder = WireFrameDecoder(maxPayloadSize: 100_000)
        let (messages, error) = decodeAll(auth + header, decoder: decoder, eof: false)
        #expect(messages.count == 1)
        #expect(error == nil)
        let huge = auth + [0x53, 0x4C, 0x01, 0x11, 0x00, 0xFF, 0xFF, 0xFF, 0xFF]
        let late = decodeAll(huge, decoder: decoder, eof: false).1
        #expect(late?.description == "ASSIGN_TASK frame: payload of 4294967295 bytes exceeds the limit of 100000 bytes")
    }

    @Test("a connection that ends inside a frame is a truncated frame")
    func truncated() throws {
        let hello = try bytes(.hello(Fixtures.hello))
        let inHeader = decodeAll(Array(hello.prefix(5))).1
        #expect(inHeader?.kind == .truncatedFrame)
        #expect(inHeader?.description == "HELLO frame: the connection ended inside a frame header (5 of 9 bytes)")
        let inPayload = decodeAll(Array(hello.prefix(20))).1
        #expect(inPayload?.description == "HELLO frame: the connection ended inside the payload (11 of 50 bytes)")
        // The same bytes without EOF just wait for more.
        #expect(decodeAll(Array(hello.prefix(20)), eof: false) == ([], nil))
    }

    @Test("payloads that do not parse name the message, the field and the problem", arguments: [
        // HEARTBEAT with a payload: trailing bytes.
        ("53 4C 01 05 00 00 00 00 01 | 00", "malformed HEARTBEAT payload: 1 bytes left over after the last field"),
        // SHUTDOWN whose string length runs past the payload.
        ("53 4C 01 07 00 00 00 00 06 | 00 00 00 09 41 42",
         "malformed SHUTDOWN payload, field reason: string length 9 exceeds the 2 bytes left"),
        // SHUTDOWN with invalid UTF-8.
        ("53 4C 01 07 00 00 00 00 06 | 00 00 00 02 C3 28",
         "malformed SHUTDOWN payload, field reason: string of 2 bytes is not valid UTF-8"),
        // ERROR cut inside its code.
        ("53 4C 01 06 00 00 00 00 01 | 00", "malformed ERROR payload, field code: needs 2 bytes, 1 left"),
        // TASK_FAILED with retryable = 2.
        ("53 4C 01 14 00 00 00 00 0D | 00 00 00 00 00 00 00 01 | 00 00 00 01 | 02",
         "malformed TASK_FAILED payload, field retryable: boolean byte is 2, expected 0 or 1"),
        // HELLO with slots 0.
        ("53 4C 01 01 00 00 00 00 08 | 00 01 00 01 00 00 00 00", "malformed HELLO payload, field slots: must be at least 1"),
        // HELLO with an empty version range.
        ("53 4C 01 01 00 00 00 00 04 | 00 03 00 01", "malformed HELLO payload, field maxVersion: version range 3...1 is empty"),
        // WELCOME whose timeout is shorter than its interval.
        ("53 4C 01 04 00 00 00 00 30 | 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 | 00 00 00 00 00 00 00 01 | 00 00 00 0A | 00 00 00 05",
         "malformed WELCOME payload, field heartbeatTimeoutMillis: 5 is shorter than the interval 10"),
    ])
    func malformed(_ hex: String, _ expected: String) {
        let (messages, error) = decodeAll(Fixtures.bytes(hex: hex))
        #expect(messages.isEmpty)
        #expect(error?.kind == .malformedPayload)
        #expect(error?.description == expected)
        #expect(error?.sluiceError.code == .wireProtocolError)
    }

    @Test("hostile counts are checked against the bytes left before anything is reserved")
    func hostileCounts() throws {
        // TASK_RESULT whose nulledValues count claims 4 billion entries.
        var result = Fixtures.taskResult("t")
        result.output.nulledValues = [:]
        result.output.quarantined = [:]
        result.output.receipt = .none
        result.related = []
        var payload = ByteBuffer()
        result.encode(into: &payload)
        // The count sits before the quarantined count (4 bytes), the receipt (an empty kind and an empty blob,
        // 4 bytes each) and the related count (4 bytes).
        payload.setInteger(UInt32.max, at: payload.writerIndex - 20)
        let error = #expect(throws: WireDecodingError.self) { try WireMessage.decode(from: &payload, id: .taskResult) }
        #expect(error?.description.hasPrefix("malformed TASK_RESULT payload, field output.nulledValues: count 4294967295 needs at least") == true)

        // ASSIGN_TASK whose read payload claims more bytes than the frame has.
        var task = Fixtures.taskSpec("t")
        task.related = []
        var spec = ByteBuffer()
        task.encode(into: &spec)
        // The read payload's bytes are followed by the related count (4 bytes).
        let blobOffset = spec.writerIndex - 4 - task.read.bytes.count - 4
        #expect(spec.getInteger(at: blobOffset, as: UInt32.self) == UInt32(task.read.bytes.count))
        spec.setInteger(UInt32.max, at: blobOffset)
        let blobError = #expect(throws: WireDecodingError.self) { try WireMessage.decode(from: &spec, id: .assignTask) }
        #expect(blobError?.description.hasPrefix("malformed ASSIGN_TASK payload, field read.bytes: length 4294967295 runs past the payload") == true)
    }

    @Test("a TASK_RESULT that repeats a name in nulledValues or quarantined is refused")
    func duplicateColumns() {
        for (field, nulled, quarantined) in [("nulledValues", ["c", "c"], []), ("quarantined", ["c"], ["rule", "rule"])] {
            var payload = ByteBuffer()
            payload.writeWireInteger(1 as UInt64)
            payload.writeWireInteger(1 as UInt32)
            for _ in 0..<2 { payload.writeWireInteger(0 as UInt64) }
            payload.writeWireOptionalString(nil)
            payload.writeWireString("orders")
            for _ in 0..<6 { payload.writeWireInteger(0 as UInt64) }
            payload.writeWireString("shard")
            payload.writeWireOptionalString(nil)
            for names in [nulled, quarantined] {
                payload.writeWireCount(names.count)
                for name in names {
                    payload.writeWireString(name)
                    payload.writeWireInteger(1 as UInt64)
                }
            }
            let error = #expect(throws: WireDecodingError.self) { try WireMessage.decode(from: &payload, id: .taskResult) }
            let name = nulled.count > 1 ? "c" : "rule"
            #expect(error?.description == "malformed TASK_RESULT payload, field output.\(field).name: \"\(name)\" appears twice")
        }
    }

    @Test("executor ids: 1 to 256 bytes, no control characters")
    func executorIDs() {
        #expect(WireMessage.Hello.problem(withExecutorID: "executor-1") == nil)
        #expect(WireMessage.Hello.problem(withExecutorID: "执行器 🦀") == nil)
        #expect(WireMessage.Hello.problem(withExecutorID: String(repeating: "é", count: 128)) == nil)
        #expect(WireMessage.Hello.problem(withExecutorID: "") != nil)
        #expect(WireMessage.Hello.problem(withExecutorID: String(repeating: "x", count: 257)) != nil)
        #expect(WireMessage.Hello.problem(withExecutorID: "evil\nlog line") == "must not contain control characters")
        #expect(WireMessage.Hello.problem(withExecutorID: "esc\u{1B}[31m") != nil)
    }
}
