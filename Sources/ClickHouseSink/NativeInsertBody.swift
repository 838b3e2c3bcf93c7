import Synchronization
public import SluiceCore

/// The body of a streaming Native insert: pulls one ``SluiceCore/RecordBatch`` at a time from the
/// caller's sequence, encodes it as one Native block, and hands the bytes out in the pieces libcurl asks
/// for. Memory holds one batch and its encoding, whatever the number of rows.
///
/// libcurl calls ``fill(_:)`` on the request's thread, one call at a time; the mutex makes that safe to
/// state to the compiler, and is never contended.
public final class NativeInsertBody: Sendable {
    /// What has gone out so far.
    public struct Progress: Sendable, Hashable {
        public var rows = 0
        public var batches = 0
        /// Body bytes handed out, the statement prefix included.
        public var bytes = 0
        /// The largest encoded block held at once: the memory bound of the body.
        public var largestBlock = 0
    }

    private struct State {
        var next: () -> RecordBatch?
        var block: [UInt8] = []
        var offset = 0
        var finished = false
        var progress = Progress()
    }

    private let state: Mutex<State>
    private let encoder: ClickHouseNativeEncoder

    /// - Parameters:
    ///   - prefix: bytes sent before the first block: the `INSERT ... FORMAT Native` statement and a
    ///     newline, when the statement travels in the body (ClickHouse reads the data from the byte after
    ///     the first newline following the statement).
    ///   - batches: iterated lazily, on the thread that sends the request.
    public init<S: Sequence<RecordBatch>>(encoder: ClickHouseNativeEncoder, prefix: [UInt8] = [], batches: sending S) {
        self.encoder = encoder
        var iterator = batches.makeIterator()
        state = Mutex(State(next: { iterator.next() }, block: prefix))
    }

    public var progress: Progress { state.withLock { $0.progress } }

    /// Copies the next bytes of the body into `buffer`; 0 at the end. Encoding errors (a value out of
    /// range, a batch of another schema) are thrown with the row counted from the start of the insert.
    public func fill(_ buffer: UnsafeMutableRawBufferPointer) throws(SluiceError) -> Int {
        try state.withLock { (state: inout State) throws(SluiceError) -> Int in
            while state.offset == state.block.count {
                guard !state.finished, let batch = state.next() else {
                    state.finished = true
                    state.block = []
                    state.offset = 0
                    return 0
                }
                guard batch.rowCount > 0 else { continue }
                state.block = []  // free the previous block before encoding the next one
                state.block = try encoder.encode(batch, firstRow: state.progress.rows)
                state.offset = 0
                state.progress.rows += batch.rowCount
                state.progress.batches += 1
                state.progress.largestBlock = max(state.progress.largestBlock, state.block.count)
            }
            let count = min(buffer.count, state.block.count - state.offset)
            state.block.withUnsafeBytes { block in
                buffer.baseAddress!.copyMemory(from: block.baseAddress! + state.offset, byteCount: count)
            }
            state.offset += count
            state.progress.bytes += count
            return count
        }
    }
}
