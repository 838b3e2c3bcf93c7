public import SluiceConfig
public import SluiceCore
public import SluiceExpressions

/// Builds a table's ``TransformSpec`` from its declaration and the live source columns, checking every expression
/// on the way (names, types, what a derived column's value converts to), so that a typo fails `sluice validate`
/// and `sluice plan` with its file, line and column rather than a task.
///
/// What expressions see: the source table's columns by their source names. A column a plain declared column
/// reads has its declared type there (the source converts it exactly or the table does not plan); any other has
/// its natural type. Validation rules see the staged columns, by their declared names.
public enum TransformPlanner {
    /// Plans `table`'s transform over `source`'s columns. `rejected` says what becomes of rows the filter or a
    /// quarantine rule rejects: left out (``DeletedRows/exclude``), or loaded as deletions (``DeletedRows/flag``)
    /// so that an earlier version of them stops counting as live.
    ///
    /// A child table (`parent:`) passes `parentVersion`: the parent's cursor as the source adds it to every child row
    /// (nil when the parent has no cursor); its staged rows always carry the deleted flag in runs that load rejected
    /// rows as deletions, since a child follows its parent there.
    ///
    /// A child table also sees its parent's declared columns as `<parent>.<column>` (`parentColumns`, unprefixed):
    /// each task joins them from the partition's parent rows.
    public static func plan(_ table: TableConfig, source: SourceTable, rejected: DeletedRows, joins: [JoinRead] = [],
                            parentVersion: Field? = nil, parentColumns: [Field] = []) throws(SluiceError) -> TransformPlan
    {
        let context = ErrorContext(table: table.name)
        // The type each source column is read as.
        var readType: [String: (type: DataType, nullable: Bool, by: String)] = [:]
        for column in table.columns where column.expression == nil {
            if let earlier = readType[column.source], earlier.type != column.type {
                throw SluiceError(.configInvalid,
                                  "source column \(column.source) is read as \(earlier.type) by column \(earlier.by) and as \(column.type) by column \(column.name); declare one and derive the other with CAST(\(column.source) AS \(column.type))",
                                  context: ErrorContext(table: table.name, column: column.name))
            }
            readType[column.source] = (column.type, column.nullable || (readType[column.source]?.nullable ?? false), column.name)
        }
        var scope: [Field] = []
        for field in source.fields {
            if let declared = readType[field.name] {
                scope.append(Field(name: field.name, type: declared.type, nullable: declared.nullable))
            } else if let type = field.type {
                scope.append(Field(name: field.name, type: type, nullable: field.nullable))
            }
        }
        for (name, declared) in readType where !scope.contains(where: { $0.name == name }) {
            // A source that does not list its columns: what the declaration reads is all there is.
            scope.append(Field(name: name, type: declared.type, nullable: declared.nullable))
        }
        // Joined columns, after the source's.
        var joinFields: [Field] = []
        for join in table.joins {
            guard scope.contains(where: { $0.name == join.localKey }) else {
                throw SluiceError(.configInvalid, "join \(join.name): \(join.localKey) is not a column of \(source.name)",
                                  context: ErrorContext(table: table.name, column: join.localKey))
            }
            joinFields += Self.joinedFields(join)
        }
        let parentPrefix = (table.parent?.table ?? "") + "."
        let parentFields = parentColumns.map { Field(name: parentPrefix + $0.name, type: $0.type, nullable: true) }
        let scopeSchema = Schema(scope + joinFields + parentFields)

        // What the expressions read, checked once against every source column.
        var used = Set(readType.keys).union(table.joins.map(\.localKey))
        if let link = table.parent, let key = table.column(named: link.childKey), !parentColumns.isEmpty { used.insert(key.source) }
        for column in table.columns {
            guard let expression = column.expression else { continue }
            let compiled = try CompiledExpression.compileColumn(expression.text, schema: scopeSchema, origin: expression.origin,
                                                                as: column.type)
            used.formUnion(compiled.referencedColumns)
        }
        if let filter = table.filter {
            let compiled = try CompiledExpression.compilePredicate(filter.text, schema: scopeSchema, origin: filter.origin)
            used.formUnion(compiled.referencedColumns)
        }

        var inputFields = scope.filter { used.contains($0.name) }
        if table.deletedWhen != nil { inputFields.append(Field(name: StagedColumns.deleted, type: .boolean, nullable: false)) }
        if let parentVersion { inputFields.append(parentVersion) }
        let input = Schema(inputFields)
        var joinSpecs: [TransformSpec.JoinSpec] = []
        for join in table.joins {
            guard let read = joins.first(where: { $0.name == join.name }) else {
                throw SluiceError(.internalError, "join \(join.name) was not planned", context: context)
            }
            joinSpecs.append(.init(name: join.name, localKey: input.index(of: join.localKey)!, kind: join.kind, read: read.read,
                                   readSchema: read.readSchema, fields: Self.joinedFields(join), maxRows: join.maxRows))
        }
        // The parent's columns the expressions read, joined from the task's parent rows (no read of their own).
        let parentUsed = zip(parentColumns, parentFields).filter { used.contains($0.1.name) }
        if let link = table.parent, !parentUsed.isEmpty, let key = table.column(named: link.childKey) {
            let keyField = Field(name: link.parentKey, type: key.type, nullable: true)
            joinSpecs.append(.init(name: link.table, localKey: input.index(of: key.source)!, kind: .left, read: .none,
                                   readSchema: Schema([keyField] + parentUsed.map(\.0)), fields: parentUsed.map(\.1), maxRows: .max))
        }
        let expressionSchema = Schema(input.fields + joinSpecs.flatMap(\.fields))

        // The staged columns, checked again against the columns actually read.
        var outputs: [TransformSpec.OutputColumn] = []
        var warnings: [String] = []
        for column in table.columns {
            let field = Field(name: column.name, type: column.type, nullable: column.nullable)
            guard let expression = column.expression else {
                outputs.append(.init(field: field, value: .input(input.index(of: column.source)!)))
                continue
            }
            let compiled = try CompiledExpression.compileColumn(expression.text, schema: expressionSchema, origin: expression.origin,
                                                                as: column.type)
            if compiled.isNullable && !column.nullable {
                warnings.append("column \(column.name) is declared nullable: false but its expression can be NULL (when \(compiled.referencedColumns.joined(separator: " or ")) is NULL): such a row fails the task; declare it nullable, or wrap the expression in COALESCE")
            }
            outputs.append(.init(field: field, value: .expression(expression)))
        }
        var conditions: [CompiledExpression] = []
        if let filter = table.filter {
            conditions = try CompiledExpression.compileConjuncts(filter.text, schema: expressionSchema, origin: filter.origin)
        }

        let staged = Schema(outputs.map(\.field))
        if let parentVersion { outputs.append(.init(field: parentVersion, value: .input(input.index(of: parentVersion.name)!))) }
        var rules: [TransformSpec.RowRule] = []
        var ruleNames = Set<String>()
        for validation in table.validations {
            guard ruleNames.insert(validation.name).inserted else {
                throw SluiceError(.configInvalid, "two validations are named \(validation.name); rule names appear in reports and quarantine files, so each must be unique",
                                  context: context)
            }
            guard let rule = validation.rule else { continue }
            _ = try CompiledExpression.compilePredicate(rule.text, schema: staged, origin: rule.origin)
            rules.append(.init(name: validation.name, rule: rule, action: validation.action))
        }

        let keyInputs = table.primaryKey.compactMap { key -> TransformSpec.KeyInput? in
            guard let column = table.column(named: key), column.expression == nil, let index = input.index(of: column.source) else { return nil }
            return .init(name: key, input: index)
        }
        let deletedFlag: TransformSpec.DeletedFlag
        if let index = input.index(of: StagedColumns.deleted) {
            deletedFlag = .input(index)
        } else if rejected == .flag
            && (table.filter != nil || table.parent != nil || table.validations.contains { $0.action == .quarantine }
                || table.joins.contains { $0.kind == .inner }) {
            deletedFlag = .rejectedRows
        } else {
            deletedFlag = .none
        }
        let spec = TransformSpec(input: input, joins: joinSpecs, filter: table.filter, executorConjuncts: Array(conditions.indices), outputs: outputs,
                                 rules: rules, keyInputs: keyInputs, deletedFlag: deletedFlag, rejected: rejected)
        return TransformPlan(spec: spec, conditions: conditions, used: used.subtracting(readType.keys), warnings: warnings)
    }
}

