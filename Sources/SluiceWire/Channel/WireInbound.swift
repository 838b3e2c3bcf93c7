import NIOCore
import SluiceCore

/// The messages a connection receives, in order: an `AsyncSequence` with a single consumer. Iterating it a
/// second time (even after the first loop ended) throws `wire_connection_closed` at once.
///
/// It ends normally when the session ended cleanly (the peer sent SHUTDOWN, which is then the last element,
/// or this side closed). It throws a ``SluiceCore/SluiceError`` when the session failed: heartbeat timeout
/// (`wire_heartbeat_timeout`), invalid frames (`wire_protocol_error`, `wire_frame_too_large`), an ERROR from
/// the peer (its code), or a connection that ended without SHUTDOWN (`wire_connection_lost`).
public struct WireInbound<Message: WireApplicationMessage>: AsyncSequence, Sendable {
    public typealias Element = Message

    enum Backing: Sendable {
        /// A live connection.
        case stream(NIOAsyncChannelInboundStream<Message>)
        /// A connection that closed before the application attached: what arrived, then how it ended.
        case replay([Message], failure: SluiceError?)
    }

    let backing: Backing
    let status: WireSessionStatus

    public func makeAsyncIterator() -> AsyncIterator {
        guard status.claimInboundIteration() else {
            let error = SluiceError(.wireConnectionClosed, "a connection's inbound messages can be iterated only once")
            return AsyncIterator(backing: .replay([], failure: error), status: status)
        }
        switch backing {
        case .stream(let stream):
            return AsyncIterator(backing: .stream(stream.makeAsyncIterator()), status: status)
        case .replay(let messages, let failure):
            return AsyncIterator(backing: .replay(messages[...], failure: failure), status: status)
        }
    }

    /// Iterates the messages; rethrows failures as ``SluiceCore/SluiceError``.
    public struct AsyncIterator: AsyncIteratorProtocol {
        enum Backing {
            case stream(NIOAsyncChannelInboundStream<Message>.AsyncIterator)
            case replay(ArraySlice<Message>, failure: SluiceError?)
        }

        var backing: Backing
        let status: WireSessionStatus

        public mutating func next() async throws -> Message? {
            switch backing {
            case .stream(var iterator):
                defer { backing = .stream(iterator) }
                do {
                    return try await iterator.next()
                } catch let error as SluiceError {
                    throw error
                } catch {
                    throw status.failure
                        ?? SluiceError(.wireConnectionLost, "the connection failed", underlying: String(describing: error))
                }
            case .replay(var messages, let failure):
                if let first = messages.popFirst() {
                    backing = .replay(messages, failure: failure)
                    return first
                }
                backing = .replay([], failure: nil)
                if let failure { throw failure }
                return nil
            }
        }
    }
}
