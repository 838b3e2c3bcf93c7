import Synchronization
public import SluiceCore

/// The body of a compressed streaming insert (`decompress=1`): the bytes of a ``NativeInsertBody`` (statement and
/// Native blocks) cut into pieces of ``blockSize`` bytes, each framed as one block of ClickHouse's compressed
/// stream (``ClickHouseCompressedBlock``) when libcurl asks for more. Compressed blocks ignore Native block
/// boundaries: one may hold the end of a Native block and the start of the next.
///
/// Memory holds what the Native body holds (one batch and its encoding) plus one piece of uncompressed bytes and
/// its compressed block, allocated on the first call and reused.
///
/// **Failures.** When the Native body fails, it has handed out ``NativeInsertBody/poison`` first; this body frames
/// what it collected up to that point, poison included, sends that block whole, and only then throws: the server
/// decompresses the poison and rejects the insert, exactly as without compression. Should a compression library
/// ever fail (its output is sized by its own bound, so it cannot), the piece goes out stored (method 0x02),
/// which keeps the stream intact.
///
/// libcurl calls ``fill(_:)`` on the request's thread, one call at a time; the mutex states that to the compiler
/// and is never contended.
public final class CompressedInsertBody: Sendable {
    /// 1 MiB: ClickHouse's own block size (`DBMS_DEFAULT_BUFFER_SIZE`), large enough for LZ4 and zstd to find
    /// repeats across thousands of rows, small enough to keep memory flat.
    public static let defaultBlockSize = 1 << 20

    /// What has gone out so far, besides the Native body's own ``NativeInsertBody/Progress``.
    public struct Progress: Sendable, Hashable {
        /// Compressed blocks handed out, checksums and headers included: the bytes on the wire.
        public var bytes = 0
        public var blocks = 0
        /// Pieces sent stored because compression failed (always 0 unless a library misbehaves).
        public var storedBlocks = 0
        /// The largest compressed block held at once.
        public var largestBlock = 0
    }

    private struct State: ~Copyable {
        let compressor: ClickHouseBlockCompressor
        /// Uncompressed bytes waiting to be framed; allocated on first use.
        var piece: [UInt8] = []
        /// The current compressed block and how much of it has been handed out.
        var block: [UInt8] = []
        var blockLength = 0
        var offset = 0
        var finished = false
        var failure: SluiceError?
        var progress = Progress()
    }

    public let native: NativeInsertBody
    public let blockSize: Int
    private let state: Mutex<State>

    /// - Parameters:
    ///   - native: the uncompressed body; this body is its only reader.
    ///   - method: the block method (``ClickHouseCompression/method``).
    ///   - level: the zstd level.
    ///   - blockSize: uncompressed bytes per block.
    /// - Throws: ``SluiceError/Code/invalidValue`` for a zstd level outside 1...22.
    public init(native: NativeInsertBody, method: ClickHouseCompressedBlock.Method,
                level: Int32 = ClickHouseCompression.defaultZstdLevel, blockSize: Int = CompressedInsertBody.defaultBlockSize) throws(SluiceError) {
        precondition(blockSize > 0, "a block holds at least one byte")
        self.native = native
        self.blockSize = blockSize
        // The compressor is reached only through the mutex from here on.
        nonisolated(unsafe) let initial = State(compressor: try ClickHouseBlockCompressor(method: method, level: level))
        state = Mutex(initial)
    }

    public var progress: Progress { state.withLock { $0.progress } }

    /// The error that stopped the body (the Native body's: its source or its encoder), if one did.
    public var failure: SluiceError? { state.withLock { $0.failure } }

    /// Copies the next bytes of the compressed body into `buffer`, as many as fit; 0 at the end. Pulls the Native
    /// body only when the previous block has gone out. A failure of the Native body is thrown once the block
    /// holding its poison has been handed out whole.
    public func fill(_ buffer: UnsafeMutableRawBufferPointer) throws(SluiceError) -> Int {
        try state.withLock { (state: inout State) throws(SluiceError) -> Int in
            var written = 0
            while written < buffer.count {
                if state.offset == state.blockLength {
                    if let failure = state.failure {
                        if written > 0 { return written }  // the block with the poison goes out first
                        throw failure
                    }
                    if state.finished { break }
                    nextBlock(&state)
                    continue
                }
                let count = min(buffer.count - written, state.blockLength - state.offset)
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

    /// Collects up to ``blockSize`` bytes from the Native body and frames them; records the end or a failure.
    private func nextBlock(_ state: inout State) {
        // Work on the buffers outside the state (moved, not copied) so that no access to `state` overlaps another.
        var piece: [UInt8] = []
        var block: [UInt8] = []
        swap(&piece, &state.piece)
        swap(&block, &state.block)
        defer {
            swap(&piece, &state.piece)
            swap(&block, &state.block)
        }
        let compressor = state.compressor
        if piece.isEmpty {
            piece = [UInt8](repeating: 0, count: blockSize)
            // Room for a stored block too (the fallback), which LZ4's and zstd's bounds already exceed.
            block = [UInt8](repeating: 0, count: max(compressor.maximumBlockSize(uncompressed: blockSize),
                                                      blockSize + ClickHouseCompressedBlock.checksumSize + ClickHouseCompressedBlock.headerSize))
        }
        var collected = 0
        var finished = false
        var failure: SluiceError?
        piece.withUnsafeMutableBytes { piece in
            while collected < piece.count {
                do throws(SluiceError) {
                    let count = try native.fill(UnsafeMutableRawBufferPointer(rebasing: piece[collected...]))
                    if count == 0 {
                        finished = true
                        return
                    }
                    collected += count
                } catch {
                    // The Native body handed out its poison before throwing: it is in `piece`.
                    failure = error
                    return
                }
            }
        }
        state.finished = finished
        state.failure = failure
        state.offset = 0
        state.blockLength = 0
        guard collected > 0 else { return }
        var length = piece.withUnsafeBytes { piece in
            block.withUnsafeMutableBytes { block in
                try? compressor.compress(UnsafeRawBufferPointer(rebasing: piece[..<collected]), into: block)
            }
        }
        if length == nil {
            let stored = try! ClickHouseBlockCompressor(method: .none)
            length = piece.withUnsafeBytes { piece in
                block.withUnsafeMutableBytes { block in
                    try! stored.compress(UnsafeRawBufferPointer(rebasing: piece[..<collected]), into: block)
                }
            }
            state.progress.storedBlocks += 1
        }
        state.blockLength = length!
        state.progress.blocks += 1
        state.progress.largestBlock = max(state.progress.largestBlock, state.blockLength)
    }
}
