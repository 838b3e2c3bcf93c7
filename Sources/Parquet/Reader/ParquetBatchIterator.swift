public import SluiceCore

/// Iterates the row groups of a file as record batches; only one row group is in memory at a time.
///
///     var batches = reader.batches(columns: ["id"])
///     while let batch = try batches.next() { ... }
public struct ParquetBatchIterator {
    let reader: ParquetFileReader
    let columns: [String]?
    let rowGroups: [Int]
    private var position = 0

    init(reader: ParquetFileReader, columns: [String]?, rowGroups: [Int]) {
        self.reader = reader
        self.columns = columns
        self.rowGroups = rowGroups
    }

    /// The next row group's batch, or nil after the last.
    public mutating func next() throws(SluiceError) -> RecordBatch? {
        guard position < rowGroups.count else { return nil }
        let index = rowGroups[position]
        position += 1
        // The next row group's bytes can arrive while this one decodes (a remote input; a local file ignores it).
        reader.prefetch(rowGroup: index, columns: columns)
        if position < rowGroups.count { reader.prefetch(rowGroup: rowGroups[position], columns: columns) }
        return try reader.readRowGroup(index, columns: columns)
    }
}
