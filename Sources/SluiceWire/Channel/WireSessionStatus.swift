package import SluiceCore
import Synchronization

/// What the session handler tells the application's side of a connection, from any thread: why the
/// session ended, and whether sending is still possible.
package final class WireSessionStatus: Sendable {
    private struct State {
        var failure: SluiceError?
        var outboundClosed = false
        var claimedExecutorID: String?
        var inboundIterated = false
    }

    private let state = Mutex(State())

    package init() {}

    /// The session's failure, once it failed; nil while it is healthy or after a clean end.
    package var failure: SluiceError? {
        state.withLock { $0.failure }
    }

    /// True once this side sent SHUTDOWN or ERROR, or the connection closed.
    package var isOutboundClosed: Bool {
        state.withLock { $0.outboundClosed }
    }

    /// The executor id HELLO announced, authenticated or not (driver side); for logs.
    package var claimedExecutorID: String? {
        state.withLock { $0.claimedExecutorID }
    }

    /// Records the session's failure; the first one wins.
    package func recordFailure(_ error: SluiceError, claimedExecutorID: String? = nil) {
        state.withLock { state in
            if state.failure == nil { state.failure = error }
            state.outboundClosed = true
            if let claimedExecutorID { state.claimedExecutorID = claimedExecutorID }
        }
    }

    /// Marks the inbound messages as being iterated; false when they were before (one consumer only).
    package func claimInboundIteration() -> Bool {
        state.withLock { state in
            defer { state.inboundIterated = true }
            return !state.inboundIterated
        }
    }

    /// Records that nothing more can be sent.
    package func closeOutbound() {
        state.withLock { $0.outboundClosed = true }
    }
}
