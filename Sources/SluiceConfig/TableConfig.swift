public import SluiceCore

/// One table to move: its source, its declared target schema (the schema registry entry), how it is
/// split into tasks, and how its bookmark advances.
public struct TableConfig: Sendable, Decodable {
    /// The table's name in Sluice (and, by default, in the sink).
    public var name: String
    /// The source table, `schema.table` or `table` (then `public`); for a file source, the folder or file under
    /// the source's root (`events/`). Written as a mapping, `source: {parquet: {path: events/, glob: "*.parquet"}}`,
    /// its `path` and the connector's options for this table (``sourceOptions``).
    public var source: String
    /// The connector named by a `source:` written as a mapping (`parquet`); nil for the plain form. It must be the
    /// pipeline's source connector.
    public var sourceConnector: String?
    /// The table's own options for its source connector, from the mapping form of `source:` (everything but
    /// `path`), read and checked by that connector.
    public var sourceOptions: [String: String]
    /// The sink table's name; default ``name``.
    public var target: String
    /// Target column names that identify a row; the sink deduplicates on them. Empty for an `append` table.
    public var primaryKey: [String]
    /// How runs write the sink: `upsert` (default; a newer version of a key replaces the older) or `append` (a
    /// table without a key, such as an event log); see ``LoadMode``.
    public var load: LoadMode
    /// A target column whose value grows when a row changes (`updated_at`, a sequence). Incremental runs
    /// extract rows whose cursor passed the bookmark. Without one, every run reloads the whole table.
    public var cursor: String?
    /// How far behind the bookmark an incremental run starts again, for transactions that commit late. When
    /// not given: ``defaultTimestampLag`` for a timestamp cursor, one day for a date cursor (a day's later rows
    /// share the bookmark's value), none for an integer cursor. The sink keeps one row per key and version,
    /// so the overlap never doubles rows.
    public var lag: ConfigDuration?
    /// Backfill in slices of the cursor, one per run (`30d` for a date or timestamp cursor, a count for an
    /// integer one): each run loads the next slice and keeps the table in backfill until a slice reaches the
    /// newest row; then the table switches to incremental runs by itself. None: one run backfills everything.
    public var backfillWindow: String?
    public var partition: PartitionConfig
    /// SQL conditions on source columns, pushed into the extraction query (trusted configuration text).
    public var filters: [String]
    /// A SQL condition on source columns that marks soft-deleted rows. A table's first backfill and full reloads
    /// leave such rows out; every other run extracts them and loads them as a newer version flagged deleted
    /// (`_sluice_deleted = 1`), so that a row deleted after it was loaded stops counting as live.
    public var deletedWhen: String?
    /// Default policy for date and timestamp values the sink cannot hold; see ``OutOfRangePolicy``.
    /// A table-wide `set_null` leaves non-nullable columns at `fail` (see ``policy(for:)``).
    public var outOfRange: OutOfRangePolicy
    /// Numeric `NaN`/`±Infinity` and date/timestamp `±infinity`, which no sink type holds: `fail` (default)
    /// or `set_null` (counted in the run report). Columns declared `string` receive PostgreSQL's spelling.
    public var specialValues: SpecialValuesPolicy
    /// The declared target schema, in order.
    public var columns: [ColumnConfig]
    /// What happens when the source table gains columns the declaration does not name; see ``SchemaEvolution``.
    /// A declared column that disappears from the source, or changes its type, always stops the table.
    public var schemaEvolution: SchemaEvolution
    /// Source columns left out on purpose: never reported as new, never added by schema evolution.
    public var ignoreColumns: [String]
    /// Rows to keep, as an expression over the extracted columns (docs/expressions.md). The parts PostgreSQL
    /// evaluates the same way are pushed into the extraction query; the rest run on the executors.
    public var filter: ExpressionText?
    /// Rules rows must pass, in order, each with what happens to a row that does not.
    public var validations: [ValidationConfig]
    /// The share of extracted rows that may be quarantined before the table fails (none: no limit).
    public var maxRejectedRatio: Double?
    /// Small tables joined to every row by key (broadcast hash joins), in order; their columns are available to
    /// expressions as `<join name>.<column>`.
    public var joins: [JoinConfig]
    /// For a child table (order items of orders): the parent table it is read with. The child has no partitions,
    /// cursor or bookmark of its own: each of the parent's tasks reads the child rows of its parent rows, in the
    /// same snapshot, and they load together.
    public var parent: ParentConfig?
    /// The table's curated (warehouse) layer, built from the clean layer after each run; see ``CuratedConfig``.
    public var curated: CuratedConfig

