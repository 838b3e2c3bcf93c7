public import SluiceCore

/// How to split a table into partition tasks.
public enum PartitionStrategy: Sendable, Hashable {
    /// One task for the whole table.
    case single
    /// Equal-width ranges of an integer, date or timestamp column between its min and max (what Spark does).
    case range(column: String)
    /// Ranges holding similar row counts, with boundaries at quantiles of the column: from pg_stats
    /// (histogram bounds plus most common values) or from a `TABLESAMPLE` sample, for skewed keys.
    case balanced(column: String, quantiles: QuantileSource)
    /// Heap block ranges by ctid (`ctid >= '(b,0)' AND ctid < '(b2,0)'`, TID Range Scans in PostgreSQL 14+), for
    /// tables with no usable key. Only consistent when every task reads the same exported snapshot.
    case blocks
    /// One task per predicate, as written in the configuration (trusted SQL). The operator is responsible for
    /// the predicates covering every row exactly once.
    case explicit([String])
}

/// Where balanced partitions take their quantiles from.
public enum QuantileSource: Sendable, Hashable {
    /// pg_stats when the column has statistics, else a sample.
    case automatic
    /// pg_stats only (the table must have been analysed).
    case statistics
    /// A `TABLESAMPLE BERNOULLI` sample of about `rows` rows (default 100,000).
    case sample(rows: Int)
}

/// How many partitions to make.
public enum PartitionCount: Sendable, Hashable {
    case fixed(Int)
    /// `ceil(estimated rows / rowsPerTask)` partitions, at least 1.
    case targetRowsPerTask(Int64)
}

/// What the planner needs; the driver maps the table's configuration onto it.
public struct PartitionPlanInput: Sendable, Hashable {
    public var table: PostgresTableName
    public var strategy: PartitionStrategy
    public var count: PartitionCount
    /// Predicates every task shares (cursor window, pushed-down filters, soft-delete): the plan covers only
    /// the rows they select, and estimates count only those.
    public var predicates: [PostgresPredicate]
    /// An upper limit on the partition count, whatever `count` says.
    public var maxPartitions: Int

    public init(table: PostgresTableName, strategy: PartitionStrategy, count: PartitionCount,
                predicates: [PostgresPredicate] = [], maxPartitions: Int = 1024) {
        self.table = table
        self.strategy = strategy
        self.count = count
        self.predicates = predicates
        self.maxPartitions = max(1, maxPartitions)
    }
}

/// One partition task of a plan.
public struct PartitionPlanEntry: Sendable, Hashable {
    public var index: Int
    /// This partition's own predicate (nil: every row); combine with the input's shared predicates.
    public var predicate: PostgresPredicate?
    /// The partition predicate as SQL, for `sluice plan`.
    public var sql: String
    /// PostgreSQL's planner estimate of the partition's rows (shared predicates included).
    public var estimatedRows: Int64
}

/// The partitions of one table.
public struct PartitionPlan: Sendable, Hashable {
    public var table: PostgresTableName
    public var entries: [PartitionPlanEntry]
    /// What the plan was built from, for `sluice plan` (`range on id [1, 2000000]`, `balanced on ts (pg_stats)`).
    public var summary: String

    /// The predicates of task `index`: the shared ones plus the partition's own.
    public func predicates(of index: Int, shared: [PostgresPredicate]) -> [PostgresPredicate] {
        shared + (entries[index].predicate.map { [$0] } ?? [])
    }
}

/// Plans partition tasks from the catalogue: min/max, statistics, samples and block counts. Every
/// partitioning by key covers the whole key space: the first partition is open below and also takes the
/// NULL keys, the last is open above, so rows beyond the observed min/max (or added since) are not lost.
public struct PartitionPlanner {
    public let catalog: PostgresCatalog

    public init(_ connection: PostgresConnection) {
        self.catalog = PostgresCatalog(connection)
    }

