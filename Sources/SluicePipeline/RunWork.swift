import Foundation
public import SluiceConfig
public import SluiceCore

/// What executors need to know about a run, decided once by the driver and sent to each executor as it joins
/// (the RUN_CONFIG message carries it as JSON). Executors recompute nothing in it: they only build their
/// connectors' executor sides from the two configuration sections, in their own environment.
public struct RunWork: Sendable, Hashable, Codable {
    public var runID: String
    /// When the run started, in microseconds since the epoch: what `run_started_at()` returns on every executor.
    public var startedAt: Int64
    /// The source connector's settings, as written (`${ENV}` references unexpanded).
    public var source: ConnectorSection
    /// The sink connector's settings, as written.
    public var sink: ConnectorSection
    public var staging: StagingConfig
    /// Rows per batch while reading.
    public var batchRows: Int
    /// `run.executor_memory` in MiB, when the pipeline sets it: executors use the smaller of it and their own
    /// `--memory` (``SluiceCore/MemoryBudget``).
    public var executorMemory: Int?
    public var tables: [TableWork]

    public init(runID: String, startedAt: Int64 = 0, source: ConnectorSection, sink: ConnectorSection, staging: StagingConfig,
                batchRows: Int, executorMemory: Int? = nil, tables: [TableWork]) {
        self.runID = runID
        self.startedAt = startedAt
        self.source = source
        self.sink = sink
        self.staging = staging
        self.batchRows = batchRows
        self.executorMemory = executorMemory
        self.tables = tables
    }

    public func table(named name: String) -> TableWork? { tables.first { $0.table == name } }

    /// The JSON text RUN_CONFIG carries.
    public func json() throws(SluiceError) -> String {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return String(decoding: try encoder.encode(self), as: UTF8.self)
        } catch {
            throw SluiceError(.internalError, "cannot encode the run plan", underlying: "\(error)")
        }
    }

    /// Reads the JSON text RUN_CONFIG carries.
    public init(json: String) throws(SluiceError) {
        do {
            self = try JSONDecoder().decode(RunWork.self, from: Data(json.utf8))
        } catch {
            throw SluiceError(.invalidRunPlan, "the driver sent a run plan this executor cannot read; are driver and executor the same version?",
                              underlying: "\(error)")
        }
    }
}

/// What executors need to know about one table of a run.
public struct TableWork: Sendable, Hashable, Codable {
    /// The table's name in the pipeline.
    public var table: String
    /// What the source reads and how it becomes the staged rows.
    public var transform: TransformSpec
    /// The stages after the transform, in order; they keep the schema.
    public var stages: [StageSpec]
    /// The cursor column's declared name and kind, when the table has a cursor.
    public var cursor: String?
    public var cursorKind: CursorKind?
    /// Numeric NaN/infinities and date infinities.
    public var specialValues: SpecialValuesPolicy
    /// The sink's own description of where the table loads (``SinkTarget/work``).
    public var sink: ConnectorPayload
    /// Child tables read with each task (in the order of ``SluiceCore/TaskSpec/related``), and how their rows refer
    /// to this table's.
    public var children: [ChildLink]
    /// Reconciliations of this table's rows with their children's.
    public var reconciliations: [ReconcileSpec]

    public init(table: String, transform: TransformSpec, stages: [StageSpec], cursor: String?, cursorKind: CursorKind?,
                specialValues: SpecialValuesPolicy, sink: ConnectorPayload, children: [ChildLink] = [],
                reconciliations: [ReconcileSpec] = []) {
        self.table = table
        self.transform = transform
        self.stages = stages
        self.cursor = cursor
        self.cursorKind = cursorKind
        self.specialValues = specialValues
        self.sink = sink
        self.children = children
        self.reconciliations = reconciliations
    }

    /// The batches the source reader produces.
    public var readSchema: Schema { transform.input }

    /// The shard's schema: what the transform produces.
    public var stagedSchema: Schema { transform.outputSchema }

