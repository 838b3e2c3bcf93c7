import SluiceCore

/// What to do with a source value that the target type cannot hold but that is not an error in the data
/// itself: numeric `NaN` / `±Infinity`, date and timestamp `±infinity`.
public enum SpecialValuePolicy: String, Sendable, Hashable, CaseIterable {
    /// Fail the task with an error naming the column and row (the default: nothing is changed silently).
    case reject
    /// Store NULL (the column must be nullable) and count the value in ``CopyBinaryDecoder/nulledValues``.
    case null
}

/// Options of a ``CopyBinaryDecoder``; the defaults suit production runs.
public struct CopyDecodeOptions: Sendable, Hashable {
    /// Rows per emitted ``RecordBatch`` (the last batch may be shorter). Bounds the decoder's memory. The
    /// default, 8,192, measured 10-15% less CPU than 65,536 on the extract benchmark (batches stay in cache
    /// and their arrays are recycled by malloc instead of being mapped and faulted in anew).
    public var batchRowCount: Int
    /// A batch also ends once its rows took this many bytes of the COPY stream (about what they take in memory:
    /// a text is its bytes either way), so that wide rows cannot make a batch of `batchRowCount` rows outgrow the
    /// executor's memory budget. The row that crosses the limit ends the batch. Default: no limit.
    public var batchByteCount: Int
    /// Numeric `NaN`, `Infinity`, `-Infinity` read into a decimal or integer target. Float targets hold them
    /// exactly and string targets receive PostgreSQL's spelling, whatever this says.
    public var numericSpecials: SpecialValuePolicy
    /// Date / timestamp `infinity` and `-infinity` read into a date, timestamp or timestamptz target.
    /// String targets receive PostgreSQL's spelling (`infinity`).
    public var infiniteDates: SpecialValuePolicy
    /// Checks that text values are valid UTF-8. Needed only when the server's encoding is SQL_ASCII (then
    /// PostgreSQL sends bytes unconverted); every other server encoding is converted to UTF-8 by the server.
    public var validateUTF8: Bool
    /// The source column whose largest value the decoder tracks (integer, date, timestamp, timestamptz),
    /// for the run's new bookmark; see ``CopyBinaryDecoder/maxCursor``.
    public var cursorColumn: String?
    /// The table named in errors (`public.orders`).
    public var table: String?

    public init(batchRowCount: Int = 8192, batchByteCount: Int = .max, numericSpecials: SpecialValuePolicy = .reject,
                infiniteDates: SpecialValuePolicy = .reject,
                validateUTF8: Bool = false, cursorColumn: String? = nil, table: String? = nil) {
        self.batchRowCount = max(1, batchRowCount)
        self.batchByteCount = max(1, batchByteCount)
        self.numericSpecials = numericSpecials
        self.infiniteDates = infiniteDates
        self.validateUTF8 = validateUTF8
        self.cursorColumn = cursorColumn
        self.table = table
    }
}
