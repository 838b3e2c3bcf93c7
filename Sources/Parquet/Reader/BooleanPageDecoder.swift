import SluiceCore

/// ``PageValuesDecoder`` for BOOLEAN columns: PLAIN (bit-packed, LSB first) and RLE (4-byte length, then
/// the hybrid with bit width 1).
final class BooleanPageDecoder: PageValuesDecoder {
    private var output: OutputArray<Bool>
    private var dense = PODBuffer<Bool>(capacity: 1024)
    private var levels = PODBuffer<UInt32>(capacity: 1024)

    init(rows: Int) {
        output = OutputArray(count: rows)
    }

    func readDictionary(_ data: UnsafeRawBufferPointer, count: Int) throws(SluiceError) {
        throw ParquetError.unsupported("dictionary-encoded BOOLEAN columns are not supported")
    }

    func readValues(_ data: UnsafeRawBufferPointer, encoding: ParquetEncoding, nonNull: Int, rowStart: Int, rows: Int,
                    validity: UnsafePointer<Bool>?) throws(SluiceError) {
        guard rowStart + rows <= output.count else { throw ParquetError.corrupt("page has more rows than its row group") }
        dense.removeAll()
        let values = dense.appendUninitialized(nonNull)
        switch encoding {
        case .plain:
            guard data.count >= (nonNull + 7) / 8 else { throw ByteStringDecoding.truncated("PLAIN BOOLEAN", nonNull) }
            if let base = data.baseAddress {
                for k in 0..<nonNull {
                    values[k] = base.load(fromByteOffset: k >> 3, as: UInt8.self) >> UInt8(k & 7) & 1 == 1
                }
            }
        case .rle:
            guard data.count >= 4 else { throw ByteStringDecoding.truncated("RLE BOOLEAN", nonNull) }
            let length = Int(UInt32(littleEndian: data.baseAddress!.loadUnaligned(as: UInt32.self)))
            guard length <= data.count - 4 else {
                throw ParquetError.corrupt("RLE BOOLEAN length \(length) runs past the end of the page")
            }
            var decoder = RLEHybridDecoder(UnsafeRawBufferPointer(rebasing: data[4..<4 + length]), bitWidth: 1)
            levels.removeAll()
            let raw = levels.appendUninitialized(nonNull)
            try decoder.decode(into: raw, count: nonNull)
            for k in 0..<nonNull { values[k] = raw[k] & 1 == 1 }
        default:
            throw ParquetError.unsupported("encoding \(encoding) is not supported for BOOLEAN")
        }
        try output.withSlots(from: rowStart) { (out) throws(SluiceError) in scatter(out, rows: rows, validity: validity, zero: false) { values[$0] } }
    }

    func finish() -> ColumnValues { .boolean(output.values) }
}
