/// Which data page layout the writer uses (parquet.thrift `PageType`).
public enum ParquetDataPageVersion: Sendable, Hashable {
    /// DATA_PAGE: levels and values compressed together. Read by every implementation.
    case v1
    /// DATA_PAGE_V2: levels uncompressed before the compressed values, row and NULL counts in the header.
    case v2
}

/// How ``ParquetFileWriter`` lays out a file. Defaults follow Arrow C++ (pyarrow) where it has one.
public struct ParquetWriterOptions: Sendable, Hashable {
    /// Page compression. Default snappy.
    public var compression: ParquetCompression = .snappy
    /// A row group ends once its estimated size (compressed pages written so far plus the pages being
    /// built) reaches this many bytes. Default 128 MiB. Writer memory is about one row group.
    public var rowGroupBytes: Int = 128 << 20
    /// A row group also ends at this many rows. Default 1,048,576 (Arrow's default).
    public var rowGroupRows: Int = 1 << 20
    /// A row group also ends once its rows take this many bytes in memory as Sluice holds them
    /// (``SluiceCore/RecordBatch/memoryBytes``: value bytes, offsets, validity), so that a reader decoding one
    /// row group at a time needs at most about this much, however well the pages compressed. ``rowGroupBytes``
    /// counts compressed bytes and cannot promise that. Default nil: no such limit.
    public var rowGroupMemoryBytes: Int? = nil
    /// A data page ends once its encoded values and levels reach this many bytes. Default 1 MiB.
    public var pageBytes: Int = 1 << 20
    /// A column chunk falls back from dictionary to PLAIN encoding once its dictionary page (PLAIN encoded)
    /// reaches this many bytes; pages written before keep their dictionary encoding. Default 1 MiB.
    public var dictionaryPageLimitBytes: Int = 1 << 20
    /// Whether columns start with dictionary encoding (BOOLEAN columns never do). Default true.
    public var dictionaryEnabled: Bool = true
    /// DATA_PAGE (v1, default) or DATA_PAGE_V2.
    public var dataPageVersion: ParquetDataPageVersion = .v1
    /// Whether data page headers carry statistics (column chunk statistics are always written). Default true.
    public var pageStatistics: Bool = true
    /// Min/max statistics are left out (not truncated) for a page or chunk whose min or max byte string is
    /// longer than this. Default 4096.
    public var maxStatisticsBytes: Int = 4096
    /// Extra key-value metadata for the footer. The key `sluice.schema` is reserved: the writer stores the
    /// Sluice schema there.
    public var keyValueMetadata: [String: String] = [:]
    /// The footer's `created_by`, in the `<application> version <version>` form other readers parse.
    public var createdBy: String = "sluice version 0.1.0"

    public init(compression: ParquetCompression = .snappy, rowGroupBytes: Int = 128 << 20,
                rowGroupRows: Int = 1 << 20, rowGroupMemoryBytes: Int? = nil, pageBytes: Int = 1 << 20, dictionaryPageLimitBytes: Int = 1 << 20,
                dictionaryEnabled: Bool = true, dataPageVersion: ParquetDataPageVersion = .v1,
                pageStatistics: Bool = true, maxStatisticsBytes: Int = 4096,
                keyValueMetadata: [String: String] = [:], createdBy: String = "sluice version 0.1.0") {
        self.compression = compression
        self.rowGroupBytes = rowGroupBytes
        self.rowGroupRows = rowGroupRows
        self.rowGroupMemoryBytes = rowGroupMemoryBytes
        self.pageBytes = pageBytes
        self.dictionaryPageLimitBytes = dictionaryPageLimitBytes
        self.dictionaryEnabled = dictionaryEnabled
        self.dataPageVersion = dataPageVersion
        self.pageStatistics = pageStatistics
        self.maxStatisticsBytes = maxStatisticsBytes
        self.keyValueMetadata = keyValueMetadata
        self.createdBy = createdBy
    }
}

/// What a closed writer produced.
public struct ParquetWriteSummary: Sendable, Hashable {
    public var rows: Int
    /// File size in bytes.
    public var bytes: Int
    public var rowGroups: Int

    public init(rows: Int, bytes: Int, rowGroups: Int) {
        self.rows = rows
        self.bytes = bytes
        self.rowGroups = rowGroups
    }
}
