public import SluiceCore

/// A ClickHouse table as Sluice creates it: columns from Sluice fields, a MergeTree-family engine,
/// the sorting key and an optional partition key.
public struct ClickHouseTableDefinition: Sendable, Hashable {
    public enum Engine: Sendable, Hashable {
        /// `MergeTree()`.
        case mergeTree
        /// `ReplacingMergeTree(version)`: rows with the same sorting key collapse to the one with the
        /// largest `versionColumn` at merge time (the last inserted without a version column).
        case replacingMergeTree(versionColumn: String?)
    }

    /// `PARTITION BY`.
    public enum PartitionKey: Sendable, Hashable {
        /// The column's value.
        case column(String)
        /// `toYYYYMM(column)` of a date or timestamp column.
        case month(of: String)
        /// `toYYYYMMDD(column)` of a date or timestamp column.
        case day(of: String)
        /// An expression written verbatim: it comes from the operator's configuration, never from data.
        case expression(String)
    }

    public var database: String
    public var name: String
    public var columns: [Field]
    public var engine: Engine
    /// The sorting key (`ORDER BY`); empty means `tuple()`. Sorting-key columns cannot be nullable.
    public var orderBy: [String]
    public var partitionBy: PartitionKey?

    public init(database: String, name: String, columns: [Field], engine: Engine = .mergeTree,
                orderBy: [String] = [], partitionBy: PartitionKey? = nil) {
        self.database = database
        self.name = name
        self.columns = columns
        self.engine = engine
        self.orderBy = orderBy
        self.partitionBy = partitionBy
    }

    /// `database.name` as messages print it.
    public var qualifiedName: String { "\(database).\(name)" }
}
