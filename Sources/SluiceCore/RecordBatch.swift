/// A block of rows in columnar form: what flows from an extractor to a writer, and from a reader to a loader.
public struct RecordBatch: Sendable, Hashable {
    public var schema: Schema
    public var columns: [Column]
    public var rowCount: Int

    /// Checks that there is one column per field, each of `rowCount` rows and of the field's storage kind.
    public init(schema: Schema, columns: [Column]) throws(SluiceError) {
        guard schema.count == columns.count else {
            throw SluiceError(.invalidBatch, "batch has \(columns.count) columns for \(schema.count) fields")
        }
        let rowCount = columns.first?.count ?? 0
        for (field, column) in zip(schema.fields, columns) {
            guard column.count == rowCount else {
                throw SluiceError(.invalidBatch, "column has \(column.count) rows, expected \(rowCount)",
                                  context: .init(column: field.name))
            }
            guard column.values.kind == field.type.storage else {
                throw SluiceError(.invalidBatch, "column of type \(field.type) holds \(column.values.kind) values",
                                  context: .init(column: field.name))
            }
            guard field.nullable || column.validity == nil || column.nullCount == 0 else {
                throw SluiceError(.invalidBatch, "non-nullable column holds NULLs", context: .init(column: field.name))
            }
        }
        self.schema = schema
        self.columns = columns
        self.rowCount = rowCount
    }

    /// The column named `name`.
    public func column(named name: String) -> Column? {
        schema.index(of: name).map { columns[$0] }
    }

    /// The value at `row` of column `column`, for display and tests (slow path).
    public func value(row: Int, column: Int) -> Value {
        Value(of: columns[column], type: schema.fields[column].type, at: row)
    }
}
