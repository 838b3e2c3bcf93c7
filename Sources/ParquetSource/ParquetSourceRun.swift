import Logging
import Parquet
import SluiceConfig
import SluiceCore
import SluiceExpressions
import SluicePipeline
import Synchronization

/// One run's view of the lake: each table's files are listed once, when it is first described, and every later step
/// of the run (bounds, partitions) uses that listing, so a file landing mid-run waits for the next run. A file
/// rewritten in place after the listing fails the task that reads it (``SluiceError/Code/parquetSourceChanged``).
final class ParquetSourceRun: SourceRun {
    let settings: ParquetSourceSettings
    let store: any FileStore
    let logger: Logger
    private let datasets = Mutex<[String: TableDataset]>([:])

    /// What the footers say about one file.
    struct FileFacts: Sendable {
        var file: DatasetFile
        var schema: Schema
        var rowGroupRows: [Int64]
        /// Per row group, the cursor column's min and max from its statistics, when the file has them in the
        /// declared type (nil: read the row group).
        var cursorRanges: [ClosedRange<Int64>?]
        /// Why a declared dotted source could not be read flat from this file (a list above it, say).
        var leafErrors: [String: SluiceError] = [:]
        /// The cursor value the file's location gives all of its rows (`_file_modified`, a partition key); nil when the
        /// cursor is a data column, or the folder's value is NULL.
        var locatedCursor: Int64?

        var version: FileVersion { file.file.version }
    }

    /// A table's files, as listed and described once per run.
    struct TableDataset: Sendable {
        var spec: ParquetTableSpec
        var files: [FileFacts]
        /// For a newest mode, which file or folder was chosen and why.
        var choice: String?
        /// Partition keys (`date` of `date=2026-11-01/`) in the order they first appear.
        var partitionKeys: [String]
        /// Whether the table's cursor is a value each file's location gives (``SourceRun/trackedFiles(_:)``).
        var cursorLocated: Bool
    }

    init(settings: ParquetSourceSettings, store: any FileStore, logger: Logger) {
        self.settings = settings
        self.store = store
        self.logger = logger
    }

    func describe(_ table: TableConfig) async throws(SluiceError) -> SourceTable {
        let context = ErrorContext(table: table.name)
        if table.deletedWhen != nil {
            throw SluiceError(.configInvalid, "deleted_when is a SQL condition for a database source; a parquet table marks deletions with a column the sink reads (or filters them with `filter:`)", context: context)
        }
        if !table.filters.isEmpty {
            throw SluiceError(.configInvalid, "filters: are SQL pushed into a database; for parquet files write the condition as `filter:` (an expression, evaluated on the executors, and used to skip partition folders)", context: context)
        }
        if table.partition.effectiveStrategy != nil {
            throw SluiceError(.configInvalid, "a parquet table is split by row groups, not partition:; size tasks with source.parquet.rows_per_task", context: context)
        }
        let dataset = try await self.dataset(table)
        var fields: [SourceField] = []
        var seen: Set<String> = []
        for facts in dataset.files {
            for field in facts.schema.fields where seen.insert(field.name).inserted {
                fields.append(SourceField(name: field.name, sourceType: "parquet \(field.type)", type: field.type, nullable: field.nullable))
            }
        }
        for key in dataset.partitionKeys where seen.insert(key).inserted {
            fields.append(SourceField(name: key, sourceType: "partition folder", type: .string, nullable: true))
        }
        // The file columns only where the table reads them: they are not data added to the files since the declaration.
        let declaredSources = Set(table.columns.map(\.source))
        for (name, type) in FileColumns.all where declaredSources.contains(name) && seen.insert(name).inserted {
            fields.append(SourceField(name: name, sourceType: "file", type: type, nullable: false))
        }
        try check(table, against: dataset)
        var warnings: [String] = []
        if let choice = dataset.choice { warnings.append(choice) }
        return SourceTable(cursorKind: try cursorKind(table), name: "\(settings.root)/\(dataset.spec.path) (\(dataset.files.count) file\(dataset.files.count == 1 ? "" : "s"))",
                           fields: fields, warnings: warnings)
    }