    enum CodingKeys: String, CodingKey {
        case name, source, target, primaryKey, load, cursor, lag, backfillWindow, partition, filters, deletedWhen, outOfRange
        case specialValues, schemaEvolution, ignoreColumns, filter, validations, maxRejectedRatio, joins, parent
        case columns, curated
    }

    /// A table declared in code: the small table of a join, say. Everything else takes its default.
    public init(name: String, source: String, primaryKey: [String], columns: [ColumnConfig]) {
        self.name = name
        self.source = source
        sourceConnector = nil
        sourceOptions = [:]
        target = name
        self.primaryKey = primaryKey
        load = .upsert
        cursor = nil
        lag = nil
        backfillWindow = nil
        partition = PartitionConfig()
        filters = []
        deletedWhen = nil
        outOfRange = .fail
        specialValues = .fail
        self.columns = columns
        schemaEvolution = .report
        ignoreColumns = []
        filter = nil
        validations = []
        maxRejectedRatio = nil
        joins = []
        parent = nil
        curated = CuratedConfig()
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        if let text = try? c.decodeIfPresent(String.self, forKey: .source) {
            source = text
            sourceConnector = nil
            sourceOptions = [:]
        } else if let mapping = try c.decodeIfPresent([String: [String: String]].self, forKey: .source) {
            guard mapping.count == 1, let (connector, options) = mapping.first else {
                throw DecodingError.dataCorruptedError(
                    forKey: .source, in: c,
                    debugDescription: "source takes a table name, or one connector's options for this table, e.g. `source: {parquet: {path: events/}}`")
            }
            source = options["path"] ?? name
            sourceConnector = connector
            sourceOptions = options.filter { $0.key != "path" }
        } else {
            source = name
            sourceConnector = nil
            sourceOptions = [:]
        }
        target = try c.decodeIfPresent(String.self, forKey: .target) ?? name
        load = try c.decodeIfPresent(LoadMode.self, forKey: .load) ?? .upsert
        let primaryKey = try c.decodeIfPresent([String].self, forKey: .primaryKey)
        switch (primaryKey, load) {
        case (nil, .upsert):
            throw DecodingError.dataCorruptedError(
                forKey: .primaryKey, in: c,
                debugDescription: "missing required key 'primary_key': the columns that identify a row (the clean layer keeps one row per key, which is what makes re-reading a row replace it instead of doubling it). `sluice init` takes it from the table's primary key or a unique index of NOT NULL columns; for a table with neither (an event log), write `load: append` instead (docs/configuration.md#tables-without-a-key)")
        case (let key?, .append):
            throw DecodingError.dataCorruptedError(
                forKey: .primaryKey, in: c,
                debugDescription: "an append table keeps every row and has no primary key; remove primary_key [\(key.joined(separator: ", "))], or remove `load: append` so that rows are deduplicated on it")
        default:
            self.primaryKey = primaryKey ?? []
        }
        cursor = try c.decodeIfPresent(String.self, forKey: .cursor)
        lag = try c.decodeIfPresent(ConfigDuration.self, forKey: .lag)
        backfillWindow = try c.decodeIfPresent(String.self, forKey: .backfillWindow)
        partition = try c.decodeIfPresent(PartitionConfig.self, forKey: .partition) ?? PartitionConfig()
        filters = try c.decodeIfPresent([String].self, forKey: .filters) ?? []
        deletedWhen = try c.decodeIfPresent(String.self, forKey: .deletedWhen)
        outOfRange = try c.decodeIfPresent(OutOfRangePolicy.self, forKey: .outOfRange) ?? .fail
        specialValues = try c.decodeIfPresent(SpecialValuesPolicy.self, forKey: .specialValues) ?? .fail
        schemaEvolution = try c.decodeIfPresent(SchemaEvolution.self, forKey: .schemaEvolution) ?? .report
        ignoreColumns = try c.decodeIfPresent([String].self, forKey: .ignoreColumns) ?? []
        filter = try c.decodeIfPresent(ExpressionText.self, forKey: .filter)
        validations = try c.decodeIfPresent([ValidationConfig].self, forKey: .validations) ?? []
        maxRejectedRatio = try c.decodeIfPresent(Double.self, forKey: .maxRejectedRatio)
        joins = try c.decodeIfPresent([JoinConfig].self, forKey: .joins) ?? []
        parent = try c.decodeIfPresent(ParentConfig.self, forKey: .parent)
        curated = try c.decodeIfPresent(CuratedConfig.self, forKey: .curated) ?? CuratedConfig()
        columns = try c.decode([ColumnConfig].self, forKey: .columns)
    }

