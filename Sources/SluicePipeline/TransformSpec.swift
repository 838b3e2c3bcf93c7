public import SluiceConfig
public import SluiceCore
public import SluiceExpressions

/// How an executor turns the rows the source reads into the rows a table stages: which columns are read, the
/// part of the filter the source did not take, the declared columns (each read or derived by an expression) and
/// the validation rules. The driver builds and checks it (``TransformPlanner``) before any task runs; each
/// executor compiles it again (``TransformStage``), since compiled expressions do not travel.
public struct TransformSpec: Sendable, Hashable, Codable {
    /// The columns read, named as the source names them. The deleted flag, when the table has one, comes last.
    public var input: Schema
    /// Small tables joined to every batch, in order; their columns follow the input's (`<join>.<column>`).
    public var joins: [JoinSpec]
    /// The table's filter, when it has one.
    public var filter: ExpressionText?
    /// The filter's conjuncts (its top-level `AND` parts, in order) the executor evaluates; the source evaluates
    /// the others while reading.
    public var executorConjuncts: [Int]
    /// The declared columns in order; with ``deletedFlag`` after them, the staged schema.
    public var outputs: [OutputColumn]
    /// Row rules, in order.
    public var rules: [RowRule]
    /// The primary key's positions among ``outputs`` that are read rather than derived, with their input
    /// positions, for naming rows in errors.
    public var keyInputs: [KeyInput]
    /// Whether the staged rows end with ``StagedColumns/deleted``, and where its values come from.
    public var deletedFlag: DeletedFlag
    /// What becomes of rows the filter or a quarantine rule rejects: ``DeletedRows/exclude`` leaves them out;
    /// ``DeletedRows/flag`` loads them as deletions (key and cursor, placeholders elsewhere), so that an earlier
    /// version of the row stops counting as live in the sink.
    public var rejected: DeletedRows

    public init(input: Schema, joins: [JoinSpec] = [], filter: ExpressionText?, executorConjuncts: [Int], outputs: [OutputColumn],
                rules: [RowRule], keyInputs: [KeyInput], deletedFlag: DeletedFlag, rejected: DeletedRows) {
        self.input = input
        self.joins = joins
        self.filter = filter
        self.executorConjuncts = executorConjuncts
        self.outputs = outputs
        self.rules = rules
        self.keyInputs = keyInputs
        self.deletedFlag = deletedFlag
        self.rejected = rejected
    }

    /// What the filter and derived columns see: the input columns, then every joined column.
    public var scope: Schema { Schema(input.fields + joins.flatMap(\.fields)) }

    /// The rows staged: the declared columns, then the deleted flag when there is one.
    public var outputSchema: Schema {
        var fields = outputs.map(\.field)
        if deletedFlag != .none { fields.append(Field(name: StagedColumns.deleted, type: .boolean, nullable: false)) }
        return Schema(fields)
    }

    /// Where ``StagedColumns/deleted`` comes from.
    public enum DeletedFlag: Sendable, Hashable, Codable {
        /// The staged rows have no deleted flag.
        case none
        /// The source computes it (`deleted_when`), at this input position.
        case input(Int)
        /// False for every row, except rows loaded as deletions because the filter or a rule rejected them.
        case rejectedRows
    }

    /// One staged column.
    public struct OutputColumn: Sendable, Hashable, Codable {
        public var field: Field
        public var value: Value

        public init(field: Field, value: Value) {
            self.field = field
            self.value = value
        }

        /// Where its values come from.
        public enum Value: Sendable, Hashable, Codable {
            /// The input column at this position, as it is.
            case input(Int)
            /// An expression over the input columns.
            case expression(ExpressionText)
        }
    }

    /// A rule each staged row must pass.
    public struct RowRule: Sendable, Hashable, Codable {
        public var name: String
        /// A condition over the staged columns (by their declared names).
        public var rule: ExpressionText
        public var action: ValidationAction

        public init(name: String, rule: ExpressionText, action: ValidationAction) {
            self.name = name
            self.rule = rule
            self.action = action
        }
    }

    /// A small table joined to every batch by key (a broadcast hash join): read once per executor per run from the
    /// run's snapshot.
    public struct JoinSpec: Sendable, Hashable, Codable {
        /// The prefix of its columns (`customers`).
        public var name: String
        /// The input column holding the key.
        public var localKey: Int
        public var kind: JoinKind
        /// What the source reads: the whole small table, in one partition.
        public var read: ConnectorPayload
        /// The batches that read produces: the key, then the joined columns (source names).
        public var readSchema: Schema
        /// The joined columns as expressions see them: `<name>.<column>`, nullable.
        public var fields: [Field]
        /// The most rows the small table may have.
        public var maxRows: Int

        public init(name: String, localKey: Int, kind: JoinKind, read: ConnectorPayload, readSchema: Schema, fields: [Field],
                    maxRows: Int) {
            self.name = name
            self.localKey = localKey
            self.kind = kind
            self.read = read
            self.readSchema = readSchema
            self.fields = fields
            self.maxRows = maxRows
        }
    }

    /// A primary key column read from the source: its declared name and its input position.
    public struct KeyInput: Sendable, Hashable, Codable {
        public var name: String
        public var input: Int

        public init(name: String, input: Int) {
            self.name = name
            self.input = input
        }
    }

    /// A transform that stages exactly what it reads (a table declared in code, in tests).
    public static func identity(_ schema: Schema) -> TransformSpec {
        let deleted = schema.index(of: StagedColumns.deleted)
        let outputs = schema.fields.enumerated().filter { $0.offset != deleted }.map { OutputColumn(field: $1, value: .input($0)) }
        return TransformSpec(input: schema, filter: nil, executorConjuncts: [], outputs: outputs, rules: [], keyInputs: [],
                             deletedFlag: deleted.map { .input($0) } ?? .none, rejected: .exclude)
    }
}

extension ExpressionText {
    /// Where the text starts, as the expression compiler takes it.
    public var origin: ExpressionOrigin {
        ExpressionOrigin(file: file.isEmpty ? nil : file, line: line, column: column, continuationColumn: continuationColumn,
                         keyPath: keyPath.isEmpty ? nil : keyPath)
    }
}
