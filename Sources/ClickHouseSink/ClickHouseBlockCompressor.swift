import CLZ4
import CZstd
public import SluiceCore

/// Frames bytes as blocks of ClickHouse's compressed stream (``ClickHouseCompressedBlock``): LZ4 through liblz4's
/// `LZ4_compress_default`, zstd through libzstd's `ZSTD_compressCCtx` (`ZSTD_compress` with a context kept
/// from block to block, so a stream of 1 MiB blocks does not set up zstd's tables for each), or stored.
///
/// Owns its zstd context and frees it in `deinit`. Not thread-safe: one body uses one compressor on the thread
/// libcurl reads on.
public final class ClickHouseBlockCompressor {
    public let method: ClickHouseCompressedBlock.Method
    /// The zstd level (1...22; ClickHouse's own default is 1). Ignored by the other methods.
    public let level: Int32
    private let zstd: OpaquePointer?

    /// - Throws: ``SluiceError/Code/invalidValue`` for a zstd level outside 1...22.
    public init(method: ClickHouseCompressedBlock.Method, level: Int32 = ClickHouseCompression.defaultZstdLevel) throws(SluiceError) {
        self.method = method
        self.level = level
        if method == .zstd {
            guard ClickHouseCompression.zstdLevels.contains(level) else {
                throw SluiceError(.invalidValue, "zstd level \(level) is outside \(ClickHouseCompression.zstdLevels)")
            }
            guard let context = ZSTD_createCCtx() else {
                throw SluiceError(.internalError, "zstd could not allocate a compression context")
            }
            zstd = context
        } else {
            zstd = nil
        }
    }

    deinit {
        if let zstd { ZSTD_freeCCtx(zstd) }
    }

    /// The largest block `count` uncompressed bytes can take, checksum and header included.
    public func maximumBlockSize(uncompressed count: Int) -> Int {
        let bound: Int
        switch method {
        case .none: bound = count
        case .lz4: bound = Int(LZ4_compressBound(Int32(clamping: count)))
        case .zstd: bound = ZSTD_compressBound(count)
        }
        return ClickHouseCompressedBlock.checksumSize + ClickHouseCompressedBlock.headerSize + bound
    }

    /// Frames `input` as one block into `output`, which must hold ``maximumBlockSize(uncompressed:)`` bytes;
    /// returns the block's size.
    /// - Throws: ``SluiceError/Code/invalidValue`` for an input larger than a block may be (about 1 GiB);
    ///   ``SluiceError/Code/internalError`` when the library fails (it cannot with an output of that size).
    public func compress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(SluiceError) -> Int {
        let prefix = ClickHouseCompressedBlock.checksumSize + ClickHouseCompressedBlock.headerSize
        guard input.count <= ClickHouseCompressedBlock.maximumSize - prefix else {
            throw SluiceError(.invalidValue, "\(input.count) bytes are too many for one ClickHouse compressed block")
        }
        precondition(output.count >= maximumBlockSize(uncompressed: input.count), "the output cannot hold the block")
        let destination = output.baseAddress! + prefix
        let capacity = output.count - prefix
        var spare: UInt8 = 0
        let compressed = try withUnsafeMutablePointer(to: &spare) { (sparePointer) throws(SluiceError) -> Int in
            // C APIs want valid pointers even for empty input.
            let source = input.baseAddress ?? UnsafeRawPointer(sparePointer)
            switch method {
            case .none:
                if input.count > 0 { destination.copyMemory(from: source, byteCount: input.count) }
                return input.count
            case .lz4:
                let written = LZ4_compress_default(source.assumingMemoryBound(to: CChar.self), destination.assumingMemoryBound(to: CChar.self),
                                                   Int32(input.count), Int32(clamping: capacity))
                guard written > 0 else { throw SluiceError(.internalError, "LZ4 compression of \(input.count) bytes failed") }
                return Int(written)
            case .zstd:
                let written = ZSTD_compressCCtx(zstd, destination, capacity, source, input.count, level)
                guard ZSTD_isError(written) == 0 else {
                    throw SluiceError(.internalError, "zstd compression failed: \(String(cString: ZSTD_getErrorName(written)))")
                }
                return written
            }
        }
        let header = output.baseAddress! + ClickHouseCompressedBlock.checksumSize
        header.storeBytes(of: method.rawValue, as: UInt8.self)
        header.storeBytes(of: UInt32(ClickHouseCompressedBlock.headerSize + compressed).littleEndian, toByteOffset: 1, as: UInt32.self)
        header.storeBytes(of: UInt32(input.count).littleEndian, toByteOffset: 5, as: UInt32.self)
        let checksum = CityHash128(hashing: UnsafeRawBufferPointer(start: header, count: ClickHouseCompressedBlock.headerSize + compressed))
        checksum.store(into: output.baseAddress!)
        return prefix + compressed
    }

    /// `input` as one block.
    public func compress(_ input: [UInt8]) throws(SluiceError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: maximumBlockSize(uncompressed: input.count))
        // The standard `withUnsafeBytes` rethrows `any Error`: carry the typed error out in a Result.
        let size: Result<Int, SluiceError> = input.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { destination in
                Result { () throws(SluiceError) -> Int in try compress(source, into: destination) }
            }
        }
        output.removeSubrange(try size.get()...)
        return output
    }
}
