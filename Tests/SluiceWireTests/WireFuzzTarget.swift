import NIOCore
import SluiceWire

/// What the fuzzer checks for every input (scripts/fuzz-wire.sh compiles this file into a libFuzzer target;
/// FuzzCorpusReplayTests runs it over the committed corpus). It must never crash, hang or allocate without
/// bound, and it traps when an invariant breaks:
///
/// 1. The input as a byte stream, decoded in one piece and in chunks of varying size, yields the same
///    messages and stops at the same error.
/// 2. Every decoded message re-encodes to a frame that decodes to the same message.
/// 3. The input as `[type byte][payload]`, decoded as that message's payload, round-trips the same way.
///
/// Only the codec is involved (Frames/ and Messages/), so the fuzz build needs no crypto.
enum WireFuzzTarget {
    /// A small limit, so that oversized frames are reachable with short inputs.
    static let maxPayloadSize = 1 << 16

    static func run(_ data: [UInt8]) {
        let whole = decodeStream(data, chunkSize: { _ in Int.max })
        let seed = Int(data.first ?? 1)
        let chunked = decodeStream(data, chunkSize: { index in 1 + (index * 7 + seed) % 13 })
        precondition(whole.messages == chunked.messages, "chunking changed the decoded messages")
        precondition(whole.error == chunked.error, "chunking changed the decoding error")
        for message in whole.messages { roundTrip(message) }

        if let first = data.first {
            let id = WireMessage.ID.allCases[Int(first) % WireMessage.ID.allCases.count]
            var payload = ByteBuffer(bytes: data.dropFirst())
            if let message = try? WireMessage.decode(from: &payload, id: id) { roundTrip(message) }
        }
    }

    struct Outcome: Equatable {
        var messages: [WireMessage] = []
        var error: WireDecodingError.Kind?
    }

    /// Feeds `data` to a decoder in chunks as a connection would, then ends the stream.
    static func decodeStream(_ data: [UInt8], chunkSize: (Int) -> Int) -> Outcome {
        var decoder = WireFrameDecoder(maxPayloadSize: maxPayloadSize, handshakeMaxPayloadSize: 1 << 12)
        var buffer = ByteBuffer()
        var outcome = Outcome()
        var offset = 0
        var index = 0
        do {
            while offset < data.count {
                let end = min(data.count, offset + max(1, min(chunkSize(index), data.count)))
                buffer.writeBytes(data[offset..<end])
                offset = end
                index += 1
                while let message = try decoder.decodeFrame(buffer: &buffer) { outcome.messages.append(message) }
            }
            while let message = try decoder.decodeLast(buffer: &buffer, seenEOF: true) { outcome.messages.append(message) }
        } catch let error as WireDecodingError {
            outcome.error = error.kind
            precondition(!error.description.isEmpty)
        } catch {
            preconditionFailure("the decoder threw something else than WireDecodingError: \(error)")
        }
        return outcome
    }

    static func roundTrip(_ message: WireMessage) {
        guard let frame = try? WireFrameEncoder(maxPayloadSize: .max).encode(message) else {
            preconditionFailure("a decoded message failed to encode")
        }
        var buffer = frame
        var decoder = WireFrameDecoder(maxPayloadSize: Int(UInt32.max), handshakeMaxPayloadSize: Int(UInt32.max))
        let decoded = try? decoder.decodeFrame(buffer: &buffer)
        precondition(decoded == message, "re-encoding changed \(message.id)")
        precondition(buffer.readableBytes == 0, "re-encoding left bytes over")
    }
}
