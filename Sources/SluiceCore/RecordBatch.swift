/// A block of rows in columnar form: what flows from an extractor to a writer, and from a reader to a loader.
public struct RecordBatch: Sendable, Hashable {
    public var schema: Schema
    public var columns: [Column]
    public var rowCount: Int

    /// Checks that there is one column per field, each of `rowCount` rows and of the field's storage kind.
    public init(schema: Schema, columns: [Column]) throws(SluiceError) {
        if let problem = Self.problem(schema: schema, columns: columns) { throw problem }
        self.schema = schema
        self.columns = columns
        self.rowCount = columns.first?.count ?? 0
    }

    // Kept out of the initializer: Swift 6.3.1's optimizer crashes (CopyPropagation ownership verifier) on
    // this loop when it is inlined into a typed-throws initializer in release builds.
    @inline(never)
    static func problem(schema: Schema, columns: [Column]) -> SluiceError? {
        guard schema.count == columns.count else {
            return SluiceError(.invalidBatch, "batch has \(columns.count) columns for \(schema.count) fields")
        }
        let rowCount = columns.first?.count ?? 0
        for index in columns.indices {
            let field = schema.fields[index]
            let column = columns[index]
            if column.count != rowCount {
                return SluiceError(.invalidBatch, "column has \(column.count) rows, expected \(rowCount)",
                                   context: .init(column: field.name))
            }
            let kind = column.values.kind
            if kind != field.type.storage {
                return SluiceError(.invalidBatch, "column of type \(field.type) holds \(kind) values",
                                   context: .init(column: field.name))
            }
            if !field.nullable && column.nullCount > 0 {
                return SluiceError(.invalidBatch, "non-nullable column holds NULLs", context: .init(column: field.name))
            }
        }
        return nil
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

/// Record batches pulled one at a time by a consumer that may run on another thread (a sink writer streaming
/// them into a request body): ``next()`` returns nil at the end and throws when a batch cannot be produced,
/// so the consumer can abort instead of mistaking a failure for the end.
public protocol BatchSource {
    mutating func next() throws(SluiceError) -> RecordBatch?
}

/// A ``BatchSource`` over batches already in memory.
public struct BatchList: BatchSource, Sendable {
    private var remaining: ArraySlice<RecordBatch>

    public init(_ batches: [RecordBatch]) {
        remaining = batches[...]
    }

    public mutating func next() throws(SluiceError) -> RecordBatch? {
        remaining.popFirst()
    }
}
