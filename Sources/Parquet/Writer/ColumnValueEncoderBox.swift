import SluiceCore

/// A ``ColumnValueEncoder`` behind closures made where its concrete type is known.
///
/// Calling a generic class's methods through an existential runs their unspecialized code (witness tables,
/// boxed generics) in the per-value loops; closures created in this generic initializer, which the
/// optimizer specializes at each call site, call the specialized methods instead.
struct ColumnValueEncoderBox {
    let append: (Column, Range<Int>) -> Void
    let pageValueBytes: () -> Int
    let dictionaryFull: () -> Bool
    let fallBackToPlain: () -> Void
    let finishPage: (inout ByteBuffer) -> (ParquetEncoding, PageMinMax?)
    let writeDictionaryPage: (inout ByteBuffer) -> Int?
    let chunkStatistics: () -> PageMinMax?
    let resetChunk: () -> Void

    init<E: ColumnValueEncoder>(_ encoder: E) {
        append = { encoder.append($0, rows: $1) }
        pageValueBytes = { encoder.pageValueBytes }
        dictionaryFull = { encoder.dictionaryFull }
        fallBackToPlain = { encoder.fallBackToPlain() }
        finishPage = { encoder.finishPage(into: &$0) }
        writeDictionaryPage = { encoder.writeDictionaryPage(into: &$0) }
        chunkStatistics = { encoder.chunkStatistics() }
        resetChunk = { encoder.resetChunk() }
    }
}
