import SluiceCore

/// ``PageValuesDecoder`` for byte-string physical types read as fixed-width Sluice values: decimals on
/// BYTE_ARRAY/FIXED_LEN_BYTE_ARRAY, INT96 timestamps, FLOAT16 and UUID. Values decode to byte strings
/// (as ``BytesPageDecoder`` does) and are converted by `C`; a dictionary is converted once.
final class ConvertedBytesPageDecoder<C: BytesConverter>: PageValuesDecoder {
    private let converter: C
    /// FIXED_LEN_BYTE_ARRAY (or INT96) width, 0 for BYTE_ARRAY.
    private let width: Int
    private let maxPageBytes: Int
    private var output: OutputArray<C.Output>
    private let factory: OutputFactory<C.Output>
    private var dictionary = PODBuffer<C.Output>(capacity: 16)
    private var dictionaryCount: Int?
    private var views = ByteStringViews()
    private var storage = ByteBuffer(capacity: 64)
    private var indices = PODBuffer<UInt32>(capacity: 1024)
    private var dense = PODBuffer<C.Output>(capacity: 1024)

    init(rows: Int, width: Int, maxPageBytes: Int, converter: C, factory: OutputFactory<C.Output>) {
        self.converter = converter
        self.width = width
        self.maxPageBytes = maxPageBytes
        self.factory = factory
        output = OutputArray(count: rows)
    }

    func readDictionary(_ data: UnsafeRawBufferPointer, count: Int) throws(SluiceError) {
        views.removeAll()
        try ByteStringDecoding.plain(data, count: count, width: width, into: &views)
        try convertViews(into: &dictionary)
        dictionaryCount = count
    }

    private func convertViews(into target: inout PODBuffer<C.Output>) throws(SluiceError) {
        target.removeAll()
        let out = target.appendUninitialized(views.count)
        for k in 0..<views.count { out[k] = try converter.convert(views.starts.base[k], views.lengths.base[k]) }
    }

    func readValues(_ data: UnsafeRawBufferPointer, encoding: ParquetEncoding, nonNull: Int, rowStart: Int, rows: Int,
                    validity: UnsafePointer<Bool>?) throws(SluiceError) {
        guard rowStart + rows <= output.count else { throw ParquetError.corrupt("page has more rows than its row group") }
        let zero = output.zero
        try output.withSlots(from: rowStart) { (out) throws(SluiceError) in
            try decode(data, encoding: encoding, nonNull: nonNull, rows: rows, validity: validity, zero: zero, into: out)
        }
    }

    private func decode(_ data: UnsafeRawBufferPointer, encoding: ParquetEncoding, nonNull: Int, rows: Int,
                        validity: UnsafePointer<Bool>?, zero: C.Output,
                        into out: UnsafeMutablePointer<C.Output>) throws(SluiceError) {
        views.removeAll()
        switch encoding {
        case .plain:
            try ByteStringDecoding.plain(data, count: nonNull, width: width, into: &views)
        case .rleDictionary, .plainDictionary:
            try DictionaryIndices.decode(data, count: nonNull, dictionaryCount: dictionaryCount, into: &indices)
            let dict = dictionary.base, idx = indices.base
            scatter(out, rows: rows, validity: validity, zero: zero) { dict[Int(idx[$0])] }
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
        try convertViews(into: &dense)
        let values = dense.base
        scatter(out, rows: rows, validity: validity, zero: zero) { values[$0] }
    }

    func finish() -> ColumnValues { factory.make(output.values) }
}