    /// The default lag of a timestamp cursor: transactions rarely take longer than this between taking a cursor
    /// value and committing it, and re-reading five minutes of changes costs little.
    public static let defaultTimestampLag = ConfigDuration(microseconds: 5 * 60_000_000)

    /// The lag in effect: the configured one, or the default for the cursor column's type.
    public var effectiveLag: ConfigDuration {
        if let lag { return lag }
        switch cursor.flatMap({ column(named: $0) })?.type {
        case .timestamp?, .timestampTZ?: return Self.defaultTimestampLag
        case .date?: return .seconds(86_400)
        default: return .zero
        }
    }

    /// Whether `column` is part of the primary key.
    public func isKey(_ column: ColumnConfig) -> Bool { primaryKey.contains(column.name) }

    /// What happens to `column`'s sub-second part in a whole-second sink: its own setting, else `column` for
    /// primary key timestamps (rows that differ only below the second must stay distinct), else `drop`.
    public func subseconds(for column: ColumnConfig) -> SubsecondPolicy {
        column.subseconds ?? (isKey(column) ? .column : .drop)
    }

    /// The out-of-range policy in effect for `column`: its own, else the table's — except that a table-wide
    /// `set_null` cannot apply to a non-nullable column, which then fails instead.
    public func policy(for column: ColumnConfig) -> OutOfRangePolicy {
        if let own = column.outOfRange { return own }
        if outOfRange == .setNull && !column.nullable { return .fail }
        return outOfRange
    }

    /// ``backfillWindow`` in the cursor's units: microseconds for timestamps, days for dates (rounded up),
    /// the count for integers; nil when there is none or it does not parse.
    public var backfillWindowUnits: Int64? {
        guard let text = backfillWindow, let cursor, let column = column(named: cursor) else { return nil }
        switch column.type {
        case .date:
            return ConfigDuration(parsing: text).map { ($0.microseconds + 86_399_999_999) / 86_400_000_000 }.flatMap { $0 > 0 ? $0 : nil }
        case .timestamp, .timestampTZ:
            return ConfigDuration(parsing: text).flatMap { $0.microseconds > 0 ? $0.microseconds : nil }
        default:
            return Int64(text).flatMap { $0 > 0 ? $0 : nil }
        }
    }

    /// The declared target schema.
    public var schema: Schema {
        Schema(columns.map { Field(name: $0.name, type: $0.type, nullable: $0.nullable) })
    }

    /// The column named `name` (target name).
    public func column(named name: String) -> ColumnConfig? {
        columns.first { $0.name == name }
    }

    /// `(schema, table)` of ``source``.
    public var sourceName: (schema: String, table: String) {
        if let dot = source.firstIndex(of: ".") {
            return (String(source[..<dot]), String(source[source.index(after: dot)...]))
        }
        return ("public", source)
    }
}

/// How a table is split into partition tasks.
public struct PartitionConfig: Sendable, Decodable {
    public enum Strategy: String, Sendable, Codable, ConfigChoice {
        /// Equal-width ranges of an integer, date or timestamp column between its min and max.
        case range
        /// Ranges with similar row counts, from the column's distribution (for skewed keys).
        case balanced
        /// Physical block ranges (for tables with no usable key).
        case ctid
        /// One task per predicate in ``PartitionConfig/predicates``.
        case predicates
    }

