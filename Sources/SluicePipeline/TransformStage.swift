import SluiceConfig
public import SluiceCore
public import SluiceExpressions

/// A table's transform on an executor, over each batch the source reads (``TransformSpec``): the filter's
/// remaining conjuncts, then the declared columns (read or derived), then the row rules.
///
/// Rows the filter rejects are left out, or, in runs that load rejected rows as deletions, handed back in
/// ``StageContext/deletions``; rows a `quarantine` rule rejects go to ``StageContext/quarantined`` (and become
/// deletions the same way); a row failing a `fail` rule fails the task, naming the rule, the row's key and the
/// values. Rows deleted at the source are loaded as they are and skip the rules. Errors name the task row as read
/// and its key, whatever the filter removed before.
public struct TransformStage: Stage {
    public let spec: TransformSpec
    public let table: String
    let runStartedAt: Int64
    let conjuncts: [CompiledExpression]
    let outputs: [Output]
    let rules: [(spec: TransformSpec.RowRule, compiled: CompiledExpression)]
    let stagedSchema: Schema
    /// Output positions whose real values a deletion keeps (the key and the cursor).
    let keptOnDeletion: Set<Int>
    let joinTables: [JoinTable]

    enum Output {
        case input(Int)
        case expression(CompiledExpression)
    }

    /// Compiles `spec` (checked by the driver already; an error here means driver and executor disagree).
    /// `runStartedAt` is the run's start in microseconds since the epoch; `cursor` the cursor's declared name;
    /// `joins` the small tables of ``TransformSpec/joins``, in order.
    public init(spec: TransformSpec, table: String, cursor: String?, runStartedAt: Int64, joins: [JoinTable] = []) throws(SluiceError) {
        guard joins.count == spec.joins.count else {
            throw SluiceError(.internalError, "table \(table) joins \(spec.joins.count) tables but \(joins.count) were loaded")
        }
        self.spec = spec
        self.table = table
        self.runStartedAt = runStartedAt
        self.joinTables = joins
        let scope = spec.scope
        var conjuncts: [CompiledExpression] = []
        if let filter = spec.filter, !spec.executorConjuncts.isEmpty {
            let all = try CompiledExpression.compileConjuncts(filter.text, schema: scope, origin: filter.origin)
            conjuncts = spec.executorConjuncts.map { all[$0] }
        }
        self.conjuncts = conjuncts
        var outputs: [Output] = []
        for output in spec.outputs {
            switch output.value {
            case .input(let index): outputs.append(.input(index))
            case .expression(let text):
                outputs.append(.expression(try CompiledExpression.compileColumn(text.text, schema: scope, origin: text.origin,
                                                                                as: output.field.type)))
            }
        }
        self.outputs = outputs
        stagedSchema = spec.outputSchema
        let declared = Schema(spec.outputs.map(\.field).filter { $0.name != StagedColumns.parentVersion })
        var rules: [(spec: TransformSpec.RowRule, compiled: CompiledExpression)] = []
        for rule in spec.rules {
            rules.append((rule, try CompiledExpression.compilePredicate(rule.rule.text, schema: declared, origin: rule.rule.origin)))
        }
        self.rules = rules
        let kept = Set(spec.keyInputs.map(\.name) + (cursor.map { [$0] } ?? []) + [StagedColumns.parentVersion])
        keptOnDeletion = Set(spec.outputs.indices.filter { kept.contains(spec.outputs[$0].field.name) })
    }

