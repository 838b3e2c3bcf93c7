/// Safety limits and checks of ``ParquetFileReader``. A file that exceeds a limit is rejected with a
/// `parquet_limit` error before anything that large is allocated.
public struct ParquetReaderOptions: Sendable, Hashable {
    /// Most rows a row group may have (a row group is decoded in memory at once). Default 64 Mi.
    public var maxRowGroupRows: Int = 1 << 26
    /// Largest uncompressed page (and largest page rebuilt by DELTA_BYTE_ARRAY). Default 512 MiB.
    public var maxPageBytes: Int = 1 << 29
    /// Largest footer. Default 256 MiB.
    public var maxFooterBytes: Int = 1 << 28
    /// Whether page CRCs, when a writer stored them, are checked. Default true.
    public var verifyChecksums: Bool = true

    public init(maxRowGroupRows: Int = 1 << 26, maxPageBytes: Int = 1 << 29, maxFooterBytes: Int = 1 << 28,
                verifyChecksums: Bool = true) {
        self.maxRowGroupRows = maxRowGroupRows
        self.maxPageBytes = maxPageBytes
        self.maxFooterBytes = maxFooterBytes
        self.verifyChecksums = verifyChecksums
    }
}
