public import SluiceCore

/// The output formats of `sluice parquet cat` (specified in docs/parquet.md).
public enum ParquetCatFormat: String, Sendable, CaseIterable {
    /// RFC 4180 CSV with a header line; NULL is an empty unquoted field, the empty string is `""`.
    case csv
    /// One JSON object per line, keys in column order; nested columns as JSON values, not strings.
    case jsonl
}

/// Prints rows of a Parquet file as CSV or JSON lines, row group by row group (memory: one row group).
public enum ParquetCat {
    /// Writes up to `limit` rows (all if nil) of `columns` (all readable columns if nil) to `emit`, in
    /// chunks of whole lines. Returns the number of rows written.
    @discardableResult
    public static func write(_ reader: ParquetFileReader, columns: [String]? = nil, limit: Int? = nil,
                             format: ParquetCatFormat, emit: (String) -> Void) throws(SluiceError) -> Int {
        let fields: [Field]
        if let columns {
            fields = try columns.map { (name) throws(SluiceError) -> Field in
                guard let field = reader.schema.fields.first(where: { $0.name == name }) else {
                    if let nested = reader.unsupportedColumns.first(where: { $0.name == name }) {
                        throw SluiceError(.parquetUnsupported, nested.reason,
                                          context: ErrorContext(file: reader.input.name, column: name))
                    }
                    throw SluiceError(.parquetUsage, "no column named '\(name)' in the file",
                                      context: ErrorContext(file: reader.input.name, column: name))
                }
                return field
            }
        } else {
            fields = reader.schema.fields
        }
        var buffer = ""
        if format == .csv {
            for (index, field) in fields.enumerated() {
                if index > 0 { buffer += "," }
                TextEscaping.csvField(field.name, into: &buffer)
            }
            buffer += "\n"
        }
        // Nested columns are JSON text that Sluice assembled (valid by construction): embedded in JSON lines.
        let nested = Set(reader.fileSchema.columns.filter { $0.nested != nil }.map(\.name))
        let embedded = fields.map { nested.contains($0.name) }
        var written = 0
        let wanted = limit ?? Int.max
        var batches = reader.batches(columns: columns ?? fields.map(\.name))
        while written < wanted, let batch = try batches.next() {
            let rows = min(batch.rowCount, wanted - written)
            for row in 0..<rows {
                switch format {
                case .csv: csvLine(batch, row: row, into: &buffer)
                case .jsonl: jsonLine(batch, row: row, embedded: embedded, into: &buffer)
                }
                if buffer.utf8.count >= 1 << 16 {
                    emit(buffer)
                    buffer = ""
                }
            }
            written += rows
        }
        if !buffer.isEmpty { emit(buffer) }
        return written
    }

    static func csvLine(_ batch: RecordBatch, row: Int, into out: inout String) {
        for (index, field) in batch.schema.fields.enumerated() {
            if index > 0 { out += "," }
            if let text = batch.value(row: row, column: index).text(as: field.type) {
                TextEscaping.csvField(text, into: &out)
            }
        }
        out += "\n"
    }

    /// `embedded[i]`: column i holds JSON text (a nested column) written as it is, not as a JSON string.
    static func jsonLine(_ batch: RecordBatch, row: Int, embedded: [Bool], into out: inout String) {
        out += "{"
        for (index, field) in batch.schema.fields.enumerated() {
            if index > 0 { out += "," }
            TextEscaping.jsonString(field.name, into: &out)
            out += ":"
            let value = batch.value(row: row, column: index)
            if embedded[index], case .string(let json) = value {
                out += json
            } else {
                jsonValue(value, type: field.type, into: &out)
            }
        }
        out += "}\n"
    }

    /// JSON numbers for integers and finite floats; strings for everything whose text a JSON number
    /// would not keep exactly (decimals, NaN/inf, dates, times, binary, UUIDs).
    static func jsonValue(_ value: Value, type: DataType, into out: inout String) {
        guard let text = value.text(as: type) else {
            out += "null"
            return
        }
        switch (value, type) {
        case (.boolean, _): out += text
        case (.int, .int8), (.int, .int16), (.int, .int32), (.int, .int64), (.int, .uint8), (.int, .uint16),
             (.int, .uint32), (.int, .uint64):
            out += text
        case (.float(let v), _) where v.isFinite: out += text
        case (.double(let v), _) where v.isFinite: out += text
        default: TextEscaping.jsonString(text, into: &out)
        }
    }
}
