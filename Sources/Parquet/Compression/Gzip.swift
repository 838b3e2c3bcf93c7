import CZlib
import SluiceCore

/// gzip through zlib: compression writes one gzip member; decompression accepts concatenated members
/// (some writers produce them) and zlib-wrapped data.
enum Gzip {
    static func compress(_ input: UnsafeRawBufferPointer, level: Int32, into output: inout ByteBuffer)
        throws(SluiceError) {
        var stream = z_stream()
        // windowBits 15 + 16: a gzip header and trailer.
        guard deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                            Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw SluiceError(.internalError, "gzip: deflateInit failed")
        }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(input.count)))
        let start = output.count
        let destination = output.appendUninitialized(bound)
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(input.count)
        stream.next_out = destination.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = uInt(bound)
        guard deflate(&stream, Z_FINISH) == Z_STREAM_END else {
            throw SluiceError(.internalError, "gzip: deflate did not finish")
        }
        output.truncate(to: start + Int(stream.total_out))
    }

    static func decompress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer)
        throws(SluiceError) {
        var inPos = 0
        var outPos = 0
        while inPos < input.count {
            // Trailing zero padding after the last member is tolerated.
            if outPos == output.count && input[inPos...].allSatisfy({ $0 == 0 }) { break }
            var stream = z_stream()
            guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                throw SluiceError(.internalError, "gzip: inflateInit failed")
            }
            defer { inflateEnd(&stream) }
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.advanced(by: inPos)
                .assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(input.count - inPos)
            // Everything may be out already; a further member must then be empty (a spare byte catches excess).
            let spare = UnsafeMutablePointer<Bytef>.allocate(capacity: 1)
            defer { spare.deallocate() }
            if outPos < output.count {
                stream.next_out = output.baseAddress!.advanced(by: outPos).assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(output.count - outPos)
            } else {
                stream.next_out = spare
                stream.avail_out = 0
            }
            let status = inflate(&stream, Z_FINISH)
            guard status == Z_STREAM_END else {
                throw ParquetError.corrupt(status == Z_BUF_ERROR || status == Z_OK
                    ? "gzip page decompresses to more than the \(output.count) bytes its header declares"
                    : "gzip page is corrupt (zlib status \(status))")
            }
            guard stream.total_in > 0 else { throw ParquetError.corrupt("gzip page is corrupt") }
            inPos += Int(stream.total_in)
            outPos += Int(stream.total_out)
        }
        guard outPos == output.count else {
            throw ParquetError.corrupt("gzip page decompresses to \(outPos) bytes, header says \(output.count)")
        }
    }
}
