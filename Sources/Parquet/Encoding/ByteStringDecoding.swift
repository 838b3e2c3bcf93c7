import SluiceCore

/// Value decoders for BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY (and INT96, handled as 12-byte strings):
/// PLAIN, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY and BYTE_STREAM_SPLIT (Encodings.md). Each appends
/// `count` values to `views`, checking every length against the bytes that remain.
enum ByteStringDecoding {
    /// PLAIN: 4-byte little-endian length + bytes each (`width == 0`), or `width` bytes each.
    static func plain(_ data: UnsafeRawBufferPointer, count: Int, width: Int,
                      into views: inout ByteStringViews) throws(SluiceError) {
        guard let base = data.baseAddress else {
            guard count == 0 || width == 0 && count == 0 else { throw truncated("PLAIN", count) }
            return
        }
        views.starts.reserve(count)
        views.lengths.reserve(count)
        if width > 0 {
            guard data.count / width >= count else { throw truncated("PLAIN", count) }
            for k in 0..<count { views.append(base + k * width, width) }
            return
        }
        var position = 0
        let end = data.count
        for _ in 0..<count {
            guard end - position >= 4 else { throw truncated("PLAIN", count) }
            let length = Int(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: position, as: UInt32.self)))
            position += 4
            guard length <= end - position else {
                throw ParquetError.corrupt("PLAIN byte array of \(length) bytes runs past the end of the page")
            }
            views.append(base + position, length)
            position += length
        }
    }

    /// DELTA_LENGTH_BYTE_ARRAY: the lengths (DELTA_BINARY_PACKED), then all bytes back to back.
    /// Returns the bytes consumed.
    @discardableResult
    static func deltaLength(_ data: UnsafeRawBufferPointer, count: Int,
                            into views: inout ByteStringViews) throws(SluiceError) -> Int {
        var lengths = PODBuffer<UInt64>(capacity: max(count, 1))
        var decoder = try DeltaBinaryPackedDecoder(data, maxValues: count, maxWidth: 32)
        guard decoder.totalCount >= count else {
            throw ParquetError.corrupt("DELTA_LENGTH_BYTE_ARRAY holds \(decoder.totalCount) lengths, \(count) expected")
        }
        let out = lengths.appendUninitialized(count)
        if count > 0 { try decoder.decode(into: out, count: count) }
        var position = decoder.consumed
        let base = data.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
        views.starts.reserve(count)
        views.lengths.reserve(count)
        for k in 0..<count {
            let length = Int64(bitPattern: out[k])
            guard length >= 0, length <= Int64(data.count - position) else {
                throw ParquetError.corrupt("DELTA_LENGTH_BYTE_ARRAY value of \(length) bytes does not fit the page")
            }
            views.append(base + position, Int(length))
            position += Int(length)
        }
        return position
    }

    /// DELTA_BYTE_ARRAY: prefix lengths (DELTA_BINARY_PACKED), then suffixes (DELTA_LENGTH_BYTE_ARRAY);
    /// value i is the first prefix[i] bytes of value i-1 followed by suffix i. Values are rebuilt into
    /// `storage`, which must outlive `views`; `maxBytes` bounds the rebuilt size.
    static func deltaByteArray(_ data: UnsafeRawBufferPointer, count: Int, maxBytes: Int,
                               storage: inout ByteBuffer, into views: inout ByteStringViews) throws(SluiceError) {
        var prefixes = PODBuffer<UInt64>(capacity: max(count, 1))
        var prefixDecoder = try DeltaBinaryPackedDecoder(data, maxValues: count, maxWidth: 32)
        guard prefixDecoder.totalCount >= count else {
            throw ParquetError.corrupt("DELTA_BYTE_ARRAY holds \(prefixDecoder.totalCount) prefix lengths, \(count) expected")
        }
        let prefixOut = prefixes.appendUninitialized(count)
        if count > 0 { try prefixDecoder.decode(into: prefixOut, count: count) }
        let rest = UnsafeRawBufferPointer(rebasing: data[prefixDecoder.consumed...])
        var suffixes = ByteStringViews()
        try deltaLength(rest, count: count, into: &suffixes)
        storage.removeAll()
        var offsets = PODBuffer<Int>(capacity: count + 1)
        offsets.append(0)
        var previousStart = 0
        var previousLength = 0
        for k in 0..<count {
            let prefix = Int64(bitPattern: prefixOut[k])
            guard prefix >= 0, prefix <= Int64(previousLength) else {
                throw ParquetError.corrupt("DELTA_BYTE_ARRAY prefix length \(prefix) exceeds the previous value's \(previousLength) bytes")
            }
            let suffixLength = suffixes.lengths.base[k]
            guard Int(prefix) + suffixLength <= maxBytes - storage.count else {
                throw SluiceError(.parquetLimit, "DELTA_BYTE_ARRAY page rebuilds to more than \(maxBytes) bytes")
            }
            let start = storage.count
            if prefix > 0 {
                // Reserve first: the copy reads from the buffer itself, which must not move meanwhile.
                storage.reserve(Int(prefix))
                let source = UnsafeRawPointer(storage.base) + previousStart
                storage.append(source, count: Int(prefix))
            }
            storage.append(suffixes.starts.base[k], count: suffixLength)
            previousStart = start
            previousLength = Int(prefix) + suffixLength
            offsets.append(storage.count)
        }
        views.starts.reserve(count)
        views.lengths.reserve(count)
        for k in 0..<count {
            views.append(UnsafeRawPointer(storage.base) + offsets.base[k], offsets.base[k + 1] - offsets.base[k])
        }
    }

    /// BYTE_STREAM_SPLIT of `width`-byte values: stream j holds byte j of every value.
    static func byteStreamSplit(_ data: UnsafeRawBufferPointer, count: Int, width: Int,
                                storage: inout ByteBuffer, into views: inout ByteStringViews) throws(SluiceError) {
        guard width > 0, data.count / width >= count else { throw truncated("BYTE_STREAM_SPLIT", count) }
        let streamLength = data.count / width
        storage.removeAll()
        let out = storage.appendUninitialized(count * width)
        if let base = data.baseAddress {
            for j in 0..<width {
                let stream = base + j * streamLength
                for i in 0..<count {
                    out.storeBytes(of: stream.load(fromByteOffset: i, as: UInt8.self), toByteOffset: i * width + j, as: UInt8.self)
                }
            }
        }
        views.starts.reserve(count)
        views.lengths.reserve(count)
        for i in 0..<count { views.append(UnsafeRawPointer(out) + i * width, width) }
    }

    static func truncated(_ encoding: String, _ count: Int) -> SluiceError {
        ParquetError.corrupt("\(encoding) data is shorter than its \(count) values")
    }
}
