import NIOCore
import SluiceWire

/// First in a TLS listener's pipeline: an executor started without `--tls-ca` opens with a plain HELLO, which TLS
/// would refuse with an alert (or nothing) that the executor cannot read. This handler answers such a connection
/// with a plain ERROR frame saying that the driver requires TLS, then closes it; anything else (a TLS ClientHello
/// starts with 0x16, never with the wire magic's "S") passes to TLS untouched, and the handler leaves the pipeline.
final class TLSRequiredHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// What the executor reads; ``DriverConnection`` recognises it to name the cause.
    static let message = "this driver requires TLS: start the executor with --tls-ca"

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        guard buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) == WireFrame.magic.0,
              let frame = try? WireFrameEncoder().encode(.error(.init(code: .protocolError, message: Self.message)))
        else {
            context.fireChannelRead(data)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            return
        }
        context.writeAndFlush(wrapOutboundOut(frame)).whenComplete { _ in context.close(promise: nil) }
    }
}