extension TransformPlanner {
    /// The columns a join brings, as expressions see them.
    static func joinedFields(_ join: JoinConfig) -> [Field] {
        join.columns.filter { $0.source != join.remoteKey }.map { Field(name: "\(join.name).\($0.name)", type: $0.type, nullable: true) }
    }

    /// The small table of `join` as a table to read: its key (of the type the local key is read as), then the
    /// joined columns as declared (the key itself is not one of them: it equals the local key). Errors when the local key is no column of the source.
    public static func joinedTable(_ join: JoinConfig, of table: TableConfig, source: SourceTable) throws(SluiceError) -> TableConfig {
        let declared = table.columns.first { $0.expression == nil && $0.source == join.localKey }?.type
        guard let keyType = declared ?? source.fields.first(where: { $0.name == join.localKey })?.type else {
            throw SluiceError(.configInvalid, "join \(join.name): \(join.localKey) is not a column of \(source.name) Sluice can read",
                              context: ErrorContext(table: table.name, column: join.localKey))
        }
        switch keyType.storage {
        case .int32, .int64, .bytes, .fixedBytes: break
        default:
            throw SluiceError(.configInvalid, "join \(join.name): the key \(join.localKey) is \(keyType); a join key must be an integer, date, timestamp, string or uuid",
                              context: ErrorContext(table: table.name, column: join.localKey))
        }
        var columns = [ColumnConfig(name: join.remoteKey, type: keyType, nullable: true)]
        for column in join.columns {
            guard column.source != join.remoteKey else { continue }
            var joined = column
            joined.nullable = true
            columns.append(joined)
        }
        var joined = TableConfig(name: "\(table.name).\(join.name)", source: join.source, primaryKey: [join.remoteKey], columns: columns)
        joined.specialValues = table.specialValues
        return joined
    }
}