    /// Default: `range` when a column is given, otherwise one task for the whole table.
    public var strategy: Strategy?
    /// A source column to split on.
    public var column: String?
    /// How many tasks; default derived from ``rowsPerTask`` and the table's size, or 1.
    public var count: Int?
    /// Target rows per task when ``count`` is not given (default 1,000,000).
    public var rowsPerTask: Int
    /// SQL conditions, one task each, for strategy `predicates`.
    public var predicates: [String]

    public init() {
        strategy = nil
        column = nil
        count = nil
        rowsPerTask = 1_000_000
        predicates = []
    }

    enum CodingKeys: String, CodingKey { case strategy, column, count, rowsPerTask, predicates }

    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        strategy = try c.decodeIfPresent(Strategy.self, forKey: .strategy)
        column = try c.decodeIfPresent(String.self, forKey: .column)
        count = try c.decodeIfPresent(Int.self, forKey: .count)
        rowsPerTask = try c.decodeIfPresent(Int.self, forKey: .rowsPerTask) ?? rowsPerTask
        predicates = try c.decodeIfPresent([String].self, forKey: .predicates) ?? []
    }

    /// The strategy in effect.
    public var effectiveStrategy: Strategy? {
        strategy ?? (column != nil ? .range : (predicates.isEmpty ? nil : .predicates))
    }
}

/// What happens to a date or timestamp the sink cannot represent (ClickHouse 18.16 holds
/// 1970-01-01 ... 2105-12-31 in `Date` and 1970 ... 2106-02-07 in `DateTime`, and silently corrupts
/// anything else).
public enum OutOfRangePolicy: String, Sendable, Codable, ConfigChoice {
    /// The task fails with an error naming the table, column and row (default: never guess).
    case fail
    /// The value becomes NULL (the seed's pre-1970 filter); counted per column in the run report.
    case setNull = "set_null"
    /// The whole row is dropped; counted in the run report.
    case dropRow = "drop_row"
}

/// A small table joined to every row of a table by key: read once per executor per run (from the run's snapshot)
/// and kept in memory.
public struct JoinConfig: Sendable, Decodable {
    /// Prefixes the joined columns in expressions (`customers.tier`).
    public var name: String
    /// The small table, as the source names it.
    public var source: String
    /// This table's column (a declared or source column) that holds the key.
    public var localKey: String
    /// The small table's column it matches; its values must be unique.
    public var remoteKey: String
    /// `left` keeps rows without a match (their joined columns are NULL); `inner` drops them (counted as filtered).
    public var kind: JoinKind
    /// The small table's columns to bring in, with their types.
    public var columns: [ColumnConfig]
    /// The most rows the small table may have, checked when the run is planned (default 1,000,000).
    public var maxRows: Int

    enum CodingKeys: String, CodingKey { case name, source, on, type, columns, maxRows }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        source = try c.decodeIfPresent(String.self, forKey: .source) ?? name
        let on = try c.decode([String: String].self, forKey: .on)
        guard on.count == 1, let (local, remote) = on.first else {
            throw DecodingError.dataCorruptedError(forKey: .on, in: c,
                                                   debugDescription: "`on` names one column pair, this table's column: the joined table's key")
        }
        localKey = local
        remoteKey = remote
        kind = try c.decodeIfPresent(JoinKind.self, forKey: .type) ?? .left
        columns = try c.decode([ColumnConfig].self, forKey: .columns)
        maxRows = try c.decodeIfPresent(Int.self, forKey: .maxRows) ?? 1_000_000
    }
}

/// How a join treats rows without a match.
public enum JoinKind: String, Sendable, Codable, ConfigChoice {
    case left, inner
}

/// A rule rows must pass: a row rule, or a reconciliation with a child table.
public struct ValidationConfig: Sendable, Decodable {
    /// How reports, quarantine files and errors name the rule.
    public var name: String
    /// A boolean expression over the table's declared columns that every row must satisfy (NULL fails it).
    public var rule: ExpressionText?
    /// An aggregate over each row's children that must equal one of its values.
    public var reconcile: ReconcileConfig?
    /// What happens to a row that fails: see ``ValidationAction``.
    public var action: ValidationAction

