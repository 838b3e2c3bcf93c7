public import SluiceCore

/// Writes a Parquet file into memory, for callers that upload it (the S3 sink).
public final class ParquetBufferWriter {
    private let memory: ParquetMemoryOutput
    private let writer: ParquetFileWriter

    /// A writer of `schema` into memory; `name` stands for the file in errors.
    public init(schema: Schema, options: ParquetWriterOptions = .init(), name: String = "<memory>") throws(SluiceError) {
        memory = ParquetMemoryOutput(name: name)
        writer = try ParquetFileWriter(output: memory, schema: schema, options: options)
    }

    /// Appends the rows of `batch` (see ``ParquetFileWriter/write(_:)``).
    public func write(_ batch: RecordBatch) throws(SluiceError) {
        try writer.write(batch)
    }

    /// Finishes the file and returns its bytes.
    public func close() throws(SluiceError) -> (bytes: [UInt8], summary: ParquetWriteSummary) {
        let summary = try writer.close()
        return (memory.bytes, summary)
    }
}
