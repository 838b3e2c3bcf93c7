import CLZ4
import CZstd
public import SluiceCore

extension SluiceError.Code {
    /// A block of ClickHouse's compressed stream that is truncated, has a wrong checksum, an unknown method, or
    /// does not decompress to the size its header declares.
    public static let clickHouseCorruptBlock = Self("clickhouse_corrupt_block")
}

/// One block of ClickHouse's own compressed stream: what the HTTP interface decompresses when a request has
/// `decompress=1`, and what the native protocol and the `compress=1` replies carry. Layout (18.16's
/// `dbms/src/IO/CompressedStream.h` and `CompressedReadBufferBase.cpp`; `src/Compression/CompressionInfo.h` today):
///
/// | bytes | field |
/// |---|---|
/// | 16 | ``CityHash128`` (v1.0.2) of everything after it: the 9-byte header and the compressed bytes; `low64`, then `high64`, little-endian |
/// | 1 | method: ``Method/none`` 0x02, ``Method/lz4`` 0x82 (one LZ4 block), ``Method/zstd`` 0x90 (one zstd frame) |
/// | 4 | compressed size, **including the 9-byte header**, UInt32 little-endian |
/// | 4 | uncompressed size, UInt32 little-endian |
/// | n | the compressed bytes (compressed size - 9) |
///
/// A stream is blocks back to back; a block's boundaries mean nothing to what is inside (a Native block may
/// start in one and end in the next). The encoder is ``ClickHouseBlockCompressor``; this type holds the layout
/// and the decoder, which the tests use to read back what was framed.
public enum ClickHouseCompressedBlock {
    /// The method byte after the checksum.
    public enum Method: UInt8, Sendable, Hashable, CaseIterable {
        /// Stored as is (`CompressionMethodByte::NONE`).
        case none = 0x02
        /// One LZ4 block (`LZ4_compress_default`; ClickHouse reads it with `LZ4_decompress_fast`).
        case lz4 = 0x82
        /// One zstd frame (`ZSTD_compress` at any level).
        case zstd = 0x90
    }

    public static let checksumSize = 16
    /// Method, compressed size, uncompressed size.
    public static let headerSize = 9
    /// ClickHouse refuses a block whose compressed size is larger (`DBMS_MAX_COMPRESSED_SIZE`, 1 GiB); the decoder
    /// also refuses a larger uncompressed size, so a damaged header never makes it allocate more.
    public static let maximumSize = 1 << 30

    /// One decoded block.
    public struct Decoded: Sendable, Hashable {
        public var method: Method
        /// The uncompressed bytes.
        public var data: [UInt8]
        /// The bytes the block took in the stream, checksum included.
        public var size: Int

        public init(method: Method, data: [UInt8], size: Int) {
            self.method = method
            self.data = data
            self.size = size
        }
    }

    /// Decodes the block at the start of `bytes`: nil when `bytes` does not hold all of it yet.
    /// - Throws: ``SluiceError/Code/clickHouseCorruptBlock`` for a wrong checksum, an unknown method, sizes out of
    ///   range, or data that does not decompress to exactly the declared size. Never reads outside `bytes`.
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(SluiceError) -> Decoded? {
        guard bytes.count >= checksumSize + headerSize, let base = bytes.baseAddress else { return nil }
        let header = base + checksumSize
        let methodByte = header.load(as: UInt8.self)
        let compressedSize = Int(UInt32(littleEndian: header.loadUnaligned(fromByteOffset: 1, as: UInt32.self)))
        let uncompressedSize = Int(UInt32(littleEndian: header.loadUnaligned(fromByteOffset: 5, as: UInt32.self)))
        guard let method = Method(rawValue: methodByte) else {
            throw corrupt("unknown compression method byte 0x\(String(methodByte, radix: 16))")
        }
        guard compressedSize >= headerSize, compressedSize <= maximumSize else {
            throw corrupt("compressed size \(compressedSize) is outside \(headerSize)...\(maximumSize)")
        }
        guard uncompressedSize <= maximumSize else {
            throw corrupt("uncompressed size \(uncompressedSize) is larger than \(maximumSize)")
        }
        guard bytes.count - checksumSize >= compressedSize else { return nil }
        let stored = CityHash128(loadingFrom: base)
        let actual = CityHash128(hashing: UnsafeRawBufferPointer(start: header, count: compressedSize))
        guard stored == actual else {
            throw corrupt("checksum does not match: stored \(stored), computed \(actual)")
        }
        let payload = UnsafeRawBufferPointer(start: header + headerSize, count: compressedSize - headerSize)
        try checkPlausible(payload, method: method, uncompressedSize: uncompressedSize)
        var data = [UInt8](repeating: 0, count: uncompressedSize)
        // The standard `withUnsafeMutableBytes` rethrows `any Error`: carry the typed error out in a Result.
        let decompressed: Result<Void, SluiceError> = data.withUnsafeMutableBytes { output in
            Result { () throws(SluiceError) in try decompress(payload, method: method, into: output) }
        }
        try decompressed.get()
        return Decoded(method: method, data: data, size: checksumSize + compressedSize)
    }

