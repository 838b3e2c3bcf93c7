import SluiceCore
import Yams

/// Checks what the types alone cannot: references between keys, allowed combinations, value ranges.
/// Each error names the file, the line and the key path.
struct PipelineValidator {
    let file: String
    let root: Node

    /// The pipeline-wide settings (tables are validated one by one, each against its own file).
    func validate(_ config: PipelineConfig, requireTables: Bool = true) throws(SluiceError) {
        guard !config.tables.isEmpty || !requireTables else {
            throw error(["tables"], "the pipeline has no tables (give `tables:` or `tables_dir:`)")
        }
        if !(0...100).contains(config.run.retries) { throw error(["run", "retries"], "retries must be 0...100") }
        if config.run.batchRows < 1 { throw error(["run", "batch_rows"], "batch_rows must be at least 1") }
        if let memory = config.run.executorMemory, memory.mebibytes < MemoryBudget.minimumMebibytes {
            throw error(["run", "executor_memory"], "executor_memory must be at least \(MemoryBudget.minimumMebibytes)MiB")
        }
        if config.run.retryBackoff.microseconds > ConfigDuration.seconds(3_600).microseconds {
            throw error(["run", "retry_backoff"], "retry_backoff must be at most 1h (it doubles with each retry)")
        }
        if config.run.retryBackoffMax.microseconds > ConfigDuration.seconds(86_400).microseconds {
            throw error(["run", "retry_backoff_max"], "retry_backoff_max must be at most 1d")
        }
        if !(0...1_000).contains(config.run.excludeExecutorAfter) {
            throw error(["run", "exclude_executor_after"], "exclude_executor_after must be 0 (never) ... 1000")
        }
    }

    /// A child table (`parent:`) against its parent, and a table's reconciliations against its children.
    func validateFamily(_ table: TableConfig, at path: [PathPart], in config: PipelineConfig) throws(SluiceError) {
        if let connector = table.sourceConnector, connector != config.source.kind {
            throw error(path + ["source"], "\(table.name) names source connector '\(connector)', but the pipeline reads from '\(config.source.kind)' (source: {\(config.source.kind): ...}); a pipeline has one source")
        }
        for (index, validation) in table.validations.enumerated() {
            guard let reconcile = validation.reconcile else { continue }
            guard config.table(named: reconcile.child)?.parent?.table == table.name else {
                throw error(path + ["validations", .index(index), "reconcile", "child"],
                            "\(reconcile.child) is not a child of \(table.name): declare it with parent: {table: \(table.name), on: {<its column>: <\(table.name)'s key>}}")
            }
        }
        guard let link = table.parent else { return }
        let at = path + ["parent"]
        guard let parent = config.table(named: link.table), parent.name != table.name else {
            throw error(at + ["table"], "parent table '\(link.table)' is not a table of the pipeline")
        }
        guard parent.parent == nil else {
            throw error(at + ["table"], "\(parent.name) is itself a child of \(parent.parent!.table); a child's parent must be read on its own")
        }
        for (key, present) in [("cursor", table.cursor != nil), ("lag", table.lag != nil), ("backfill_window", table.backfillWindow != nil),
                               ("partition", table.partition.effectiveStrategy != nil)] where present {
            throw error(path + [.key(key)], "\(table.name) is read with its parent \(parent.name): its rows follow the parent's partitions and bookmark, so it has no \(key) of its own")
        }
        guard let childColumn = table.column(named: link.childKey), childColumn.expression == nil else {
            throw error(at + ["on"], "'\(link.childKey)' is not a column \(table.name) reads from the source")
        }
        guard parent.primaryKey == [link.parentKey], let parentColumn = parent.column(named: link.parentKey), parentColumn.expression == nil else {
            throw error(at + ["on"], "'\(link.parentKey)' must be \(parent.name)'s primary key, read from the source (its primary key is \(parent.primaryKey.joined(separator: ", ")))")
        }
        for sibling in config.tables where sibling.parent?.table == parent.name && sibling.parent?.parentKey != link.parentKey {
            throw error(at + ["on"], "\(sibling.name) and \(table.name) refer to \(parent.name) by different columns")
        }
    }

