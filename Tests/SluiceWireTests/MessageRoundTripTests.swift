import Foundation
import NIOCore
import SluiceCore
import SluiceWire
import Testing

@Suite("Message encode/decode round trips")
struct MessageRoundTripTests {
    @Test("every message decodes to what was encoded, as a frame and as a bare payload")
    func everyMessageRoundTrips() throws {
        let messages = Fixtures.allMessages
        #expect(Set(messages.map(\.id)) == Set(WireMessage.ID.allCases), "the fixtures cover every message type")
        for message in messages {
            var frame = try Fixtures.frame(message)
            var decoder = WireFrameDecoder(maxPayloadSize: WireFrame.defaultMaxPayloadSize, handshakeMaxPayloadSize: .max)
            let decoded = try decoder.decode(buffer: &frame)
            #expect(decoded == message)
            #expect(frame.readableBytes == 0)

            var payload = ByteBuffer()
            message.encodePayload(into: &payload)
            let fromPayload = try WireMessage.decode(from: &payload, id: message.id)
            #expect(fromPayload == message)
        }
    }

    @Test("equal task results encode to equal bytes whatever the dictionary order")
    func nulledValuesAreSorted() throws {
        var first = ByteBuffer()
        var second = ByteBuffer()
        var result = Fixtures.taskResult("t")
        result.encode(into: &first)
        result.output.nulledValues = Dictionary(uniqueKeysWithValues: result.nulledValues.reversed())
        result.encode(into: &second)
        #expect(first == second)
        // The column names appear in byte order: "a" < "col:t" < "created_at" < "ß".
        let text = String(decoding: first.readableBytesView, as: UTF8.self)
        let positions = ["\u{1}a", "col:t", "created_at", "ß"].map { text.range(of: $0)!.lowerBound }
        #expect(positions == positions.sorted())
    }

    @Test("every field of a task failure survives, including an empty context and nil underlying")
    func taskFailureFields() throws {
        for failure in [Fixtures.taskFailure("z"), Fixtures.taskFailure("z", full: false)] {
            var payload = ByteBuffer()
            failure.encode(into: &payload)
            let decoded = try TaskFailure.decode(from: &payload)
            #expect(decoded.error.code == failure.error.code)
            #expect(decoded.error.message == failure.error.message)
            #expect(decoded.error.context == failure.error.context)
            #expect(decoded.error.underlying == failure.error.underlying)
            #expect(decoded.retryable == failure.retryable)
            #expect(decoded == failure)
        }
    }

    @Test("application messages map to wire messages and back, and refuse the other role's messages")
    func applicationMessages() {
        let driverMessages: [DriverMessage] = [
            .runConfig(.init(runID: "r", plan: "y")), .assignTask(Fixtures.taskSpec("t")),
            .cancelTask(taskID: 7, attempt: 2), .shutdown(reason: "done"),
        ]
        for message in driverMessages {
            #expect(DriverMessage(wireMessage: message.wireMessage) == message)
            #expect(message.wireMessage.id.sender == .driver || message.wireMessage.id == .shutdown)
        }
        let executorMessages: [ExecutorMessage] = [
            .taskProgress(.init(taskID: 1, attempt: 1, rows: 5)), .taskResult(Fixtures.taskResult("t")),
            .taskFailed(Fixtures.taskFailure("t")), .shutdown(reason: "draining"),
        ]
        for message in executorMessages {
            #expect(ExecutorMessage(wireMessage: message.wireMessage) == message)
        }
        #expect(DriverMessage(wireMessage: .taskProgress(.init(taskID: 1, attempt: 1, rows: 1))) == nil)
        #expect(ExecutorMessage(wireMessage: .assignTask(Fixtures.taskSpec("t"))) == nil)
        #expect(DriverMessage(wireMessage: .heartbeat) == nil)
        #expect(ExecutorMessage(wireMessage: .hello(Fixtures.hello)) == nil)
    }

    @Test("the encoder refuses a frame above its limit and leaves the buffer as it was")
    func encoderRefusesOversizedFrames() throws {
        let encoder = WireFrameEncoder(maxPayloadSize: 100)
        var buffer = ByteBuffer(bytes: [1, 2, 3])
        try encoder.encode(.shutdown(.init(reason: String(repeating: "y", count: 96))), into: &buffer)
        #expect(buffer.readableBytes == 3 + 9 + 100)
        let before = buffer
        let error = #expect(throws: SluiceError.self) {
            try encoder.encode(.shutdown(.init(reason: String(repeating: "y", count: 97))), into: &buffer)
        }
        #expect(error?.code == .wireFrameTooLarge)
        #expect(error?.message.contains("SHUTDOWN message of 101 bytes exceeds the frame limit of 100 bytes") == true)
        #expect(buffer == before)
    }
}
