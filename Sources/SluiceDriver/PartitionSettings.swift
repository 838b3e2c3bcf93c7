import PostgresSource
import SluiceConfig
import SluiceCore

extension PartitionConfig {
    /// The planner's input for this table's partition settings over `table`, restricted by the predicates
    /// every task shares (filters, soft deletes, the incremental window).
    func plannerInput(table: PostgresTableName, shared: [PostgresPredicate]) -> PartitionPlanInput {
        let strategy: PartitionStrategy
        switch effectiveStrategy {
        case nil: strategy = .single
        case .range?: strategy = column.map { .range(column: $0) } ?? .single
        case .balanced?: strategy = column.map { .balanced(column: $0, quantiles: .automatic) } ?? .single
        case .ctid?: strategy = .blocks
        case .predicates?: strategy = .explicit(predicates)
        }
        let count: PartitionCount = self.count.map { .fixed($0) } ?? .targetRowsPerTask(Int64(rowsPerTask))
        return PartitionPlanInput(table: table, strategy: strategy, count: count, predicates: shared)
    }
}
