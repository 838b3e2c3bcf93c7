package import NIOCore
import SluiceCore

/// One authenticated connection as the application holds it, before and while it uses it: the channel,
/// its session handler and status. ``executeThenClose(isolation:_:)`` adds the `NIOAsyncChannel` and runs
/// the application's scope; when the scope ends, the channel closes.
package struct WireSession<Inbound: WireApplicationMessage, Outbound: WireApplicationMessage>: Sendable {
    package let channel: any Channel
    let handler: NIOLoopBound<WireSessionHandler<Inbound>>
    package let status: WireSessionStatus
    let encoder: WireFrameEncoder
    let inboundBufferSize: Int

    private enum Attachment: Sendable {
        case live(NIOAsyncChannel<Inbound, OutboundFrame>)
        case closed([Inbound])
    }

    /// Runs `body` with the session's inbound messages and its sender, then closes the channel.
    ///
    /// - Throws: what `body` throws; ``SluiceCore/SluiceError`` `wire_connection_closed` when called twice.
    package func executeThenClose<Result>(
        isolation actor: isolated (any Actor)?,
        _ body: (_ inbound: WireInbound<Inbound>, _ outbound: WireOutbound<Outbound>) async throws -> sending Result
    ) async throws -> sending Result {
        let channel = channel
        let handler = handler
        let high = max(inboundBufferSize, 1)
        let attachment = try await channel.eventLoop.submit { () throws -> Attachment in
            let handler = handler.value
            guard handler.claimConsumer() else {
                throw SluiceError(.wireConnectionClosed, "this connection is already in use (executeThenClose was called before)")
            }
            guard channel.isActive else { return .closed(handler.takeHeldMessages()) }
            let asyncChannel = try NIOAsyncChannel<Inbound, OutboundFrame>(
                wrappingChannelSynchronously: channel,
                configuration: .init(backPressureStrategy: .init(lowWatermark: high / 2, highWatermark: high)))
            handler.consumerAttached()
            return .live(asyncChannel)
        }.get()

        let status = status
        let encoder = encoder
        switch attachment {
        case .closed(let held):
            return try await body(
                WireInbound(backing: .replay(held, failure: status.failure), status: status),
                WireOutbound(writer: nil, encoder: encoder, status: status))
        case .live(let asyncChannel):
            return try await asyncChannel.executeThenClose(isolation: actor) { inbound, outbound in
                try await body(
                    WireInbound(backing: .stream(inbound), status: status),
                    WireOutbound(writer: outbound, encoder: encoder, status: status))
            }
        }
    }

    /// Closes the channel (the handler says SHUTDOWN first if the session is open) and waits until it is closed.
    package func close() async {
        channel.close(promise: nil)
        try? await channel.closeFuture.get()
    }
}
