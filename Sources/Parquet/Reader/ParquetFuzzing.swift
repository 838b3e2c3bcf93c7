public import SluiceCore

/// What the fuzzer (scripts/fuzz-parquet.sh) and the corpus replay test do with one input: open it, render
/// its schema and metadata, and read every row group (CSV text included, nested columns' leaves under structs
/// also as flat columns), with small limits. Any outcome
/// but a crash or a hang is fine; returns the error, if any.
public enum ParquetFuzzing {
    /// Limits small enough that a fuzzer's declared sizes cannot exhaust memory.
    public static let options = ParquetReaderOptions(maxRowGroupRows: 1 << 20, maxPageBytes: 1 << 24,
                                                     maxFooterBytes: 1 << 22)

    @discardableResult
    public static func exercise(_ bytes: [UInt8]) -> SluiceError? {
        do throws(SluiceError) {
            let reader = try ParquetFileReader(bytes: bytes, name: "fuzz", options: options)
            _ = ParquetSchemaText.render(reader)
            _ = ParquetMetaText.render(reader)
            let structLeaves = try reader.fileSchema.columns.compactMap(\.nested).flatMap(\.leaves)
                .filter { $0.maxRepetition == 0 }.map { (leaf) throws(SluiceError) in try reader.structLeaf(leaf.path) }
            for group in 0..<reader.rowGroupCount {
                let names = reader.schema.fields.map(\.name)
                let batch = try reader.readRowGroup(group, columns: names)
                for row in 0..<min(batch.rowCount, 64) {
                    var line = ""
                    ParquetCat.csvLine(batch, row: row, into: &line)
                }
                _ = try reader.readStructLeaves(structLeaves, rowGroup: group)
            }
            _ = try reader.rowGroups(matching: reader.schema.fields.prefix(1).map {
                ParquetRowGroupFilter(column: $0.name, lower: .int(0))
            })
            return nil
        } catch {
            return error
        }
    }
}