    public func apply(_ input: RecordBatch, context: inout StageContext) throws(SluiceError) -> RecordBatch {
        var rows = Rows(batch: input, firstRow: context.firstRow, stage: self)

        // The joined columns; an inner join's misses are rejected like rows the filter rejects.
        var batch = input
        var keep = [Bool](repeating: true, count: input.rowCount)
        if !joinTables.isEmpty {
            var fields = input.schema.fields
            var columns = input.columns
            for (join, table) in zip(spec.joins, joinTables) {
                let matches = table.match(input.columns[join.localKey])
                if join.kind == .inner {
                    for row in matches.indices where matches[row] < 0 { keep[row] = false }
                }
                fields += table.fields
                columns += table.columns(for: matches)
            }
            batch = try RecordBatch(schema: Schema(fields), columns: columns)
        }

        // The filter.
        var live = batch
        if !conjuncts.isEmpty || keep.contains(false) {
            for conjunct in conjuncts {
                let passes = try rows.located { () throws(SluiceError) in try conjunct.selection(batch, context: evaluation) }
                for row in keep.indices where !passes[row] { keep[row] = false }
            }
            let rejected = keep.lazy.filter { !$0 }.count
            if rejected > 0 {
                context.stats.filteredRows += UInt64(rejected)
                if spec.rejected == .flag {
                    let mask = keep.map { !$0 }
                    context.deletions.append(try deletions(of: batch.selecting(mask), rows: rows.selecting(mask)))
                }
                live = batch.selecting(keep)
                rows = rows.selecting(keep)
            }
        }
        if live.rowCount == 0 { return try RecordBatch(schema: stagedSchema, columns: stagedSchema.fields.map { Column.empty($0.type) }) }

        // The declared columns.
        var columns: [Column] = []
        columns.reserveCapacity(stagedSchema.count)
        for (index, output) in outputs.enumerated() {
            let column: Column
            switch output {
            case .input(let input): column = live.columns[input]
            case .expression(let expression): column = try rows.located { () throws(SluiceError) in try expression.evaluate(live, context: evaluation) }
            }
            let field = spec.outputs[index].field
            if !field.nullable, let row = column.validity?.firstIndex(of: false) {
                throw rows.error(.invalidValue,
                                 "column \(field.name) is declared nullable: false but its expression gave NULL; declare it nullable, or use COALESCE",
                                 column: field.name, at: row)
            }
            columns.append(column)
        }
        switch spec.deletedFlag {
        case .none: break
        case .input(let index): columns.append(live.columns[index])
        case .rejectedRows: columns.append(Column(values: .boolean([Bool](repeating: false, count: live.rowCount))))
        }
        var staged = try RecordBatch(schema: stagedSchema, columns: columns)

        // The rules, over rows not deleted at the source.
        for (rule, compiled) in rules {
            let passes = try rows.located { () throws(SluiceError) in try compiled.selection(staged, context: evaluation) }
            var failing = passes.map { !$0 }
            if spec.deletedFlag != .none, case .boolean(let deleted) = staged.columns[stagedSchema.count - 1].values {
                for row in failing.indices where deleted[row] { failing[row] = false }
            }
            guard let first = failing.firstIndex(of: true) else { continue }
            switch rule.action {
            case .fail:
                throw rows.error(.validationFailed,
                                 "validation \(rule.name) failed: \(reason(compiled, staged, row: first))", column: nil, at: first)
            case .quarantine:
                let rejected = staged.selecting(failing)
                let reasons = failing.indices.filter { failing[$0] }.map { reason(compiled, staged, row: $0) }
                context.quarantined.append(QuarantinedRows(rows: try declaredColumns(of: rejected), rule: rule.name, reasons: reasons))
                context.stats.quarantined[rule.name, default: 0] += UInt64(rejected.rowCount)
                if spec.rejected == .flag {
                    context.deletions.append(try deletions(ofStaged: rejected))
                }
                let keep = failing.map { !$0 }
                staged = staged.selecting(keep)
                rows = rows.selecting(keep)
            }
        }
        return staged
    }

    var evaluation: EvaluationContext { EvaluationContext(runStartedAt: runStartedAt, rowOffset: 0, table: table) }