    public func plan(_ input: PartitionPlanInput) throws(SluiceError) -> PartitionPlan {
        let table = input.table
        switch input.strategy {
        case .single:
            return try finish(input, predicates: [nil], summary: "single partition")
        case .explicit(let fragments):
            guard !fragments.isEmpty else {
                throw SluiceError(.invalidValue, "an explicit partition list needs at least one predicate", context: ErrorContext(table: table.description))
            }
            return try finish(input, predicates: fragments.map { .sql($0) }, summary: "\(fragments.count) explicit predicates")
        case .blocks:
            let blocks = try catalog.blockCount(table)
            let n = try partitionCount(input)
            let parts = Int(min(Int64(n), max(blocks, 1)))
            var predicates: [PostgresPredicate?] = []
            for i in 0..<parts {
                let from = UInt32(clamping: blocks * Int64(i) / Int64(parts))
                let to = i == parts - 1 ? nil : Optional(UInt32(clamping: blocks * Int64(i + 1) / Int64(parts)))
                predicates.append(parts == 1 ? nil : .blocks(fromBlock: from, toBlock: to))
            }
            return try finish(input, predicates: predicates, summary: "ctid block ranges over \(blocks) blocks")
        case .range(let column):
            let (kind, _) = try catalog.keyKind(table, column: column)
            let n = try partitionCount(input)
            guard let bounds = try catalog.keyBounds(table, column: column, kind: kind, where: input.predicates) else {
                return try finish(input, predicates: [nil], summary: "range on \(column): no values, single partition")
            }
            let boundaries = Self.equalWidthBoundaries(min: bounds.min, max: bounds.max, count: n)
            return try finish(input, predicates: Self.rangePredicates(column: column, kind: kind, boundaries: boundaries),
                              summary: "range on \(column) [\(kind.literal(bounds.min)), \(kind.literal(bounds.max))]")
        case .balanced(let column, let source):
            let (kind, typeOID) = try catalog.keyKind(table, column: column)
            let n = try partitionCount(input)
            var weighted: [(value: Int64, weight: Double)] = []
            var origin = "sample"
            // pg_stats describes the whole table: with shared predicates (an incremental window) a sample of
            // the selected rows is the better guide.
            let useStatistics: Bool
            switch source {
            case .statistics: useStatistics = true
            case .automatic: useStatistics = input.predicates.isEmpty
            case .sample: useStatistics = false
            }
            if useStatistics, let stats = try catalog.statistics(table, column: column, kind: kind, typeOID: typeOID) {
                weighted = Self.weights(from: stats)
                origin = "pg_stats"
            }
            if weighted.isEmpty {
                guard source != .statistics else {
                    throw SluiceError(.invalidValue, "column has no statistics: run ANALYZE or use a sample",
                                      context: ErrorContext(table: table.description, column: column))
                }
                var sampleRows = 100_000
                if case .sample(let rows) = source, rows > 0 { sampleRows = rows }
                let estimate = max(try catalog.explainRows(table, where: input.predicates), 1)
                let percent = min(100, Double(sampleRows) * 100 / Double(estimate))
                weighted = try catalog.sampleKeys(table, column: column, kind: kind, percent: percent, where: input.predicates)
                    .map { ($0, 1.0) }
            }
            let boundaries = Self.quantileBoundaries(weighted, count: n)
            return try finish(input, predicates: Self.rangePredicates(column: column, kind: kind, boundaries: boundaries),
                              summary: "balanced on \(column) (\(origin))")
        }
    }

    func partitionCount(_ input: PartitionPlanInput) throws(SluiceError) -> Int {
        switch input.count {
        case .fixed(let n): return min(max(n, 1), input.maxPartitions)
        case .targetRowsPerTask(let rows):
            let estimate = try catalog.explainRows(input.table, where: input.predicates)
            let n = (estimate + max(rows, 1) - 1) / max(rows, 1)
            return Int(min(max(n, 1), Int64(input.maxPartitions)))
        }
    }

