import SluiceCore

/// A ``PageValuesDecoder`` behind closures made where its concrete type is known, so that the decoding
/// loops run specialized code (see ``ColumnValueEncoderBox`` for why).
struct PageValuesDecoderBox {
    let readDictionary: (UnsafeRawBufferPointer, Int) throws(SluiceError) -> Void
    let readValues: (UnsafeRawBufferPointer, ParquetEncoding, Int, Int, Int, UnsafePointer<Bool>?) throws(SluiceError) -> Void
    let finish: () -> ColumnValues

    init<D: PageValuesDecoder>(_ decoder: D) {
        readDictionary = { (data, count) throws(SluiceError) in try decoder.readDictionary(data, count: count) }
        readValues = { (data, encoding, nonNull, rowStart, rows, validity) throws(SluiceError) in
            try decoder.readValues(data, encoding: encoding, nonNull: nonNull, rowStart: rowStart, rows: rows,
                                   validity: validity)
        }
        finish = { decoder.finish() }
    }
}