    func validate(_ table: TableConfig, at path: [PathPart]) throws(SluiceError) {
        var joinNames = Set<String>()
        for (index, join) in table.joins.enumerated() {
            let at = path + ["joins", .index(index)]
            guard joinNames.insert(join.name).inserted else { throw error(at + ["name"], "two joins are named \(join.name)") }
            guard !join.name.contains("."), !join.name.isEmpty else {
                throw error(at + ["name"], "a join's name prefixes its columns (\(join.name).column), so it cannot be empty or hold a dot")
            }
            guard join.maxRows > 0 else { throw error(at + ["max_rows"], "max_rows must be positive") }
            guard !join.columns.isEmpty else { throw error(at + ["columns"], "join \(join.name) brings no columns") }
        }
        guard !table.columns.isEmpty else { throw error(path + ["columns"], "table \(table.name) declares no columns") }
        var columnNames = Set<String>()
        for (index, column) in table.columns.enumerated() {
            let at = path + ["columns", .index(index)]
            guard columnNames.insert(column.name).inserted else {
                throw error(at + ["name"], "duplicate column '\(column.name)' in table \(table.name)")
            }
            if column.min != nil || column.max != nil || column.outOfRange != nil {
                guard column.isTemporal else {
                    throw error(at, "min, max and out_of_range apply to date and timestamp columns; \(column.name) is \(column.type)")
                }
            }
            if column.subseconds == .drop && table.isKey(column) && (column.type == .timestamp || column.type == .timestampTZ) {
                throw error(at + ["subseconds"],
                            "\(column.name) is part of the primary key: its microseconds must stay in the key (a whole-second sink would merge rows that differ below the second); remove subseconds: drop")
            }
            if column.subseconds != nil && column.type != .timestamp && column.type != .timestampTZ {
                throw error(at + ["subseconds"], "subseconds applies to timestamp columns; \(column.name) is \(column.type)")
            }
            if column.lowCardinality && column.type != .string {
                throw error(at + ["low_cardinality"], "low_cardinality applies to string columns; \(column.name) is \(column.type)")
            }
            if column.expression != nil && column.sourceType != nil {
                throw error(at + ["source_type"], "\(column.name) is derived by an expression, so it has no source column whose type could drift; remove source_type")
            }
            if let max = table.maxRejectedRatio, !(0...1).contains(max) {
                throw error(path + ["max_rejected_ratio"], "max_rejected_ratio is a share of the extracted rows, between 0 and 1; \(max) is not")
            }
            if column.isTemporal && column.outOfRange == .setNull && !column.nullable {
                throw error(at + ["out_of_range"],
                            "out_of_range set_null needs a nullable column; \(column.name) is declared nullable: false")
            }
            for (key, bound) in [("min", column.min), ("max", column.max)] {
                if let bound, CivilTime.parseTimestamp(bound) == nil {
                    throw error(at + [.key(key)], "'\(bound)' is not a date or timestamp (write 1970-01-01 or 1970-01-01 00:00:00)")
                }
            }
        }
        if table.load == .upsert && table.primaryKey.isEmpty {
            throw error(path + ["primary_key"], "table \(table.name) needs a primary_key (or `load: append` for a table without a key)")
        }
        if table.load == .append { try validateAppend(table, at: path) }
        for key in table.primaryKey {
            guard let column = table.column(named: key) else {
                throw error(path + ["primary_key"], "primary key column '\(key)' is not a declared column of table \(table.name)")
            }
            // ClickHouse sorting keys cannot hold NULLs.
            if column.nullable {
                throw error(path + ["primary_key"], "primary key column '\(key)' must be declared nullable: false")
            }
        }
        if let cursor = table.cursor {
            guard let column = table.column(named: cursor) else {
                throw error(path + ["cursor"], "cursor column '\(cursor)' is not a declared column of table \(table.name)")
            }
            if column.expression != nil {
                throw error(path + ["cursor"],
                            "cursor column '\(cursor)' is derived by an expression; the cursor must be read from the source, since the extraction window is a condition on the source column")
            }
            switch column.type {
            case .int16, .int32, .int64:
                if table.lag != nil {
                    throw error(path + ["lag"], "lag is a duration and applies to date and timestamp cursors; '\(cursor)' is \(column.type)")
                }
            case .date, .timestamp, .timestampTZ: break
            default:
                throw error(path + ["cursor"], "cursor column '\(cursor)' is \(column.type); use an integer, date or timestamp column")
            }
        }
        if table.backfillWindow != nil {
            guard table.cursor != nil else {
                throw error(path + ["backfill_window"], "backfill_window needs a cursor column")
            }
            guard table.backfillWindowUnits != nil else {
                throw error(path + ["backfill_window"],
                            "backfill_window '\(table.backfillWindow!)' is not a positive duration (30d, 12h) for a date or timestamp cursor, or a positive count for an integer cursor")
            }
        }
        let partition = table.partition
        if let count = partition.count, !(1...100_000).contains(count) {
            throw error(path + ["partition", "count"], "partition count must be 1...100000")
        }
        if partition.rowsPerTask < 1 { throw error(path + ["partition", "rows_per_task"], "rows_per_task must be at least 1") }
        switch partition.effectiveStrategy {
        case .range?, .balanced?:
            if partition.column == nil {
                throw error(path + ["partition"], "partition strategy \(partition.effectiveStrategy!.rawValue) needs a column")
            }
        case .predicates?:
            if partition.predicates.isEmpty {
                throw error(path + ["partition", "predicates"], "partition strategy predicates needs a list of predicates")
            }
        case .ctid?, nil: break
        }
        try validateCurated(table, at: path)
    }