/// What the source reads of a join's small table (``TransformSpec/JoinSpec``'s read side): the key, then the joined
/// columns, by their source names.
public struct JoinRead: Sendable {
    public var name: String
    public var read: ConnectorPayload
    public var readSchema: Schema

    public init(name: String, read: ConnectorPayload, readSchema: Schema) {
        self.name = name
        self.read = read
        self.readSchema = readSchema
    }
}

/// A table's transform as planned, before the source chose which filter conditions it evaluates itself.
public struct TransformPlan: Sendable {
    public private(set) var spec: TransformSpec
    /// The filter's conjuncts over ``TransformSpec/input``, in order.
    public let conditions: [CompiledExpression]
    /// Source columns read only because an expression or the filter uses them.
    public let used: Set<String>
    /// What can fail rows at run time that the declaration could avoid.
    public let warnings: [String]

    /// The conjuncts the source evaluates, as written (for `sluice plan`).
    public private(set) var pushed: [String] = []

    /// The source evaluates the conditions at `positions`; the executors evaluate the rest.
    public mutating func sourceEvaluates(_ positions: [Int]) {
        let taken = Set(positions)
        spec.executorConjuncts = conditions.indices.filter { !taken.contains($0) }
        pushed = conditions.indices.filter { taken.contains($0) }.map { conditions[$0].text }
    }

    /// The conjuncts executors evaluate, as written.
    public var onExecutors: [String] { spec.executorConjuncts.map { conditions[$0].text } }

    /// The conditions a source may evaluate: none when rejected rows are loaded as deletions, since a row the
    /// source leaves out can replace nothing.
    public var pushableConditions: [CompiledExpression] { spec.rejected == .flag ? [] : conditions }
}
