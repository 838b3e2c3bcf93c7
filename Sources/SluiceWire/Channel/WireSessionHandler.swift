package import NIOCore
import SluiceCore

/// The one channel handler of a wire connection: it feeds every channel event to a
/// ``WireSessionStateMachine`` and runs the action it returns. It holds no protocol logic of its own.
///
/// Pipeline position: after `ByteToMessageHandler(WireFrameDecoder)`, before the `NIOAsyncChannel`
/// handlers. Inbound it receives decoded ``WireMessage``s and passes only application messages on, as
/// `Inbound`; outbound it receives ``OutboundFrame``s from the application and writes bytes. Handshake,
/// heartbeats, ERROR frames and timeouts never leave this handler; a failed session reaches the
/// application as a ``SluiceCore/SluiceError`` fired through `errorCaught` (so the async inbound sequence
/// throws it) and as the failure of the `authenticated` future while the handshake is still running.
///
/// The `NIOAsyncChannel` is added only when the application starts using the connection (see
/// ``WireSession``), because an `NIOAsyncChannel` must be consumed by `executeThenClose`, and a connection
/// may fail its handshake or be dropped unused. Until then this handler holds the application messages it
/// decoded and stops reading from the socket; ``consumerAttached()`` hands them over and reads again.
package final class WireSessionHandler<Inbound: WireApplicationMessage>: ChannelDuplexHandler {
    package typealias InboundIn = WireMessage
    package typealias InboundOut = Inbound
    package typealias OutboundIn = OutboundFrame
    package typealias OutboundOut = ByteBuffer

    private var stateMachine: WireSessionStateMachine
    private let encoder: WireFrameEncoder
    private let status: WireSessionStatus
    private let authenticated: EventLoopPromise<WireSessionPeer>
    private var authenticationSettled = false
    private var context: ChannelHandlerContext?
    private var timer: Scheduled<Void>?
    private var timerDeadline: NIODeadline?
    /// False between a read completing and the next `read()` passing by: while the async channel holds
    /// `read()` back (its consumer is slow), the peer's heartbeats wait in the socket.
    private var readRequested = true
    /// The last control frame written, so that a close waits for it to reach the socket.
    private var lastControlWrite: EventLoopFuture<Void>?
    /// True once the application took the connection (``claimConsumer()``).
    private var consumerClaimed = false
    /// True once the async channel behind this handler receives messages (``consumerAttached()``).
    private var consumerReady = false
    /// Application messages decoded before the application attached.
    private var heldInbound: [Inbound] = []
    /// A `read()` held back because the session is authenticated and nobody consumes it yet.
    private var readHeld = false

    package init(
        stateMachine: WireSessionStateMachine, encoder: WireFrameEncoder, status: WireSessionStatus,
        authenticated: EventLoopPromise<WireSessionPeer>
    ) {
        self.stateMachine = stateMachine
        self.encoder = encoder
        self.status = status
        self.authenticated = authenticated
    }

    // MARK: Lifecycle

    package func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive {
            run(stateMachine.channelActive(now: context.eventLoop.now), context)
        }
    }

    package func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimer()
        settleAuthentication()
        self.context = nil
    }

    package func channelActive(context: ChannelHandlerContext) {
        run(stateMachine.channelActive(now: context.eventLoop.now), context)
        context.fireChannelActive()
    }

    package func channelInactive(context: ChannelHandlerContext) {
        cancelTimer()
        if let error = stateMachine.channelInactive() {
            report(error, context)
        }
        settleAuthentication()
        status.closeOutbound()
        context.fireChannelInactive()
    }

    // MARK: Inbound

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        run(stateMachine.messageReceived(message, now: context.eventLoop.now), context)
    }

    package func channelReadComplete(context: ChannelHandlerContext) {
        readRequested = false
        context.fireChannelReadComplete()
    }

    package func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let decodingError = error as? WireDecodingError {
            run(stateMachine.decodingFailed(decodingError, now: context.eventLoop.now), context)
        } else if let b2mError = error as? ByteToMessageDecoderError, case .dataReceivedInErrorState = b2mError {
            // Bytes after a frame that failed to decode: dropped while the connection closes.
            return
        } else {
            run(stateMachine.connectionFailed(underlying: String(describing: error)), context)
        }
    }

    package func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            run(stateMachine.inputClosed(), context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    // MARK: Outbound

    package func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let frame = unwrapOutboundIn(data)
        switch stateMachine.outboundMessage(frame.id, now: context.eventLoop.now) {
        case .write:
            context.write(wrapOutboundOut(frame.bytes), promise: promise)
        case .writeThenCloseOutput:
            status.closeOutbound()
            let written = context.writeAndFlush(wrapOutboundOut(frame.bytes))
            written.cascade(to: promise)
            lastControlWrite = written
            closeOutput(after: written, context)
            rearmTimer(context)
        case .reject(let error):
            promise?.fail(error)
        }
    }

    package func read(context: ChannelHandlerContext) {
        if stateMachine.peer != nil && !consumerReady {
            readHeld = true
            return
        }
        readRequested = true
        context.read()
    }

    package func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard mode == .all else {
            context.close(mode: mode, promise: promise)
            return
        }
        status.closeOutbound()
        switch stateMachine.closeRequested() {
        case .sendThenClose(let message):
            writeControl(message, context)
            closeAfterPendingWrites(context, promise: promise)
        case .close:
            closeAfterPendingWrites(context, promise: promise)
        }
    }

    // MARK: Running actions

    private func run(_ action: WireSessionStateMachine.Action, _ context: ChannelHandlerContext) {
        switch action {
        case .none:
            break
        case .send(let message):
            writeControl(message, context)
        case .authenticated(let peer, let reply):
            if let reply { writeControl(reply, context) }
            if !authenticationSettled {
                authenticationSettled = true
                authenticated.succeed(peer)
            }
        case .deliver(let message):
            deliver(message, context)
        case .deliverThenClose(let message):
            status.closeOutbound()
            deliver(message, context)
            closeAfterPendingWrites(context, promise: nil)
        case .fail(let error, let errorFrame):
            report(error, context)
            if let errorFrame {
                closeOutput(after: writeControl(.error(errorFrame), context), context)
            } else {
                closeAfterPendingWrites(context, promise: nil)
            }
        case .close:
            closeAfterPendingWrites(context, promise: nil)
        }
        rearmTimer(context)
    }

    private func deliver(_ message: WireMessage, _ context: ChannelHandlerContext) {
        guard let inbound = Inbound(wireMessage: message) else {
            // The state machine only delivers messages of the peer's role; this cannot happen.
            report(SluiceError(.internalError, "\(message.id) reached the application of the wrong role"), context)
            closeAfterPendingWrites(context, promise: nil)
            return
        }
        if consumerReady {
            context.fireChannelRead(wrapInboundOut(inbound))
        } else {
            heldInbound.append(inbound)
        }
    }

    // MARK: Handing the session to the application

    /// Marks the connection as taken by the application. False when it was taken before.
    package func claimConsumer() -> Bool {
        guard !consumerClaimed else { return false }
        consumerClaimed = true
        return true
    }

    /// The async channel was just added behind this handler: pass on what was held, report a failure that
    /// happened meanwhile, and read again.
    package func consumerAttached() {
        consumerReady = true
        guard let context else { return }
        let held = heldInbound
        heldInbound.removeAll()
        for message in held { context.fireChannelRead(wrapInboundOut(message)) }
        context.fireChannelReadComplete()
        if let failure = stateMachine.failure { context.fireErrorCaught(failure) }
        if readHeld {
            readHeld = false
            readRequested = true
            context.read()
        }
    }

    /// The messages held for an application that attached after the channel closed.
    package func takeHeldMessages() -> [Inbound] {
        defer { heldInbound.removeAll() }
        return heldInbound
    }

    /// Tells the application why the session failed: once, through every channel it listens on.
    private func report(_ error: SluiceError, _ context: ChannelHandlerContext) {
        status.recordFailure(error, claimedExecutorID: stateMachine.claimedExecutorID)
        if !authenticationSettled {
            authenticationSettled = true
            authenticated.fail(error)
        }
        context.fireErrorCaught(error)
    }

    private func settleAuthentication() {
        guard !authenticationSettled else { return }
        authenticationSettled = true
        authenticated.fail(
            stateMachine.failure
                ?? SluiceError(.wireConnectionClosed, "the connection closed before the handshake completed"))
    }

    @discardableResult
    private func writeControl(_ message: WireMessage, _ context: ChannelHandlerContext) -> EventLoopFuture<Void>? {
        var buffer = context.channel.allocator.buffer(capacity: 64)
        do {
            try encoder.encode(message, into: &buffer)
        } catch {
            report(error, context)
            context.close(promise: nil)
            return nil
        }
        let written = context.writeAndFlush(wrapOutboundOut(buffer))
        lastControlWrite = written
        return written
    }

    /// After `write` (ERROR or SHUTDOWN) reached the socket, closes the output so the peer reads the frame
    /// and then EOF, while this side keeps reading until the peer closes or the grace period ends. Closing
    /// both directions at once could make the kernel answer unread input with a reset that destroys the
    /// frame before the peer reads it.
    private func closeOutput(after write: EventLoopFuture<Void>?, _ context: ChannelHandlerContext) {
        func shutOutput() {
            context.close(mode: .output).assumeIsolated().whenFailure { _ in
                context.close(promise: nil)
            }
        }
        guard let write else {
            shutOutput()
            return
        }
        write.assumeIsolated().whenComplete { _ in shutOutput() }
    }

    private func closeAfterPendingWrites(_ context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        cancelTimer()
        guard let pending = lastControlWrite else {
            context.close(promise: promise)
            return
        }
        pending.assumeIsolated().whenComplete { _ in
            context.close(promise: promise)
        }
    }

    // MARK: Timer

    /// Makes sure a timer fires at the state machine's next wake-up. A timer already due earlier is kept:
    /// when it fires the state machine does nothing and the timer is armed again.
    private func rearmTimer(_ context: ChannelHandlerContext) {
        guard let deadline = stateMachine.nextWakeup else {
            cancelTimer()
            return
        }
        if let armed = timerDeadline, armed <= deadline { return }
        timer?.cancel()
        timerDeadline = deadline
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            self.timer = nil
            self.timerDeadline = nil
            guard let context = self.context else { return }
            let now = context.eventLoop.now
            self.run(self.stateMachine.timerFired(now: now, inboundPaused: !self.readRequested), context)
        }
    }

    private func cancelTimer() {
        timer?.cancel()
        timer = nil
        timerDeadline = nil
    }
}

@available(*, unavailable)
extension WireSessionHandler: Sendable {}