    enum CodingKeys: String, CodingKey { case name, rule, reconcile, action }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        rule = try c.decodeIfPresent(ExpressionText.self, forKey: .rule)
        reconcile = try c.decodeIfPresent(ReconcileConfig.self, forKey: .reconcile)
        action = try c.decodeIfPresent(ValidationAction.self, forKey: .action) ?? .fail
        guard (rule == nil) != (reconcile == nil) else {
            throw DecodingError.dataCorruptedError(forKey: .rule, in: c,
                                                   debugDescription: "a validation has either a rule or a reconcile, not both nor neither")
        }
    }
}

/// A reconciliation: for each row of a parent table, an aggregate over its rows in a child table equals one of the
/// row's values, within a tolerance (`sum(amount)` of a transaction's items equals its `total`).
public struct ReconcileConfig: Sendable, Decodable {
    /// The child table (a table of the pipeline whose `parent` is this table).
    public var child: String
    /// `sum(expression)` over the child's declared columns, or `count(*)`.
    public var aggregate: ExpressionText
    /// An expression over this table's declared columns that the aggregate must equal.
    public var equals: ExpressionText
    /// The largest difference still counted as equal (`0.01`); exact decimal text. Default 0.
    public var tolerance: String

    enum CodingKeys: String, CodingKey { case child, aggregate, equals, tolerance }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        child = try c.decode(String.self, forKey: .child)
        aggregate = try c.decode(ExpressionText.self, forKey: .aggregate)
        equals = try c.decode(ExpressionText.self, forKey: .equals)
        // As written: `0.01` stays exact text, never a Double.
        tolerance = try c.decodeIfPresent(String.self, forKey: .tolerance) ?? "0"
    }
}

/// The parent a child table is read with.
public struct ParentConfig: Sendable, Decodable {
    /// The parent table's name in the pipeline.
    public var table: String
    /// This table's declared column that holds the parent's key.
    public var childKey: String
    /// The parent's declared key column it refers to.
    public var parentKey: String

    enum CodingKeys: String, CodingKey { case table, on }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        table = try c.decode(String.self, forKey: .table)
        let on = try c.decode([String: String].self, forKey: .on)
        guard on.count == 1, let (child, parent) = on.first else {
            throw DecodingError.dataCorruptedError(forKey: .on, in: c,
                                                   debugDescription: "`on` names one column pair, this table's column: the parent's key column")
        }
        childKey = child
        parentKey = parent
    }
}

/// What happens to a row that fails a validation rule.
public enum ValidationAction: String, Sendable, Codable, ConfigChoice {
    /// The task fails, naming the rule, the row's key and the values (the default: nothing is loaded silently).
    case fail
    /// The row is set aside in a quarantine Parquet file beside the shards, with the rule and the reason, and
    /// counted in the run report; the other rows load.
    case quarantine
}

/// What a run does with source columns the table's declaration does not name.
public enum SchemaEvolution: String, Sendable, Codable, ConfigChoice {
    /// They are not loaded; each run reports them (the default).
    case report
    /// They are loaded as nullable columns of their natural type, added to the target table after the declared
    /// columns (ClickHouse `ALTER TABLE ... ADD COLUMN`); the run report records each addition.
    case addColumns = "add_columns"
}

/// What happens to values no sink type can hold (`NaN`, `infinity`).
public enum SpecialValuesPolicy: String, Sendable, Codable, ConfigChoice {
    /// The task fails with an error naming the table, column and row.
    case fail
    /// The value becomes NULL (the column must be nullable); counted in the run report.
    case setNull = "set_null"
}

/// What happens to the sub-second part of a timestamp in a sink that stores whole seconds.
public enum SubsecondPolicy: String, Sendable, Codable, ConfigChoice {
    /// Cut (the default): the sink holds the timestamp floored to the second.
    case drop
    /// Kept in a companion column `<name>_us` (UInt32, 0...999999) beside the whole seconds.
    case column
}