    /// Why `row` fails `rule`: the condition and the values of the columns it reads.
    func reason(_ rule: CompiledExpression, _ batch: RecordBatch, row: Int) -> String {
        let values = rule.referencedColumns.compactMap { name -> String? in
            guard let index = batch.schema.index(of: name) else { return nil }
            let text = batch.value(row: row, column: index).text(as: batch.schema.fields[index].type)
            return "\(name) = \(text.map(Self.quoted) ?? "NULL")"
        }
        return "\(rule.text) does not hold" + (values.isEmpty ? "" : " (\(values.joined(separator: ", ")))")
    }

    static func quoted(_ text: String) -> String {
        let short = text.count > 200 ? String(text.prefix(200)) + "..." : text
        return short.allSatisfy { $0.isNumber || $0 == "-" || $0 == "." } ? short : "'\(short)'"
    }

    /// Staged rows without the deleted flag.
    public func declaredColumns(of batch: RecordBatch) throws(SluiceError) -> RecordBatch {
        guard spec.deletedFlag != .none else { return batch }
        return try RecordBatch(schema: Schema(Array(batch.schema.fields.dropLast())), columns: Array(batch.columns.dropLast()))
    }

    /// Deletions for input rows the filter rejected: the key and the cursor as read (derived key columns
    /// computed), placeholders elsewhere.
    func deletions(of rejected: RecordBatch, rows: Rows) throws(SluiceError) -> RecordBatch {
        var columns: [Column] = []
        for (index, output) in outputs.enumerated() {
            let field = spec.outputs[index].field
            guard keptOnDeletion.contains(index) else {
                columns.append(Column.placeholder(field.type, count: rejected.rowCount, nullable: field.nullable))
                continue
            }
            switch output {
            case .input(let input): columns.append(rejected.columns[input])
            case .expression(let expression): columns.append(try rows.located { () throws(SluiceError) in try expression.evaluate(rejected, context: evaluation) })
            }
        }
        columns.append(Column(values: .boolean([Bool](repeating: true, count: rejected.rowCount))))
        return try RecordBatch(schema: stagedSchema, columns: columns)
    }

    /// Deletions for staged rows a rule rejected: the key and the cursor, placeholders elsewhere.
    public func deletions(ofStaged rejected: RecordBatch) throws(SluiceError) -> RecordBatch {
        var columns: [Column] = []
        for (index, field) in spec.outputs.map(\.field).enumerated() {
            columns.append(keptOnDeletion.contains(index)
                ? rejected.columns[index] : Column.placeholder(field.type, count: rejected.rowCount, nullable: field.nullable))
        }
        columns.append(Column(values: .boolean([Bool](repeating: true, count: rejected.rowCount))))
        return try RecordBatch(schema: stagedSchema, columns: columns)
    }

    /// Which task rows a batch's rows are, for naming them in errors.
    struct Rows {
        /// The batch as read, whose row `i` is task row `firstRow + i`.
        let batch: RecordBatch
        let firstRow: Int
        let stage: TransformStage
        /// For each current row, its position in ``batch``; nil while they are the same.
        var positions: [Int]?

        init(batch: RecordBatch, firstRow: Int, stage: TransformStage) {
            self.batch = batch
            self.firstRow = firstRow
            self.stage = stage
        }

        func selecting(_ keep: [Bool]) -> Rows {
            var result = self
            let current = positions ?? Array(0..<keep.count)
            result.positions = keep.indices.filter { keep[$0] }.map { current[$0] }
            return result
        }

        /// Runs `body`; an error naming a row (by its position in the current rows) names the task row and key.
        func located<T>(_ body: () throws(SluiceError) -> T) throws(SluiceError) -> T {
            do {
                return try body()
            } catch {
                guard let row = error.context.row else { throw error.adding(ErrorContext(table: stage.table)) }
                var located = error
                located.context.row = nil
                located = located.adding(ErrorContext(table: stage.table, row: task(row)))
                if let key = key(at: row) { located.message += " (\(key))" }
                throw located
            }
        }