    func cursorBounds(_ table: TableConfig, kind: CursorKind, within window: CursorWindow) async throws(SluiceError)
        -> ClosedRange<CursorValue>? {
        guard let cursor = table.cursor, let column = table.column(named: cursor) else { return nil }
        let dataset = try await self.dataset(table)
        let store = self.store
        let bounds = try await BlockingIO.run { () throws(SluiceError) -> ClosedRange<Int64>? in
            var low: Int64?
            var high: Int64?
            for facts in dataset.files {
                let groups = facts.rowGroupRows.indices.filter { Self.mayHold(facts.cursorRanges[$0], window) }
                guard !groups.isEmpty else { continue }
                // A cursor the file's location gives (`_file_modified`, a partition key): one value for the whole file.
                if let constant = try facts.file.locationColumn(column.source, type: column.type, rows: 1) {
                    guard !constant.isNull(0) else { continue }
                    let value = Self.integer(constant, 0)
                    guard window.holds(value, kind: kind), groups.contains(where: { facts.rowGroupRows[$0] > 0 }) else { continue }
                    low = min(low ?? value, value)
                    high = max(high ?? value, value)
                    continue
                }
                let reader = try ParquetFileReader(input: try store.open(facts.file.file))
                var batches = reader.batches(columns: [column.source], rowGroups: groups)
                while let batch = try batches.next() {
                    let values = try ColumnCast.cast(batch.columns[0], from: batch.schema.fields[0].type, to: column.type)
                    for row in 0..<batch.rowCount where !values.isNull(row) {
                        let value = Self.integer(values, row)
                        guard window.holds(value, kind: kind) else { continue }
                        low = min(low ?? value, value)
                        high = max(high ?? value, value)
                    }
                }
            }
            guard let low, let high else { return nil }
            return low...high
        }
        return bounds.map { CursorValue(kind: kind, value: $0.lowerBound)...CursorValue(kind: kind, value: $0.upperBound) }
    }

    func countRows(_ table: TableConfig) async throws(SluiceError) -> Int64 {
        try await dataset(table).files.reduce(0) { $0 + $1.rowGroupRows.reduce(0, +) }
    }

    func trackedFiles(_ table: TableConfig) async throws(SluiceError) -> [TrackedFile]? {
        let dataset = try await self.dataset(table)
        guard dataset.cursorLocated else { return nil }
        // A file whose folder gives a NULL cursor follows the window's NULL rule, as any NULL cursor.
        return dataset.files.compactMap { facts in facts.locatedCursor.map { TrackedFile(version: facts.version, cursor: $0) } }
    }

    func partitions(_ request: ReadRequest) async throws(SluiceError) -> SourceReadPlan {
        let table = request.table
        guard request.related.isEmpty else {
            throw SluiceError(.configInvalid, "child tables (parent:) are read with a database source's partitions; a parquet source reads each table on its own", context: ErrorContext(table: table.name))
        }
        let dataset = try await self.dataset(table)
        let cursorColumn = table.cursor.flatMap { table.column(named: $0)?.source }
        let kind = try cursorKind(table)
        let prunable = try prunableConditions(request, keys: dataset.partitionKeys)
        var kept: [FileFacts] = []
        // Files chosen whole (a cursor the location gives): those in the window the ledger does not hold, read or
        // pruned by their folders, which the ledger records once the table loaded.
        var accounted: [FileVersion] = []
        var skipped = 0
        var pruned = 0
        for facts in dataset.files {
            if dataset.cursorLocated, let kind {
                if request.skippedFiles.contains(facts.version) {
                    skipped += 1
                    continue
                }
                let inWindow = facts.locatedCursor.map { request.window.holds($0, kind: kind) } ?? request.window.includesNulls
                guard inWindow else { continue }
                accounted.append(facts.version)
            }
            guard try Self.partitionsPass(facts.file, conditions: prunable, schema: request.schema, table: table) else {
                pruned += 1
                continue
            }
            kept.append(facts)
        }
        if skipped > 0 {
            logger.info("parquet.ledger", metadata: [
                "sluice.table": "\(table.name)", "sluice.files": "\(skipped) of \(dataset.files.count)",
                "sluice.reason": "loaded before (the table's file ledger)"])
        }
        let tasks = ParquetTaskPlanner.plan(files: kept.map { ($0.file, $0.rowGroupRows) }, rowsPerTask: settings.rowsPerTask) { file, group in
            guard let kind, !request.window.isEverything else { return true }
            return Self.mayHold(kept[file].cursorRanges[group], request.window, kind: kind)
        }
        var partitions: [SourcePartition] = []
        for parts in tasks {
            let spec = ParquetReadSpec(parts: parts, cursorColumn: cursorColumn, window: request.window)
            partitions.append(SourcePartition(read: try spec.payload, summary: spec.summary, estimatedRows: parts.reduce(0) { $0 + $1.rows },
                                              files: spec.files))
        }
        if pruned > 0 {
            logger.info("parquet.folders_skipped", metadata: [
                "sluice.table": "\(table.name)", "sluice.files": "\(pruned) of \(dataset.files.count)",
                "sluice.reason": "their partition folders fail the filter"])
        }
        logger.debug("parquet.planned", metadata: ["sluice.table": "\(table.name)", "sluice.files": "\(kept.count) of \(dataset.files.count)",
                                                   "sluice.tasks": "\(partitions.count)"])
        return SourceReadPlan(partitions: partitions, files: accounted)
    }

