import SluiceCore

/// ``PageValuesDecoder`` for INT32, INT64, FLOAT and DOUBLE columns: PLAIN, dictionary, DELTA_BINARY_PACKED
/// (integers) and BYTE_STREAM_SPLIT, converted to the Sluice representation by `C`.
final class NumericPageDecoder<C: NumericConverter>: PageValuesDecoder where C.Physical: PhysicalNumeric {
    private let converter: C
    private var output: OutputArray<C.Output>
    private let factory: OutputFactory<C.Output>
    private let isIdentity: Bool
    private var dictionary = PODBuffer<C.Output>(capacity: 16)
    private var dictionaryCount: Int?
    private var dense = PODBuffer<C.Physical>(capacity: 1024)
    private var indices = PODBuffer<UInt32>(capacity: 1024)
    private var wide = PODBuffer<UInt64>(capacity: 16)
    private var splitScratch = ByteBuffer(capacity: 64)

    init(rows: Int, converter: C, factory: OutputFactory<C.Output>) {
        self.converter = converter
        self.factory = factory
        output = OutputArray(count: rows)
        isIdentity = converter is IdentityConverter<C.Physical> && C.Physical.self == C.Output.self
    }

    private static var width: Int { MemoryLayout<C.Physical>.size }

    func readDictionary(_ data: UnsafeRawBufferPointer, count: Int) throws(SluiceError) {
        guard data.count / Self.width >= count else {
            throw ParquetError.corrupt("dictionary page holds \(data.count) bytes for \(count) values")
        }
        try loadPlain(data, count: count)
        dictionary.removeAll()
        let out = dictionary.appendUninitialized(count)
        for k in 0..<count { out[k] = converter(dense.base[k]) }
        dictionaryCount = count
    }

    /// Copies `count` PLAIN values into `dense` (aligned) and checks they convert.
    private func loadPlain(_ data: UnsafeRawBufferPointer, count: Int) throws(SluiceError) {
        dense.removeAll()
        let out = dense.appendUninitialized(count)
        if count > 0 { UnsafeMutableRawPointer(out).copyMemory(from: data.baseAddress!, byteCount: count * Self.width) }
        try check(count)
    }

    private func check(_ count: Int) throws(SluiceError) {
        if let bad = converter.firstInvalid(UnsafeBufferPointer(start: dense.base, count: count)) {
            throw ParquetError.corrupt("value \(dense.base[bad]) cannot be converted to microseconds or its decimal precision")
        }
    }

    func readValues(_ data: UnsafeRawBufferPointer, encoding: ParquetEncoding, nonNull: Int, rowStart: Int, rows: Int,
                    validity: UnsafePointer<Bool>?) throws(SluiceError) {
        guard rowStart + rows <= output.count else { throw ParquetError.corrupt("page has more rows than its row group") }
        let zero = output.zero
        try output.withSlots(from: rowStart) { (out) throws(SluiceError) in
            try decode(data, encoding: encoding, nonNull: nonNull, rows: rows, validity: validity, zero: zero, into: out)
        }
    }

    @inline(__always)
    private func decode(_ data: UnsafeRawBufferPointer, encoding: ParquetEncoding, nonNull: Int, rows: Int,
                        validity: UnsafePointer<Bool>?, zero: C.Output,
                        into out: UnsafeMutablePointer<C.Output>) throws(SluiceError) {
        switch encoding {
        case .plain:
            guard data.count / Self.width >= nonNull else { throw ByteStringDecoding.truncated("PLAIN", nonNull) }
            if isIdentity && validity == nil {
                if nonNull > 0 {
                    UnsafeMutableRawPointer(out).copyMemory(from: data.baseAddress!, byteCount: nonNull * Self.width)
                }
                return
            }
            try loadPlain(data, count: nonNull)
        case .rleDictionary, .plainDictionary:
            try DictionaryIndices.decode(data, count: nonNull, dictionaryCount: dictionaryCount, into: &indices)
            let dict = dictionary.base
            let idx = indices.base
            scatter(out, rows: rows, validity: validity, zero: zero) { dict[Int(idx[$0])] }
            return
        case .deltaBinaryPacked where C.Physical.deltaAllowed:
            var decoder = try DeltaBinaryPackedDecoder(data, maxValues: nonNull, maxWidth: Self.width * 8)
            guard decoder.totalCount >= nonNull else {
                throw ParquetError.corrupt("DELTA_BINARY_PACKED page holds \(decoder.totalCount) values, \(nonNull) expected")
            }
            wide.removeAll()
            let values = wide.appendUninitialized(nonNull)
            if nonNull > 0 { try decoder.decode(into: values, count: nonNull) }
            dense.removeAll()
            let target = dense.appendUninitialized(nonNull)
            for k in 0..<nonNull { target[k] = C.Physical(deltaBits: values[k]) }
            try check(nonNull)
        case .byteStreamSplit:
            var views = ByteStringViews()
            try ByteStringDecoding.byteStreamSplit(data, count: nonNull, width: Self.width, storage: &splitScratch,
                                                   into: &views)
            dense.removeAll()
            let target = dense.appendUninitialized(nonNull)
            if nonNull > 0 {
                UnsafeMutableRawPointer(target).copyMemory(from: splitScratch.base, byteCount: nonNull * Self.width)
            }
            try check(nonNull)
        default:
            throw ParquetError.unsupported("encoding \(encoding) is not supported for this column")
        }
        let source = dense.base
        let converter = self.converter
        scatter(out, rows: rows, validity: validity, zero: zero) { converter(source[$0]) }
    }

    func finish() -> ColumnValues { factory.make(output.values) }
}