        func error(_ code: SluiceError.Code, _ message: String, column: String?, at row: Int) -> SluiceError {
            let text = key(at: row).map { "\(message) (\($0))" } ?? message
            return SluiceError(code, text, context: ErrorContext(table: stage.table, column: column, row: task(row)))
        }

        /// The task row (1-based, as read) of current row `row`.
        func task(_ row: Int) -> Int { firstRow + (positions?[row] ?? row) }

        /// `key id = 42` for current row `row`, from the key columns read from the source.
        func key(at row: Int) -> String? {
            let keys = stage.spec.keyInputs
            guard !keys.isEmpty else { return nil }
            let position = positions?[row] ?? row
            let values = keys.map { key in
                batch.value(row: position, column: key.input).text(as: batch.schema.fields[key.input].type).map(TransformStage.quoted) ?? "NULL"
            }
            if keys.count == 1 { return "key \(keys[0].name) = \(values[0])" }
            return "key (\(keys.map(\.name).joined(separator: ", "))) = (\(values.joined(separator: ", ")))"
        }
    }
}

/// Rows a validation rule set aside, with why.
public struct QuarantinedRows: Sendable {
    /// The rows as they would have been staged (the declared columns).
    public var rows: RecordBatch
    public var rule: String
    /// One per row.
    public var reasons: [String]

    public init(rows: RecordBatch, rule: String, reasons: [String]) {
        self.rows = rows
        self.rule = rule
        self.reasons = reasons
    }

    /// The columns a quarantine file adds to the declared ones.
    public static let ruleColumn = "_sluice_rule"
    public static let reasonColumn = "_sluice_reason"

    /// A quarantine file's schema for a table staging `declared`.
    public static func schema(declared: Schema) -> Schema {
        Schema(declared.fields + [Field(name: ruleColumn, type: .string, nullable: false),
                                  Field(name: reasonColumn, type: .string, nullable: false)])
    }

    /// The rows with their rule and reasons, as a quarantine file holds them.
    public func fileBatch() throws(SluiceError) -> RecordBatch {
        let rule = Column(values: .bytes(ByteArrays(strings: Array(repeating: self.rule, count: rows.rowCount))))
        let reasons = Column(values: .bytes(ByteArrays(strings: self.reasons)))
        return try RecordBatch(schema: Self.schema(declared: rows.schema), columns: rows.columns + [rule, reasons])
    }
}

extension Column {
    /// A column of `count` placeholders: NULLs, or zero values (an empty string, `null` for JSON, the epoch for
    /// dates and times) where NULL is not allowed. Deletions carry them where only the key matters.
    public static func placeholder(_ type: DataType, count: Int, nullable: Bool) -> Column {
        let validity: [Bool]? = nullable && count > 0 ? [Bool](repeating: false, count: count) : nil
        let values: ColumnValues
        switch type.storage {
        case .boolean: values = .boolean([Bool](repeating: false, count: count))
        case .int32: values = .int32([Int32](repeating: 0, count: count))
        case .int64: values = .int64([Int64](repeating: 0, count: count))
        case .int128: values = .int128([Int128](repeating: 0, count: count))
        case .float32: values = .float32([Float](repeating: 0, count: count))
        case .float64: values = .float64([Double](repeating: 0, count: count))
        case .bytes: values = .bytes(ByteArrays(strings: Array(repeating: type == .json && !nullable ? "null" : "", count: count)))
        case .fixedBytes(let width): values = .fixedBytes(width: width, [UInt8](repeating: 0, count: width * count))
        }
        return Column(values: values, validity: validity)
    }

    /// A column without rows.
    public static func empty(_ type: DataType) -> Column { placeholder(type, count: 0, nullable: false) }
}

extension SluiceError.Code {
    /// A row failed a validation rule whose action is `fail`.
    public static let validationFailed = Self("validation_failed", retryable: false)
}