    /// Where the deleted flag sits in the staged rows, when there is one.
    public var deletedColumn: Int? { stagedSchema.index(of: StagedColumns.deleted) }
}

/// How a child table's staged rows refer to its parent's.
public struct ChildLink: Sendable, Hashable, Codable {
    /// The child table's name in the pipeline.
    public var table: String
    /// The parent's staged column holding the key.
    public var parentKey: String
    /// The child's staged column holding the parent's key.
    public var childKey: String

    public init(table: String, parentKey: String, childKey: String) {
        self.table = table
        self.parentKey = parentKey
        self.childKey = childKey
    }
}

/// A reconciliation as executors run it: for each parent row, `sum(expression)` (or `count(*)`) over its
/// children equals `equals` within `tolerance`.
public struct ReconcileSpec: Sendable, Hashable, Codable {
    public var name: String
    public var child: String
    /// The summed expression over the child's staged columns; nil for `count(*)`.
    public var sum: ExpressionText?
    /// The aggregate as written (`sum(amount)`), for messages.
    public var aggregate: String
    /// An expression over the parent's staged columns.
    public var equals: ExpressionText
    /// Exact decimal text.
    public var tolerance: String
    public var action: ValidationAction

    public init(name: String, child: String, sum: ExpressionText?, aggregate: String, equals: ExpressionText, tolerance: String,
                action: ValidationAction) {
        self.name = name
        self.child = child
        self.sum = sum
        self.aggregate = aggregate
        self.equals = equals
        self.tolerance = tolerance
        self.action = action
    }
}

/// The columns Sluice adds to a table's rows on their way to the sink.
public enum StagedColumns {
    /// True for a row soft-deleted at the source, loaded so that it replaces the row's earlier version.
    public static let deleted = "_sluice_deleted"
    /// A child table's row's version: its parent row's cursor value (children have no cursor of their own).
    public static let parentVersion = "_sluice_parent_version"

    /// The schema a table without transforms is read and staged in: its declared columns, then ``deleted`` when
    /// it has `deleted_when`.
    public static func schema(for table: TableConfig) -> Schema {
        var fields = table.schema.fields
        if table.deletedWhen != nil { fields.append(Field(name: deleted, type: .boolean, nullable: false)) }
        return Schema(fields)
    }
}

extension ConnectorPayload: Codable {
    enum CodingKeys: String, CodingKey { case kind, bytes }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try container.decode(String.self, forKey: .kind)
        let text = try container.decode(String.self, forKey: .bytes)
        guard let data = Data(base64Encoded: text) else {
            throw DecodingError.dataCorruptedError(forKey: .bytes, in: container, debugDescription: "not base64")
        }
        self.init(kind: kind, bytes: [UInt8](data))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encode(Data(bytes).base64EncodedString(), forKey: .bytes)
    }
}

extension ConnectorPayload {
    /// A connector's value encoded as JSON.
    public static func json<T: Encodable>(kind: String, _ value: T) throws(SluiceError) -> ConnectorPayload {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return ConnectorPayload(kind: kind, bytes: [UInt8](try encoder.encode(value)))
        } catch {
            throw SluiceError(.internalError, "cannot encode a \(kind) payload", underlying: "\(error)")
        }
    }

    /// The JSON value a connector of `kind` encoded; an error when the payload is another connector's or damaged.
    public func decodeJSON<T: Decodable>(_ type: T.Type, kind expected: String) throws(SluiceError) -> T {
        guard kind == expected else {
            throw SluiceError(.invalidRunPlan, "a \(kind.isEmpty ? "empty" : kind) payload reached the \(expected) connector")
        }
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch {
            throw SluiceError(.invalidRunPlan, "a damaged \(kind) payload", underlying: "\(error)")
        }
    }
}

extension SluiceError.Code {
    /// A run plan or connector payload that does not decode (a driver and an executor of different versions).
    public static let invalidRunPlan = Self("invalid_run_plan", retryable: false)
}
