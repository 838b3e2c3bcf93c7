import SluiceCore

/// The text of `sluice parquet schema FILE`: one line per column with its Sluice type, nullability and
/// Parquet annotations, then the columns Sluice cannot read.
public enum ParquetSchemaText {
    /// The schema text of the file `reader` has open.
    public static func render(_ reader: ParquetFileReader) -> String {
        var lines = ["file: \(reader.input.name)",
                     "rows: \(reader.rowCount)  row groups: \(reader.rowGroupCount)  created by: \(reader.metadata.createdBy ?? "-")",
                     "columns:"]
        let columns = reader.fileSchema.columns
        let nameWidth = max(columns.map(\.name.count).max() ?? 0, 4)
        let nestedType = "json text"  // a nested column's type as shown: its Sluice type is string
        let typeWidth = max(columns.map { $0.nested == nil ? $0.dataType.description.count : nestedType.count }.max() ?? 0, 4)
        for column in columns {
            if let nested = column.nested {
                lines.append("  " + pad(column.name, nameWidth) + "  " + pad(nestedType, typeWidth) + "  "
                             + pad(column.isOptional ? "nullable" : "not null", 8) + "  nested:")
                for line in nested.outline { lines.append("      " + line) }
                continue
            }
            var annotation = "\(column.physicalType)"
            if column.typeLength > 0 { annotation += "(\(column.typeLength))" }
            if let logical = column.logicalType { annotation += " \(logical)" }
            if let converted = column.convertedType { annotation += " [\(converted)]" }
            lines.append("  " + pad(column.name, nameWidth) + "  " + pad(column.dataType.description, typeWidth) + "  "
                         + pad(column.isOptional ? "nullable" : "not null", 8) + "  " + annotation)
        }
        if !reader.unsupportedColumns.isEmpty {
            lines.append("unsupported columns:")
            for column in reader.unsupportedColumns { lines.append("  \(column.name): \(column.reason)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
