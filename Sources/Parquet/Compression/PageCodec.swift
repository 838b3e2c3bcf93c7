import CBrotli
import CLZ4
import CSnappy
import CZlib
import CZstd
import SluiceCore

/// Page compression and decompression through the C libraries (Compression.md).
///
/// Decompression always knows the exact uncompressed size from the page header and writes into a buffer of
/// that size, so a corrupt page can neither overflow nor make the reader allocate more than it declared.
enum PageCodec {
    /// Compresses `input` with `compression`, appending to `output`.
    static func compress(_ input: UnsafeRawBufferPointer, with compression: ParquetCompression,
                         into output: inout ByteBuffer) throws(SluiceError) {
        switch compression {
        case .uncompressed:
            output.append(input)
        case .snappy:
            var length = snappy_max_compressed_length(input.count)
            let start = output.count
            let destination = output.appendUninitialized(length)
            let status = snappy_compress(input.baseAddress?.assumingMemoryBound(to: CChar.self) ?? UnsafePointer(Self.emptyInput),
                                         input.count, destination.assumingMemoryBound(to: CChar.self), &length)
            guard status == SNAPPY_OK else { throw Self.failure("snappy compression failed (status \(status.rawValue))") }
            output.truncate(to: start + length)
        case .zstd(let level):
            let bound = ZSTD_compressBound(input.count)
            let start = output.count
            let destination = output.appendUninitialized(bound)
            let written = ZSTD_compress(destination, bound, input.baseAddress ?? UnsafeRawPointer(Self.emptyInput),
                                        input.count, level)
            guard ZSTD_isError(written) == 0 else {
                throw Self.failure("zstd compression failed: \(String(cString: ZSTD_getErrorName(written)))")
            }
            output.truncate(to: start + written)
        case .gzip(let level):
            try Gzip.compress(input, level: level, into: &output)
        }
    }

    /// Decompresses `input` (coded with `codec`) into exactly `output.count` bytes.
    static func decompress(_ input: UnsafeRawBufferPointer, codec: ParquetCodec,
                           into output: UnsafeMutableRawBufferPointer) throws(SluiceError) {
        let expected = output.count
        let source = input.baseAddress ?? UnsafeRawPointer(Self.emptyInput)
        let destination = output.baseAddress ?? UnsafeMutableRawPointer(Self.emptyOutput)
        switch codec {
        case .uncompressed:
            guard input.count == expected else {
                throw ParquetError.corrupt("uncompressed page holds \(input.count) bytes, header says \(expected)")
            }
            if expected > 0 { destination.copyMemory(from: source, byteCount: expected) }
        case .snappy:
            var length = 0
            guard snappy_uncompressed_length(source.assumingMemoryBound(to: CChar.self), input.count, &length) == SNAPPY_OK,
                  length == expected else {
                throw ParquetError.corrupt("snappy page does not decompress to the \(expected) bytes its header declares")
            }
            var outLength = expected
            guard snappy_uncompress(source.assumingMemoryBound(to: CChar.self), input.count,
                                    destination.assumingMemoryBound(to: CChar.self), &outLength) == SNAPPY_OK,
                  outLength == expected else {
                throw ParquetError.corrupt("snappy page is corrupt")
            }
        case .zstd:
            let dctx = ZSTD_createDCtx()
            defer { ZSTD_freeDCtx(dctx) }
            let result = ZSTD_decompressDCtx(dctx, destination, expected, source, input.count)
            guard ZSTD_isError(result) == 0 else {
                throw ParquetError.corrupt("zstd page is corrupt: \(String(cString: ZSTD_getErrorName(result)))")
            }
            guard result == expected else {
                throw ParquetError.corrupt("zstd page decompresses to \(result) bytes, header says \(expected)")
            }
        case .gzip:
            try Gzip.decompress(input, into: output)
        case .brotli:
            var outLength = expected
            let status = BrotliDecoderDecompress(input.count, source.assumingMemoryBound(to: UInt8.self), &outLength,
                                                 destination.assumingMemoryBound(to: UInt8.self))
            guard status == BROTLI_DECODER_RESULT_SUCCESS, outLength == expected else {
                throw ParquetError.corrupt("brotli page does not decompress to the \(expected) bytes its header declares")
            }
        case .lz4Raw:
            try lz4Block(input, into: output)
        case .lz4:
            if (try? hadoopLZ4(input, into: output)) == nil {
                // Old Arrow writers used one raw LZ4 block for this codec id.
                try lz4Block(input, into: output)
            }
        case .lzo:
            throw ParquetError.unsupported("codec LZO is not supported")
        default:
            throw ParquetError.unsupported("unknown compression codec \(codec.rawValue)")
        }
    }

    private static func lz4Block(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer)
        throws(SluiceError) {
        guard input.count <= Int(Int32.max), output.count <= Int(Int32.max) else {
            throw ParquetError.corrupt("LZ4 page is too large")
        }
        let result = LZ4_decompress_safe(
            (input.baseAddress ?? UnsafeRawPointer(Self.emptyInput)).assumingMemoryBound(to: CChar.self),
            (output.baseAddress ?? UnsafeMutableRawPointer(Self.emptyOutput)).assumingMemoryBound(to: CChar.self),
            Int32(input.count), Int32(output.count))
        guard result == Int32(output.count) else {
            throw ParquetError.corrupt("LZ4 page does not decompress to the \(output.count) bytes its header declares")
        }
    }

    /// Hadoop's LZ4 framing: repeated [big-endian u32 decompressed size][u32 compressed size][LZ4 block].
    private static func hadoopLZ4(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer)
        throws(SluiceError) {
        var inPos = 0
        var outPos = 0
        func be32(_ at: Int) -> Int {
            Int(input[at]) << 24 | Int(input[at + 1]) << 16 | Int(input[at + 2]) << 8 | Int(input[at + 3])
        }
        while inPos < input.count {
            guard input.count - inPos >= 8 else { throw ParquetError.corrupt("Hadoop LZ4 frame is truncated") }
            let decompressedSize = be32(inPos)
            let compressedSize = be32(inPos + 4)
            inPos += 8
            guard compressedSize <= input.count - inPos, decompressedSize <= output.count - outPos else {
                throw ParquetError.corrupt("Hadoop LZ4 frame sizes do not fit the page")
            }
            try lz4Block(UnsafeRawBufferPointer(rebasing: input[inPos..<inPos + compressedSize]),
                         into: UnsafeMutableRawBufferPointer(rebasing: output[outPos..<outPos + decompressedSize]))
            inPos += compressedSize
            outPos += decompressedSize
        }
        guard outPos == output.count else { throw ParquetError.corrupt("Hadoop LZ4 frames are shorter than the page") }
    }

    private static func failure(_ message: String) -> SluiceError {
        SluiceError(.internalError, message)
    }

    // Valid non-null pointers for empty inputs (C APIs reject NULL even with length 0).
    nonisolated(unsafe) private static let emptyInput = UnsafeMutablePointer<CChar>.allocate(capacity: 1)
    nonisolated(unsafe) private static let emptyOutput = UnsafeMutablePointer<CChar>.allocate(capacity: 1)
}
