public import SluiceCore

/// A condition on one column for skipping row groups by their statistics: the row group may hold a value
/// `v` with `lower <= v <= upper` (either bound may be absent). Row groups without usable statistics are
/// always kept.
public struct ParquetRowGroupFilter: Sendable, Hashable {
    public var column: String
    public var lower: Value?
    public var upper: Value?

    public init(column: String, lower: Value? = nil, upper: Value? = nil) {
        self.column = column
        self.lower = lower
        self.upper = upper
    }
}

extension ParquetFileReader {
    /// The row groups that may hold rows matching every filter, by min/max statistics.
    /// Throws `parquet_usage` for a filter on a column the file does not have.
    public func rowGroups(matching filters: [ParquetRowGroupFilter]) throws(SluiceError) -> [Int] {
        for filter in filters where schema.index(of: filter.column) == nil {
            throw ParquetError.usage("no column named '\(filter.column)' to filter on", column: filter.column)
                .adding(ErrorContext(file: input.name))
        }
        return (0..<rowGroupCount).filter { group in
            filters.allSatisfy { filter in
                let type = schema.fields[schema.index(of: filter.column)!].type
                guard let stats = statistics(rowGroup: group, column: filter.column),
                      let min = stats.min, let max = stats.max else { return true }
                if let upper = filter.upper, let order = ValueOrder.compare(min, upper, type: type), order > 0 { return false }
                if let lower = filter.lower, let order = ValueOrder.compare(max, lower, type: type), order < 0 { return false }
                return true
            }
        }
    }
}