    /// An append table replaces whole days of its cursor; what needs a key or a row-level version is refused.
    func validateAppend(_ table: TableConfig, at path: [PathPart]) throws(SluiceError) {
        let refuse: [(String, Bool, String)] = [
            ("deleted_when", table.deletedWhen != nil,
             "an append table has no key to mark deleted; rows deleted at the source disappear when their day is re-read"),
            ("backfill_window", table.backfillWindow != nil,
             "an append table is backfilled in one run (its backfill replaces the whole table)"),
            ("parent", table.parent != nil, "a child table is loaded with its parent's keys; declare a primary_key for it"),
        ]
        for (key, present, reason) in refuse where present {
            throw error(path + [.key(key)], "\(key) does not apply to `load: append`: \(reason)")
        }
        guard let cursor = table.cursor, let column = table.column(named: cursor) else { return }
        guard [.date, .timestamp, .timestampTZ].contains(column.type) else {
            throw error(path + ["cursor"],
                        "an append table's cursor must be a date or timestamp (its runs replace whole days); '\(cursor)' is \(column.type). Without a cursor every run replaces the whole table")
        }
        if column.nullable {
            throw error(path + ["cursor"], "an append table's cursor '\(cursor)' must be declared nullable: false: a row without one belongs to no day")
        }
    }

    func validateCurated(_ table: TableConfig, at path: [PathPart]) throws(SluiceError) {
        let curated = table.curated
        let at = path + ["curated"]
        guard curated.enabled else { return }
        if let name = curated.table, name.allSatisfy(\.isWhitespace) {
            throw error(at + ["table"], "curated table name is empty")
        }
        if let partition = curated.partitionBy, partition.allSatisfy(\.isWhitespace) {
            throw error(at + ["partition_by"], "curated partition_by is empty; leave it out for an unpartitioned table")
        }
        if let select = curated.select {
            guard let names = CuratedConfig.placeholders(in: select) else {
                throw error(at + ["select"], "curated select has a '{{' without its '}}'")
            }
            let known = [CuratedConfig.livePlaceholder, CuratedConfig.cleanPlaceholder]
            if let unknown = names.first(where: { !known.contains($0) }) {
                throw error(at + ["select"], "curated select names {{ \(unknown) }}; it knows {{ live }} (the live rows) and {{ clean }} (every version)")
            }
            if names.isEmpty {
                throw error(at + ["select"], "curated select must read {{ live }} (the live rows) or {{ clean }} (every version) of the table")
            }
            return
        }
        for name in curated.orderBy ?? [] {
            guard let column = table.column(named: name) else {
                throw error(at + ["order_by"], "curated order_by column '\(name)' is not a declared column of table \(table.name)")
            }
            if column.nullable {
                throw error(at + ["order_by"], "curated order_by column '\(name)' is nullable; ClickHouse sorting keys cannot hold NULLs")
            }
        }
    }

    enum PathPart: ExpressibleByStringLiteral {
        case key(String)
        case index(Int)
        init(stringLiteral value: String) { self = .key(value) }
    }

    func error(_ path: [PathPart], _ message: String) -> SluiceError {
        var node: Node? = root
        var line = root.mark?.line
        var names: [String] = []
        for part in path {
            switch part {
            case .key(let key):
                node = node?.mapping?.first { $0.key.string == key }?.value
                names.append(key)
            case .index(let index):
                if let sequence = node?.sequence, index < sequence.count { node = sequence[index] } else { node = nil }
                names.append("[\(index)]")
            }
            if let mark = node?.mark { line = mark.line }
        }
        return ConfigLocation(file: file, line: line, path: names).error(message)
    }
}