    private func finish(_ input: PartitionPlanInput, predicates: [PostgresPredicate?], summary: String) throws(SluiceError) -> PartitionPlan {
        var entries: [PartitionPlanEntry] = []
        for (index, predicate) in predicates.enumerated() {
            let own = predicate.map { [$0] } ?? []
            let sql = try predicate?.render() ?? "TRUE"
            let estimate = try catalog.explainRows(input.table, where: input.predicates + own)
            entries.append(PartitionPlanEntry(index: index, predicate: predicate, sql: sql, estimatedRows: estimate))
        }
        return PartitionPlan(table: input.table, entries: entries, summary: summary)
    }

    /// `count - 1` strictly increasing boundaries splitting `[min, max]` into equal widths.
    static func equalWidthBoundaries(min low: Int64, max high: Int64, count: Int) -> [Int64] {
        guard count > 1, high > low else { return [] }
        let width = Int128(high) - Int128(low) + 1
        var result: [Int64] = []
        for i in 1..<count {
            let boundary = Int64(Int128(low) + width * Int128(i) / Int128(count))
            if boundary > low, result.last.map({ boundary > $0 }) ?? true { result.append(boundary) }
        }
        return result
    }

    /// Boundaries near the weighted quantiles i/count of the values: for each target share, the value whose
    /// preceding weight is closest to it (a partition holds the keys below its boundary). Equal boundaries
    /// collapse: a value heavier than one partition's share cannot be split by key ranges.
    static func quantileBoundaries(_ values: [(value: Int64, weight: Double)], count: Int) -> [Int64] {
        guard count > 1, !values.isEmpty else { return [] }
        // Merge equal values, then prefix sums of the weight strictly below each distinct value.
        var distinct: [(value: Int64, weight: Double)] = []
        for item in values.sorted(by: { $0.value < $1.value }) {
            if distinct.last?.value == item.value { distinct[distinct.count - 1].weight += item.weight } else { distinct.append(item) }
        }
        var below: [Double] = []
        var running = 0.0
        for item in distinct { below.append(running); running += item.weight }
        guard running > 0 else { return [] }
        var result: [Int64] = []
        var j = 0
        for i in 1..<count {
            let target = running * Double(i) / Double(count)
            while j < distinct.count && below[j] < target { j += 1 }
            guard j < distinct.count else { break }
            let pick = j > 0 && target - below[j - 1] < below[j] - target ? j - 1 : j
            guard pick > 0 else { continue }
            let boundary = distinct[pick].value
            if result.last.map({ boundary > $0 }) ?? true { result.append(boundary) }
        }
        return result
    }

    /// Point weights from pg_stats: each histogram bucket's share at its lower bound, each most common value
    /// at its own frequency.
    static func weights(from stats: ColumnStatistics) -> [(value: Int64, weight: Double)] {
        var result: [(value: Int64, weight: Double)] = zip(stats.mostCommonValues, stats.mostCommonFrequencies).map { ($0, $1) }
        let buckets = stats.histogramBounds.count - 1
        if buckets > 0 {
            let share = max(0, 1 - stats.nullFraction - stats.mostCommonFrequencies.reduce(0, +)) / Double(buckets)
            for bound in stats.histogramBounds.dropLast() { result.append((bound, share)) }
        }
        return result
    }

    /// Ranges between boundaries: the first open below (and holding NULLs), the last open above.
    static func rangePredicates(column: String, kind: PartitionKeyKind, boundaries: [Int64]) -> [PostgresPredicate?] {
        guard !boundaries.isEmpty else { return [nil] }
        var result: [PostgresPredicate?] = []
        let edges: [Int64?] = [nil] + boundaries.map { Optional($0) } + [nil]
        for i in 0..<(edges.count - 1) {
            result.append(.range(column: column, lower: edges[i].map(kind.literal), upper: edges[i + 1].map(kind.literal), includeNulls: i == 0))
        }
        return result
    }
}
