import SluiceCore

/// Encodes the non-NULL values of one column chunk, page by page: dictionary indices while the dictionary
/// stays under its limit, PLAIN after that. Also keeps min/max statistics per page and per chunk.
///
/// ``ColumnChunkWriter`` drives it: ``append(_:rows:)`` for each slice of rows, ``finishPage(into:)`` when the
/// page is big enough, ``writeDictionaryPage(into:)`` and ``chunkStatistics()`` when the row group ends.
protocol ColumnValueEncoder: AnyObject {
    /// Appends the non-NULL values among rows `rows` of `column` to the current page.
    func append(_ column: Column, rows: Range<Int>)
    /// Estimated bytes of the current page's encoded values.
    var pageValueBytes: Int { get }
    /// Whether the current page holds dictionary indices.
    var usesDictionary: Bool { get }
    /// Whether the dictionary has grown past its limit (the writer then ends the page and falls back).
    var dictionaryFull: Bool { get }
    /// Switches to PLAIN for the rest of the chunk (call right after finishing a page).
    func fallBackToPlain()
    /// Appends the current page's encoded values to `output`, returns their encoding and min/max
    /// statistics, and starts a new page.
    func finishPage(into output: inout ByteBuffer) -> (ParquetEncoding, PageMinMax?)
    /// Appends the PLAIN dictionary page payload; returns its value count, or nil if no dictionary is in use.
    func writeDictionaryPage(into output: inout ByteBuffer) -> Int?
    /// Min/max over the whole chunk so far, nil when there was no non-NULL (non-NaN) value.
    func chunkStatistics() -> PageMinMax?
    /// Starts a new chunk: empty dictionary (enabled again), no statistics.
    func resetChunk()
}

/// PLAIN-encoded min and max values (parquet.thrift `Statistics.min_value/max_value`).
struct PageMinMax: Sendable, Hashable {
    var min: [UInt8]
    var max: [UInt8]
    /// Whether the deprecated `min`/`max` fields may carry the same bytes (signed sort orders only).
    var legacyCompatible: Bool
}
