public import SluiceCore

extension SluiceError.Code {
    /// The bytes are not a valid Parquet file: bad magic, truncated footer, corrupt Thrift metadata,
    /// a page that does not decode, lengths or counts that do not fit. The message says what is wrong.
    public static let parquetCorrupt = Self("parquet_corrupt", retryable: false)
    /// A valid Parquet feature Sluice does not read or write (nested columns, an unknown codec, LZO, ...).
    public static let parquetUnsupported = Self("parquet_unsupported", retryable: false)
    /// Reading or writing the underlying file failed (open, read, write, close).
    public static let parquetIO = Self("parquet_io", retryable: true)
    /// The caller asked for something impossible: a batch whose schema differs from the writer's, an
    /// unknown column name, a row group index out of range, a writer used after close.
    public static let parquetUsage = Self("parquet_usage", retryable: false)
    /// The file is plausible but exceeds a configured safety limit of the reader (rows per row group,
    /// page size); raise the limit in ``ParquetReaderOptions`` if the file is trusted.
    public static let parquetLimit = Self("parquet_limit", retryable: false)
}

/// Shorthands for the errors the Parquet module throws.
enum ParquetError {
    static func corrupt(_ message: String, column: String? = nil) -> SluiceError {
        SluiceError(.parquetCorrupt, message, context: ErrorContext(column: column))
    }

    static func unsupported(_ message: String, column: String? = nil) -> SluiceError {
        SluiceError(.parquetUnsupported, message, context: ErrorContext(column: column))
    }

    static func usage(_ message: String, column: String? = nil) -> SluiceError {
        SluiceError(.parquetUsage, message, context: ErrorContext(column: column))
    }

    static func io(_ message: String, file: String, underlying: String? = nil) -> SluiceError {
        SluiceError(.parquetIO, message, context: ErrorContext(file: file), underlying: underlying)
    }
}
