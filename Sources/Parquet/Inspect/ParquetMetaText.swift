import SluiceCore

/// The text of `sluice parquet meta FILE`: the footer (version, writer, key-value metadata) and, per row
/// group and column chunk, codec, encodings, sizes, offsets and statistics (min/max as `Value.text(as:)`).
public enum ParquetMetaText {
    /// The metadata text of the file `reader` has open.
    public static func render(_ reader: ParquetFileReader) -> String {
        let meta = reader.metadata
        var lines = [
            "file: \(reader.input.name)",
            "size: \(reader.input.size) bytes  footer: \(reader.footerLength) bytes  format version: \(meta.version)",
            "created by: \(meta.createdBy ?? "-")",
            "rows: \(reader.rowCount)  row groups: \(meta.rowGroups.count)  leaf columns: \(reader.fileSchema.leafCount)",
        ]
        if let keyValues = meta.keyValueMetadata, !keyValues.isEmpty {
            lines.append("key-value metadata:")
            for kv in keyValues {
                var value = kv.value ?? "(none)"
                if value.count > 200 { value = String(value.prefix(200)) + "… (\(value.utf8.count) bytes)" }
                lines.append("  \(kv.key) = \(value)")
            }
        }
        for (index, group) in meta.rowGroups.enumerated() {
            lines.append("row group \(index): \(group.numRows) rows, \(group.totalCompressedSize.map { "\($0) bytes compressed, " } ?? "")\(group.totalByteSize) bytes uncompressed")
            for (position, column) in reader.fileSchema.columns.enumerated() {
                if let nested = column.nested {
                    for leaf in nested.leaves {
                        guard let cm = group.columns[leaf.chunkIndex].metaData else {
                            lines.append("  \(leaf.path): (no metadata)")
                            continue
                        }
                        lines.append("  \(leaf.path): \(cm.type) \(cm.codec) encodings \(cm.encodings.map(\.description).joined(separator: ","))")
                        lines.append("    values \(cm.numValues)  compressed \(cm.totalCompressedSize)  uncompressed \(cm.totalUncompressedSize)  "
                                     + "data page @\(cm.dataPageOffset)")
                    }
                    continue
                }
                let chunk = group.columns[reader.fileSchema.chunkIndices[position]]
                guard let cm = chunk.metaData else {
                    lines.append("  \(column.name): (no metadata)")
                    continue
                }
                lines.append("  \(column.name): \(cm.type) \(cm.codec) encodings \(cm.encodings.map(\.description).joined(separator: ","))")
                lines.append("    values \(cm.numValues)  compressed \(cm.totalCompressedSize)  uncompressed \(cm.totalUncompressedSize)  "
                             + "data page @\(cm.dataPageOffset)" + (cm.dictionaryPageOffset.map { "  dictionary page @\($0)" } ?? ""))
                if let stats = reader.statistics(rowGroup: index, column: column.name) {
                    let min = stats.min.flatMap { $0.text(as: column.dataType) }.map(shorten) ?? "-"
                    let max = stats.max.flatMap { $0.text(as: column.dataType) }.map(shorten) ?? "-"
                    lines.append("    statistics: nulls \(stats.nullCount.map(String.init) ?? "-")  min \(min)  max \(max)"
                                 + (stats.distinctCount.map { "  distinct \($0)" } ?? ""))
                } else {
                    lines.append("    statistics: none")
                }
            }
        }
        for column in reader.unsupportedColumns {
            lines.append("unsupported column \(column.name): \(column.reason)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func shorten(_ text: String) -> String {
        text.count > 60 ? String(text.prefix(57)) + "..." : text
    }
}
