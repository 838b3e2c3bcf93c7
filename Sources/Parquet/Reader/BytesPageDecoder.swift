import SluiceCore

/// ``PageValuesDecoder`` for BYTE_ARRAY columns read as `string`, `json` or `binary`, and
/// FIXED_LEN_BYTE_ARRAY columns read as `binary`: PLAIN, dictionary, DELTA_LENGTH_BYTE_ARRAY,
/// DELTA_BYTE_ARRAY and BYTE_STREAM_SPLIT.
///
/// The column is built in bulk: offsets written in place, bytes copied into one buffer (``ColumnBytes``), and both
/// handed to ``ByteArrays`` at the end, the bytes without a copy. The buffer starts at the chunk's expected size (its uncompressed size, or the rows times
/// the dictionary's average value), so that a large column is not copied again and again while it doubles: reading
/// a row group then costs about the row group plus its largest column once, not three times it.
final class BytesPageDecoder: PageValuesDecoder {
    /// FIXED_LEN_BYTE_ARRAY width, 0 for BYTE_ARRAY.
    private let width: Int
    private let maxPageBytes: Int
    /// `rows + 1` offsets; `offsets[0] == 0`, slot `r + 1` written when row `r` is decoded.
    private var offsets: [Int]
    private var bytes: ColumnBytes
    private var rowsDone = 0
    private var dictionaryStorage = ByteBuffer(capacity: 64)
    private var dictionary = ByteStringViews()
    private var hasDictionary = false
    private var views = ByteStringViews()
    private var storage = ByteBuffer(capacity: 64)
    private var indices = PODBuffer<UInt32>(capacity: 1024)

    /// - Parameter expectedBytes: the chunk's `total_uncompressed_size`: for PLAIN pages a bound on the value bytes
    ///   (lengths and levels included); trusted only up to `maxPageBytes`.
    init(rows: Int, width: Int, maxPageBytes: Int, expectedBytes: Int = 0) {
        self.width = width
        self.maxPageBytes = maxPageBytes
        bytes = ColumnBytes(capacity: min(max(expectedBytes, 1 << 16), maxPageBytes))
        // Every slot is written as its row is decoded; only slot 0 needs a value now.
        offsets = [Int](unsafeUninitializedCapacity: rows + 1) { buffer, initialized in
            buffer[0] = 0
            initialized = rows + 1
        }
    }

    func readDictionary(_ data: UnsafeRawBufferPointer, count: Int) throws(SluiceError) {
        dictionaryStorage.removeAll()
        dictionaryStorage.append(data)
        dictionary.removeAll()
        try ByteStringDecoding.plain(UnsafeRawBufferPointer(start: dictionaryStorage.base, count: dictionaryStorage.count),
                                     count: count, width: width, into: &dictionary)
        hasDictionary = true
        // Dictionary pages expand: expect every row to take the dictionary's average value.
        let expected = min(offsets.count * (dictionary.byteCount / max(count, 1)), maxPageBytes)
        if expected > bytes.count { bytes.reserve(expected - bytes.count) }
    }

    func readValues(_ data: UnsafeRawBufferPointer, encoding: ParquetEncoding, nonNull: Int, rowStart: Int, rows: Int,
                    validity: UnsafePointer<Bool>?) throws(SluiceError) {
        guard rowStart == rowsDone, rowStart + rows < offsets.count else {
            throw ParquetError.corrupt("page rows do not follow on from the previous page")
        }
        views.removeAll()
        switch encoding {
        case .plain:
            try ByteStringDecoding.plain(data, count: nonNull, width: width, into: &views)
        case .rleDictionary, .plainDictionary:
            try DictionaryIndices.decode(data, count: nonNull, dictionaryCount: hasDictionary ? dictionary.count : nil,
                                         into: &indices)
            let starts = dictionary.starts.base, lengths = dictionary.lengths.base, idx = indices.base
            var total = 0
            for k in 0..<nonNull { total += lengths[Int(idx[k])] }
            append(rowStart: rowStart, rows: rows, totalBytes: total, validity: validity) { k in
                let i = Int(idx[k])
                return (starts[i], lengths[i])
            }
            return
        case .deltaLengthByteArray where width == 0:
            try ByteStringDecoding.deltaLength(data, count: nonNull, into: &views)
        case .deltaByteArray:
            try ByteStringDecoding.deltaByteArray(data, count: nonNull, maxBytes: maxPageBytes, storage: &storage,
                                                  into: &views)
        case .byteStreamSplit where width > 0:
            try ByteStringDecoding.byteStreamSplit(data, count: nonNull, width: width, storage: &storage, into: &views)
        default:
            throw ParquetError.unsupported("encoding \(encoding) is not supported for this column")
        }
        guard views.count == nonNull else { throw ParquetError.corrupt("page decoded \(views.count) of \(nonNull) values") }
        if width > 0 {
            for k in 0..<nonNull where views.lengths.base[k] != width {
                throw ParquetError.corrupt("FIXED_LEN_BYTE_ARRAY value has \(views.lengths.base[k]) bytes, expected \(width)")
            }
        }
        let starts = views.starts.base, lengths = views.lengths.base
        append(rowStart: rowStart, rows: rows, totalBytes: views.byteCount, validity: validity) { k in (starts[k], lengths[k]) }
    }

    /// Appends rows `rowStart..<rowStart + rows`: the next dense value (`value(k)`) for each non-NULL row,
    /// an empty value for each NULL row. `totalBytes` is the sum of the dense values' lengths.
    @inline(__always)
    private func append(rowStart: Int, rows: Int, totalBytes: Int, validity: UnsafePointer<Bool>?,
                        _ value: (Int) -> (UnsafeRawPointer, Int)) {
        let startCount = bytes.count
        bytes.append(totalBytes) { destination in
            var written = 0
            offsets.withUnsafeMutableBufferPointer { slots in
                let out = slots.baseAddress! + rowStart + 1
                var k = 0
                for row in 0..<rows {
                    if validity == nil || validity![row] {
                        let (start, length) = value(k)
                        k += 1
                        copy(start, to: destination + written, length)
                        written += length
                    }
                    out[row] = startCount + written
                }
            }
        }
        rowsDone = rowStart + rows
    }

    /// Copies short strings inline, 8 bytes at a time (cheaper than a memmove call per value), long ones
    /// with memmove. Never reads or writes outside the `length` bytes.
    @inline(__always)
    private func copy(_ source: UnsafeRawPointer, to destination: UnsafeMutableRawPointer, _ length: Int) {
        if length <= 64 {
            var i = 0
            while i + 8 <= length {
                destination.storeBytes(of: source.loadUnaligned(fromByteOffset: i, as: UInt64.self), toByteOffset: i,
                                       as: UInt64.self)
                i += 8
            }
            while i < length {
                destination.storeBytes(of: source.load(fromByteOffset: i, as: UInt8.self), toByteOffset: i, as: UInt8.self)
                i += 1
            }
        } else {
            destination.copyMemory(from: source, byteCount: length)
        }
    }

    func finish() -> ColumnValues {
        // Offsets are running sums of the value lengths: from 0, never decreasing, ending at the bytes' count.
        .bytes(ByteArrays(offsets: offsets, bytes: bytes.take()))
    }
}