/// One column of the declared target schema.
public struct ColumnConfig: Sendable, Decodable {
    /// The target name.
    public var name: String
    /// The source column it comes from; default ``name`` (a different name is a rename).
    public var source: String
    /// The declared target type: the source value is converted to it exactly, or the run fails.
    public var type: DataType
    /// Default true.
    public var nullable: Bool
    /// Overrides the table's ``TableConfig/outOfRange`` for this column.
    public var outOfRange: OutOfRangePolicy?
    /// Earliest value allowed for a date/timestamp column (`1970-01-01` by default: the sink's limit).
    public var min: String?
    /// Latest value allowed (default: the sink's limit).
    public var max: String?
    /// For timestamp columns in a whole-second sink; nil: the table's default (``TableConfig/subseconds(for:)``).
    public var subseconds: SubsecondPolicy?
    /// A string column with few distinct values, stored dictionary-encoded where the sink can (ClickHouse's
    /// `LowCardinality(String)` under the modern type mapping). Default false; only string columns may set it.
    public var lowCardinality: Bool
    /// When set, the column is derived: computed by this expression over the extracted columns instead of read
    /// from ``source`` (docs/expressions.md).
    public var expression: ExpressionText?
    /// The source column's type when the table was declared, as the source prints it (`numeric(12,2)`,
    /// `timestamp with time zone`); `sluice init` writes it. When the live type differs, the table stops (schema
    /// drift) with a message naming both, rather than loading values of another type.
    public var sourceType: String?

    enum CodingKeys: String, CodingKey {
        case name, source, type, nullable, outOfRange, min, max, subseconds, lowCardinality, sourceType, expression
    }

    /// A column declared in code (a source column added by schema evolution, say).
    public init(name: String, source: String? = nil, type: DataType, nullable: Bool = true, sourceType: String? = nil) {
        self.name = name
        self.source = source ?? name
        self.type = type
        self.nullable = nullable
        outOfRange = nil
        min = nil
        max = nil
        subseconds = nil
        lowCardinality = false
        self.sourceType = sourceType
        expression = nil
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        source = try c.decodeIfPresent(String.self, forKey: .source) ?? name
        type = try c.decode(DataType.self, forKey: .type)
        nullable = try c.decodeIfPresent(Bool.self, forKey: .nullable) ?? true
        outOfRange = try c.decodeIfPresent(OutOfRangePolicy.self, forKey: .outOfRange)
        min = try c.decodeIfPresent(String.self, forKey: .min)
        max = try c.decodeIfPresent(String.self, forKey: .max)
        subseconds = try c.decodeIfPresent(SubsecondPolicy.self, forKey: .subseconds)
        lowCardinality = try c.decodeIfPresent(Bool.self, forKey: .lowCardinality) ?? false
        sourceType = try c.decodeIfPresent(String.self, forKey: .sourceType)
        expression = try c.decodeIfPresent(ExpressionText.self, forKey: .expression)
    }

    public var isTemporal: Bool {
        switch type {
        case .date, .timestamp, .timestampTZ: true
        default: false
        }
    }
}

extension TableConfig {
    /// Settings that are allowed but can lose rows without an error, in words (`sluice validate` prints them as
    /// warnings).
    public var advice: [String] {
        guard let cursor, let column = column(named: cursor) else { return [] }
        switch column.type {
        case .timestamp, .timestampTZ, .date:
            guard let lag, lag.microseconds == 0 else { return [] }
            return ["cursor \(cursor) has lag 0: a row whose transaction takes its cursor value before a run's snapshot "
                + "but commits after it falls behind the new bookmark and is never loaded; remove `lag: 0` to re-read the "
                + "last \(Self.defaultTimestampLag) on every run (loads are versioned, so the overlap costs no duplicates)"]
        default:
            return ["cursor \(cursor) is an integer, which no lag can look back on: a row whose transaction takes its "
                + "value before a run's snapshot but commits after it is never loaded; prefer a timestamp cursor "
                + "(updated_at) with the default lag, or reload ranges with --from/--to"]
        }
    }
}

/// How a table's runs write the sink.
public enum LoadMode: String, Sendable, Codable, ConfigChoice {
    /// Rows are identified by the primary key: a newer version replaces the older, a re-read row is not doubled.
    case upsert
    /// The table has no key (an event or log table): every row is kept. A run re-reads whole days of the cursor
    /// (from the start of the day of `bookmark - lag`) and replaces those days in the sink, which is what makes a
    /// retried or overlapping run exact; without a cursor every run replaces the whole table.
    case append
}
