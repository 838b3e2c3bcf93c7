import Synchronization
public import SluiceCore

/// The body of a streaming Native insert: pulls one ``SluiceCore/RecordBatch`` at a time from a
/// ``SluiceCore/BatchSource``, encodes it as one Native block, and hands the bytes out in the pieces libcurl
/// asks for. Memory holds one batch and its encoding, whatever the number of rows.
///
/// **A failure never looks like the end.** ClickHouse takes the end of a request body as the end of the data and
/// commits what it received, even when the client aborted the request half-way (tried on 18.16: a chunked body
/// cut off at a block boundary, or short of its `Content-Length`, was committed). So when the source or the
/// encoder fails, the body first sends ``poison``, a block header naming a type that does not exist, which makes
/// the server reject the insert as a whole; only then does ``fill(_:)`` throw, and libcurl aborts the request.
///
/// libcurl calls ``fill(_:)`` on the request's thread, one call at a time; the mutex makes that safe to state to
/// the compiler, and is never contended.
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

    /// A Native block of one column of the type `Sluice_Aborted_Insert`: ClickHouse fails on the unknown type
    /// ("Unknown data type family") and the insert with it.
    public static let poison: [UInt8] = {
        var bytes: [UInt8] = [1, 1]  // varint(columns), varint(rows)
        for text in ["_sluice_abort", "Sluice_Aborted_Insert"] {
            bytes.append(UInt8(text.utf8.count))
            bytes += Array(text.utf8)
        }
        return bytes
    }()

    private struct State: ~Copyable {
        var source: any BatchSource
        var block: [UInt8] = []
        var offset = 0
        var finished = false
        var failure: SluiceError?
        var progress = Progress()
    }

    private let state: Mutex<State>
    private let encoder: ClickHouseNativeEncoder

    /// - Parameters:
    ///   - prefix: bytes sent before the first block: the `INSERT ... FORMAT Native` statement and a newline,
    ///     when the statement travels in the body (ClickHouse reads the data from the byte after the first
    ///     newline following the statement).
    ///   - batches: pulled lazily, on the thread that sends the request.
    public init(encoder: ClickHouseNativeEncoder, prefix: [UInt8] = [], batches: sending some BatchSource) {
        self.encoder = encoder
        // `batches` was handed over (`sending`) and is reached only through the mutex from here on.
        nonisolated(unsafe) let initial = State(source: batches, block: prefix)
        state = Mutex(initial)
    }

    public var progress: Progress { state.withLock { $0.progress } }

    /// The error that stopped the body, if one did.
    public var failure: SluiceError? { state.withLock { $0.failure } }

    /// Copies the next bytes of the body into `buffer`, as many as fit; 0 at the end. A batch that cannot be
    /// produced or encoded (a value out of range, a batch of another schema) sends ``poison`` first and is thrown
    /// by the call after, with the row counted from the start of the insert.
    public func fill(_ buffer: UnsafeMutableRawBufferPointer) throws(SluiceError) -> Int {
        try state.withLock { (state: inout State) throws(SluiceError) -> Int in
            var written = 0
            while written < buffer.count {
                if state.offset == state.block.count {
                    if let failure = state.failure {
                        if written > 0 { return written }  // the poison goes out first
                        throw failure
                    }
                    if state.finished { break }
                    do throws(SluiceError) {
                        guard let batch = try state.source.next() else {
                            state.finished = true
                            state.block = []
                            state.offset = 0
                            break
                        }
                        guard batch.rowCount > 0 else { continue }
                        state.block = []  // free the previous block before encoding the next one
                        state.block = try encoder.encode(batch, firstRow: state.progress.rows)
                        state.progress.rows += batch.rowCount
                        state.progress.batches += 1
                        state.progress.largestBlock = max(state.progress.largestBlock, state.block.count)
                    } catch {
                        state.failure = error
                        state.block = Self.poison
                    }
                    state.offset = 0
                }
                let count = min(buffer.count - written, state.block.count - state.offset)
                state.block.withUnsafeBytes { block in
                    (buffer.baseAddress! + written).copyMemory(from: block.baseAddress! + state.offset, byteCount: count)
                }
                state.offset += count
                written += count
                state.progress.bytes += count
            }
            return written
        }
    }
}

/// A ``SluiceCore/BatchSource`` over a sequence that cannot fail.
public struct SequenceBatchSource<Base: Sequence<RecordBatch>>: BatchSource {
    private var iterator: Base.Iterator

    public init(_ sequence: Base) {
        iterator = sequence.makeIterator()
    }

    public mutating func next() throws(SluiceError) -> RecordBatch? { iterator.next() }
}