    /// Decodes the block at the start of `bytes`, as the pointer-taking `decode(_:)` does.
    public static func decode(_ bytes: [UInt8]) throws(SluiceError) -> Decoded? {
        let result: Result<Decoded?, SluiceError> = bytes.withUnsafeBytes { raw in
            Result { () throws(SluiceError) -> Decoded? in try decode(raw) }
        }
        return try result.get()
    }

    /// Decodes a whole stream of blocks into the bytes they carry.
    /// - Throws: ``SluiceError/Code/clickHouseCorruptBlock``, also when the stream ends inside a block.
    public static func decodeStream(_ bytes: [UInt8]) throws(SluiceError) -> [UInt8] {
        let result: Result<[UInt8], SluiceError> = bytes.withUnsafeBytes { all in
            Result { () throws(SluiceError) -> [UInt8] in
                var out: [UInt8] = []
                var offset = 0
                while offset < all.count {
                    guard let block = try decode(UnsafeRawBufferPointer(rebasing: all[offset...])) else {
                        throw corrupt("the stream ends inside a block (\(all.count - offset) bytes left at offset \(offset))")
                    }
                    out += block.data
                    offset += block.size
                }
                return out
            }
        }
        return try result.get()
    }

    /// Refuses, before anything is allocated, a declared size that the payload cannot produce: a stored block
    /// is as long as its data, LZ4 expands less than 256 times (no input byte stands for more than 255 output
    /// bytes), and a zstd frame that records its content size must record this one.
    private static func checkPlausible(_ payload: UnsafeRawBufferPointer, method: Method, uncompressedSize: Int) throws(SluiceError) {
        switch method {
        case .none:
            guard payload.count == uncompressedSize else {
                throw corrupt("a stored block holds \(payload.count) bytes, its header says \(uncompressedSize)")
            }
        case .lz4:
            guard uncompressedSize <= payload.count * 256 + 64 else {
                throw corrupt("\(payload.count) bytes of LZ4 data cannot decompress to the \(uncompressedSize) bytes the header declares")
            }
        case .zstd:
            guard let base = payload.baseAddress else { throw corrupt("a zstd block has no data") }
            let size = ZSTD_getFrameContentSize(base, payload.count)
            // ZSTD_CONTENTSIZE_ERROR and ZSTD_CONTENTSIZE_UNKNOWN (macros Swift does not import).
            guard size != UInt64.max - 1 else { throw corrupt("the zstd data does not start with a zstd frame header") }
            guard size == UInt64.max || size == UInt64(uncompressedSize) else {
                throw corrupt("the zstd frame holds \(size) bytes, the header says \(uncompressedSize)")
            }
        }
    }

    /// Decompresses `payload` into exactly `output.count` bytes.
    private static func decompress(_ payload: UnsafeRawBufferPointer, method: Method,
                                   into output: UnsafeMutableRawBufferPointer) throws(SluiceError) {
        switch method {
        case .none:
            guard payload.count == output.count else {
                throw corrupt("a stored block holds \(payload.count) bytes, its header says \(output.count)")
            }
            if let source = payload.baseAddress, let destination = output.baseAddress, !payload.isEmpty {
                destination.copyMemory(from: source, byteCount: payload.count)
            }
        case .lz4:
            // A valid C pointer even for empty buffers: LZ4 rejects NULL.
            var spare: UInt8 = 0
            let result = withUnsafeMutablePointer(to: &spare) { sparePointer in
                LZ4_decompress_safe(
                    UnsafeRawPointer(payload.baseAddress ?? UnsafeRawPointer(sparePointer)).assumingMemoryBound(to: CChar.self),
                    (output.baseAddress ?? UnsafeMutableRawPointer(sparePointer)).assumingMemoryBound(to: CChar.self),
                    Int32(payload.count), Int32(output.count))
            }
            guard result == Int32(output.count) else {
                throw corrupt("the LZ4 data does not decompress to the \(output.count) bytes the header declares")
            }
        case .zstd:
            var spare: UInt8 = 0
            let result = withUnsafeMutablePointer(to: &spare) { sparePointer in
                ZSTD_decompress(output.baseAddress ?? UnsafeMutableRawPointer(sparePointer), output.count,
                                payload.baseAddress ?? UnsafeRawPointer(sparePointer), payload.count)
            }
            guard ZSTD_isError(result) == 0 else {
                throw corrupt("the zstd data is corrupt: \(String(cString: ZSTD_getErrorName(result)))")
            }
            guard result == output.count else {
                throw corrupt("the zstd data decompresses to \(result) bytes, the header says \(output.count)")
            }
        }
    }

    static func corrupt(_ message: String) -> SluiceError {
        SluiceError(.clickHouseCorruptBlock, "corrupt ClickHouse compressed block: " + message)
    }
}