    /// The files of a partition an earlier run planned.
    func rebind(_ partition: SourcePartition) throws(SluiceError) -> SourcePartition {
        var rebound = partition
        rebound.files = try ParquetReadSpec(payload: partition.read).files
        return rebound
    }

    func close() async {}

    // MARK: listing and footers

    /// The table's files and their footers, listed and read at the table's first use in the run.
    private func dataset(_ table: TableConfig) async throws(SluiceError) -> TableDataset {
        if let known = datasets.withLock({ $0[table.name] }) { return known }
        let spec = try ParquetTableSpec(table: table)
        let store = self.store
        let root = settings.root
        let cursorSource = table.cursor.flatMap { table.column(named: $0) }
        let dataset = try await BlockingIO.run { () throws(SluiceError) -> TableDataset in
            let listed = try store.list(under: spec.path)
            let (files, choice) = DatasetListing.select(listed, spec: spec)
            guard !files.isEmpty else {
                throw SluiceError(.parquetSourceMissing,
                                  choice ?? "no file under \(root)/\(spec.path) matches \(spec.glob) (\(listed.count) file\(listed.count == 1 ? "" : "s") listed)",
                                  context: ErrorContext(table: table.name))
            }
            var facts: [FileFacts] = []
            var keys: [String] = []
            for file in files {
                let reader: ParquetFileReader
                do throws(SluiceError) {
                    reader = try ParquetFileReader(input: try store.open(file.file))
                } catch {
                    throw error.adding(ErrorContext(file: file.file.key, table: table.name))
                }
                let groups = (0..<reader.rowGroupCount).map { Int64(reader.rowCount(ofRowGroup: $0)) }
                var ranges: [ClosedRange<Int64>?] = Array(repeating: nil, count: groups.count)
                var located: Int64?
                if let cursorSource, let constant = try file.locationColumn(cursorSource.source, type: cursorSource.type, rows: 1),
                   !constant.isNull(0) {
                    let value = Self.integer(constant, 0)
                    located = value
                    ranges = Array(repeating: value...value, count: groups.count)
                } else if let cursorSource, let field = reader.schema.fields.first(where: { $0.name == cursorSource.source }),
                   field.type == cursorSource.type {
                    for group in groups.indices {
                        guard let stats = reader.statistics(rowGroup: group, column: field.name),
                              case .int(let low)? = stats.min, case .int(let high)? = stats.max, low <= high else { continue }
                        ranges[group] = low...high
                    }
                }
                // Flattening: a declared source `a.b.c` that is no top-level column reads the leaf under structs.
                var schema = reader.schema
                var leafErrors: [String: SluiceError] = [:]
                for column in table.columns where column.expression == nil && column.source.contains(".")
                    && schema.index(of: column.source) == nil {
                    do throws(SluiceError) {
                        schema.fields.append(try reader.structLeaf(column.source).field)
                    } catch {
                        leafErrors[column.source] = error
                    }
                }
                facts.append(FileFacts(file: file, schema: schema, rowGroupRows: groups, cursorRanges: ranges, leafErrors: leafErrors,
                                       locatedCursor: located))
                for value in file.partitions where !keys.contains(value.key) { keys.append(value.key) }
            }
            let located = cursorSource.map { source in files.allSatisfy { $0.locates(source.source) } } ?? false
            return TableDataset(spec: spec, files: facts, choice: choice, partitionKeys: keys, cursorLocated: located)
        }
        if let choice = dataset.choice { logger.info("parquet.newest", metadata: ["sluice.table": "\(table.name)", "sluice.choice": "\(choice)"]) }
        datasets.withLock { $0[table.name] = dataset }
        return dataset
    }

