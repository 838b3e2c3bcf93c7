public import SluiceCore

/// A source table as `sluice init` found it in the source's catalogue: what a table file declares, and what the
/// data suggests (as advice for people, never applied silently).
public struct DiscoveredTable: Sendable, Hashable {
    /// The name to give it in the pipeline (`orders`, or `sales_orders` outside the default schema).
    public var name: String
    /// The table as the source names it (`public.orders`).
    public var source: String
    public var columns: [DiscoveredColumn]
    /// The primary key (or a unique key's columns), empty when the table has none.
    public var primaryKey: [String]
    /// A column whose value grows when a row changes, and why it was chosen; nil when there is none.
    public var cursor: (column: String, reason: String)?
    /// A column to split the table on, when one is indexed and ordered.
    public var partitionColumn: String?
    /// The source's row estimate.
    public var estimatedRows: Int64?
    /// Notes for the file's header (why no cursor, why no key).
    public var notes: [String]

    public init(name: String, source: String, columns: [DiscoveredColumn], primaryKey: [String],
                cursor: (column: String, reason: String)?, partitionColumn: String?, estimatedRows: Int64?, notes: [String]) {
        self.name = name
        self.source = source
        self.columns = columns
        self.primaryKey = primaryKey
        self.cursor = cursor
        self.partitionColumn = partitionColumn
        self.estimatedRows = estimatedRows
        self.notes = notes
    }

    public static func == (lhs: DiscoveredTable, rhs: DiscoveredTable) -> Bool {
        lhs.name == rhs.name && lhs.source == rhs.source && lhs.columns == rhs.columns && lhs.primaryKey == rhs.primaryKey
            && lhs.cursor?.column == rhs.cursor?.column && lhs.cursor?.reason == rhs.cursor?.reason
            && lhs.partitionColumn == rhs.partitionColumn && lhs.estimatedRows == rhs.estimatedRows && lhs.notes == rhs.notes
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(source)
    }
}

/// One column of a ``DiscoveredTable``.
public struct DiscoveredColumn: Sendable, Hashable {
    public var name: String
    /// As the source prints it (`numeric(12,2)`).
    public var sourceType: String
    /// The exact target type; nil when no Sluice type holds the source's (the column is then left out).
    public var type: DataType?
    public var nullable: Bool
    /// What the data suggests, for people (`values fit int32: 1 ... 48,213`).
    public var advice: [String]

    public init(name: String, sourceType: String, type: DataType?, nullable: Bool, advice: [String] = []) {
        self.name = name
        self.sourceType = sourceType
        self.type = type
        self.nullable = nullable
        self.advice = advice
    }
}
