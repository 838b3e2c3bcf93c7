import Logging
import NIOCore
import SluiceCore
import SluiceWire
import Synchronization

extension WireServer {
    /// The server's shared bookkeeping, touched from every child channel's event loop.
    final class Registry: Sendable {
        private struct State {
            var closed = false
            var handshaking: [ObjectIdentifier: any Channel] = [:]
        }

        private let state = Mutex(State())
        private let continuation: AsyncStream<ExecutorConnection>.Continuation
        let logger: Logger

        init(continuation: AsyncStream<ExecutorConnection>.Continuation, logger: Logger) {
            self.continuation = continuation
            self.logger = logger
        }

        /// Marks the server closed; returns the channels still in their handshake.
        func close() -> [any Channel] {
            let pending = state.withLock { state -> [any Channel] in
                state.closed = true
                defer { state.handshaking.removeAll() }
                return Array(state.handshaking.values)
            }
            continuation.finish()
            return pending
        }

        /// Called on the child channel's event loop once its pipeline is set up.
        func handshakeStarted(channel: any Channel, setup: WireSessionSetup<ExecutorMessage>) {
            let key = ObjectIdentifier(channel)
            let accepted = state.withLock { state -> Bool in
                guard !state.closed else { return false }
                state.handshaking[key] = channel
                return true
            }
            guard accepted else {
                channel.close(promise: nil)
                return
            }
            let remote = channel.remoteAddress.map { "\($0)" } ?? "unknown"
            var baseLogger = self.logger
            baseLogger[metadataKey: WireLog.remoteAddress] = .string(remote)

            setup.authenticated.whenComplete { [baseLogger] result in
                var logger = baseLogger
                self.state.withLock { _ = $0.handshaking.removeValue(forKey: key) }
                switch result {
                case .success(let peer):
                    logger[metadataKey: WireLog.executorID] = .string(peer.executorID)
                    logger[metadataKey: WireLog.sessionID] = WireLog.session(peer.sessionID)
                    logger.debug(
                        "executor authenticated",
                        metadata: [WireLog.protocolVersion: "\(peer.protocolVersion)", WireLog.slots: "\(peer.slots)"])
                    let connection = ExecutorConnection(session: setup.session(), peer: peer, remoteAddress: remote)
                    let status = setup.status
                    let closeLogger = logger
                    channel.closeFuture.whenComplete { _ in
                        if let failure = status.failure {
                            var metadata: Logger.Metadata = [:]
                            WireLog.add(failure, to: &metadata)
                            closeLogger.warning("executor connection failed", metadata: metadata)
                        } else {
                            closeLogger.debug("executor connection closed")
                        }
                    }
                    if case .terminated = self.continuation.yield(connection) {
                        channel.close(promise: nil)
                    }
                case .failure(let error):
                    var metadata: Logger.Metadata = [:]
                    if let claimed = setup.status.claimedExecutorID {
                        metadata[WireLog.executorID] = .string(claimed)
                    }
                    var failure = error as? SluiceError
                        ?? SluiceError(.wireConnectionLost, "handshake failed", underlying: String(describing: error))
                    if WireTLSFiles.isTLSFailure(error) || failure.underlying.map(WireTLSFiles.mentionsTLSFailure) == true {
                        failure = SluiceError(.wireTLSFailed, "TLS with the executor failed (an executor without --tls-ca, or one that does not trust this certificate)",
                                              underlying: failure.underlying ?? failure.message)
                    }
                    WireLog.add(failure, to: &metadata)
                    logger.warning("executor handshake failed", metadata: metadata)
                }
            }
        }
    }
}