    /// Every declared column is in every file (or is a partition key whose values parse as its type), in a type that
    /// loads into the declared one.
    private func check(_ table: TableConfig, against dataset: TableDataset) throws(SluiceError) {
        for column in table.columns where column.expression == nil {
            if dataset.partitionKeys.contains(column.source) || FileColumns.all.contains(where: { $0.name == column.source }) {
                for facts in dataset.files where try facts.file.locationColumn(column.source, type: column.type, rows: 1) == nil {
                    throw SluiceError(.parquetSchemaDrift, "\(facts.file.file.key) is in no \(column.source)=... folder",
                                      context: ErrorContext(file: facts.file.file.key, table: table.name, column: column.name))
                }
                continue
            }
            for facts in dataset.files {
                if let leafError = facts.leafErrors[column.source], facts.schema.index(of: column.source) == nil {
                    throw SluiceError(.parquetSchemaDrift, "\(column.source) cannot be read flat: \(leafError.message)",
                                      context: ErrorContext(file: facts.file.file.key, table: table.name, column: column.name))
                }
                guard let field = facts.schema.fields.first(where: { $0.name == column.source }) else {
                    let has = facts.schema.fields.map(\.name).joined(separator: ", ")
                    throw SluiceError(.parquetSchemaDrift, "no column \(column.source) in this file (it has \(has)); declare only columns every file has, or read the others with an expression",
                                      context: ErrorContext(file: facts.file.file.key, table: table.name, column: column.name))
                }
                guard ColumnCast.canLoad(from: field.type, into: column.type) else {
                    throw SluiceError(.parquetSchemaDrift, "this file holds \(column.source) as \(field.type), which does not load into the declared \(column.type) (docs/lake.md#types)",
                                      context: ErrorContext(file: facts.file.file.key, table: table.name, column: column.name))
                }
            }
        }
    }

    private func cursorKind(_ table: TableConfig) throws(SluiceError) -> CursorKind? {
        guard let cursor = table.cursor else { return nil }
        guard let column = table.column(named: cursor) else {
            throw SluiceError(.configInvalid, "cursor \(cursor) is not a declared column", context: ErrorContext(table: table.name))
        }
        guard let kind = CursorKind(cursorType: column.type) else {
            throw SluiceError(.configInvalid, "a cursor must be an integer, date or timestamp column, not \(column.type)",
                              context: ErrorContext(table: table.name, column: cursor))
        }
        return kind
    }

    // MARK: pruning

    /// Whether a row group whose cursor statistics are `range` may hold rows of `window` (no statistics: it may).
    static func mayHold(_ range: ClosedRange<Int64>?, _ window: CursorWindow, kind: CursorKind? = nil) -> Bool {
        guard let range else { return true }
        if let after = window.after, range.upperBound <= after.value { return false }
        if let upTo = window.upTo, range.lowerBound > upTo.value { return false }
        return true
    }

    /// The request's conditions that read partition keys only (and not the run's start time), which decide from a
    /// file's folders alone whether any of its rows can pass.
    private func prunableConditions(_ request: ReadRequest, keys: [String]) throws(SluiceError) -> [CompiledExpression] {
        request.conditions.filter { condition in
            let columns = condition.referencedColumns
            return !columns.isEmpty && columns.allSatisfy(keys.contains) && !condition.source.text.contains("run_started_at")
        }
    }

    /// Evaluates `conditions` on one row holding `file`'s partition values (every other column NULL).
    static func partitionsPass(_ file: DatasetFile, conditions: [CompiledExpression], schema: Schema, table: TableConfig) throws(SluiceError) -> Bool {
        guard !conditions.isEmpty else { return true }
        var columns: [Column] = []
        for field in schema.fields {
            if let constant = try file.locationColumn(field.name, type: field.type, rows: 1) {
                columns.append(constant)
            } else {
                // Not read by the conditions: NULL, or any value where the column cannot hold NULL.
                var builder = ColumnBuilder(type: field.type, capacity: 1)
                if field.nullable { builder.appendNull() } else { builder.append(Self.placeholder(field.type)) }
                columns.append(builder.finish())
            }
        }
        let row = try RecordBatch(schema: schema, columns: columns)
        for condition in conditions {
            guard try condition.selection(row, context: EvaluationContext(runStartedAt: 0, table: table.name)).first == true else { return false }
        }
        return true
    }

    /// A value of `type`, standing in for a column a condition does not read.
    static func placeholder(_ type: DataType) -> Value {
        switch type.storage {
        case .boolean: .boolean(false)
        case .int32, .int64: .int(0)
        case .int128: .decimal(0, scale: type.decimalScale)
        case .float32: .float(0)
        case .float64: .double(0)
        case .bytes: type == .binary ? .bytes([]) : .string("")
        case .fixedBytes(let width): .bytes([UInt8](repeating: 0, count: width))
        }
    }

    /// A cursor-kind column's value at `row` as an integer in its kind's units.
    static func integer(_ column: Column, _ row: Int) -> Int64 {
        switch column.values {
        case .int32(let values): Int64(values[row])
        case .int64(let values): values[row]
        default: preconditionFailure("a cursor column is stored as int32 or int64")
        }
    }
}

extension CursorWindow {
    /// Whether a row whose cursor is `value` belongs to the window.
    func holds(_ value: Int64, kind: CursorKind) -> Bool {
        if let after, value <= after.value { return false }
        if let upTo, value > upTo.value { return false }
        return true
    }
}
