public import Logging
import SluiceConfig
public import SluiceCore
public import SluicePipeline

/// ClickHouse as a ``SluicePipeline/SinkWriter``: an executor's side of the connector. Each task attempt loads
/// into a staging table of its own (`<load table>__sluice_stage_<run>_t<task>_a<attempt>`, a plain MergeTree
/// with the load table's structure), then counts what the server holds. The rows become visible only when the
/// driver attaches that table's parts to the load table, once per task, so a failed, killed or superseded
/// attempt never leaves rows behind (ClickHouse itself would keep the part of a body it received before a cut).
public struct ClickHouseStageWriter: SinkWriter {
    let client: ClickHouseClient
    let logger: Logger

    public init(settings: ClickHouseSettings, logger: Logger) throws(SluiceError) {
        client = try settings.client(logger: logger)
        self.logger = logger
    }

    public init(client: ClickHouseClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func stage(_ batches: sending some BatchSource & Sendable, schema: Schema, for task: TaskSpec,
                      into work: ConnectorPayload) async throws(SluiceError) -> SinkReceipt {
        let target = try work.decodeJSON(ClickHouseTarget.self, kind: ClickHouseTarget.kind)
        let context = ErrorContext(table: task.table, task: task.label)
        guard schema == target.layout.stagedSchema else {
            throw SluiceError(.invalidRunPlan, "the staged rows do not have the schema the driver planned for \(target.database).\(target.table)",
                              context: context)
        }
        let stage = target.stageTable(task: task.id, attempt: task.attempt)
        try await client.execute(ClickHouseDDL.dropTable(database: target.database, table: stage))
        try await client.execute(try target.createStageTable(task: task.id, attempt: task.attempt))
        do throws(SluiceError) {
            let summary = try await client.insert(database: target.database, table: stage, schema: target.layout.schema,
                                                  from: CleanLayoutBatches(source: batches, layout: target.layout),
                                                  mapping: target.mapping, settings: target.insertSettings, checkTable: false)
            let held = try await client.value("SELECT count() FROM \(ClickHouseSQL.qualifiedName(database: target.database, table: stage))",
                                              as: UInt64.self) ?? 0
            guard held == UInt64(summary.rows) else {
                throw SluiceError(.clickHouseServer, "ClickHouse holds \(held) of the \(summary.rows) rows sent to \(target.database).\(stage)",
                                  context: context)
            }
            let receipt = ClickHouseStageReceipt(stageTable: stage, rows: held)
            return SinkReceipt(rows: held, payload: try .json(kind: ClickHouseTarget.kind, receipt))
        } catch {
            // In a task of its own: when the attempt was cancelled (the driver gave up on it), this task's requests
            // are cancelled at once, and the staging table must still go.
            let drop = ClickHouseDDL.dropTable(database: target.database, table: stage)
            await Task { [client] in try? await client.execute(drop) }.value
            throw error.adding(context)
        }
    }
}

/// Staged batches turned into clean-layer batches while the insert streams them.
struct CleanLayoutBatches<Source: BatchSource>: BatchSource {
    var source: Source
    let layout: CleanLayout

    mutating func next() throws(SluiceError) -> RecordBatch? {
        guard let batch = try source.next() else { return nil }
        return try layout.sinkBatch(from: batch)
    }
}
