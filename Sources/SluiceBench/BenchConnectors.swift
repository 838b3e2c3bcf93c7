import Foundation
import Logging
import SluiceConfig
import SluiceCore
import SluicePipeline
import Synchronization

// Bench only: connectors for `sluice-bench scheduler`, which measures the scheduler and the cluster protocol with
// real executor processes but without PostgreSQL or ClickHouse (which would measure the databases instead). They
// are registered in this benchmark's own registry and nowhere else: the product's connectors are in
// Sources/sluice/Connectors.swift.
//
// `bench_generate` plans `partition.count` partitions of an `int64` table; each read yields `rows_per_task` rows
// made from nothing (the ids partition * rows_per_task + 0, 1, ...). `bench_discard` stages a task by counting the
// rows it is handed (and adding their ids up) and commits by recording the count in a ``BenchLedger``, so that
// the benchmark can check that every task was committed exactly once with the rows generated for it.
enum BenchConnectors {
    static let sourceKind = "bench_generate"
    static let sinkKind = "bench_discard"

    /// The executor's side of both connectors (the driver's side is built by the benchmark itself, with its ledger).
    static let executorRegistry = ConnectorRegistry(
        sources: [SourceConnector(kind: sourceKind,
                                  makeSource: { _, _ throws(SluiceError) in throw SluiceError(.configInvalid, "bench_generate plans on the bench's driver only") },
                                  makeReader: { _, _ in GenerateReader() })],
        sinks: [SinkConnector(kind: sinkKind,
                              makeSink: { _, _ throws(SluiceError) in throw SluiceError(.configInvalid, "bench_discard commits on the bench's driver only") },
                              makeWriter: { _, _ in DiscardWriter() })])
}

/// What a generated partition reads (kind `bench_generate`, JSON).
struct GenerateRead: Codable, Sendable {
    var partition: Int
    var rows: Int
}

/// Bench only: a source of `partitions` partitions with `rowsPerTask` rows each, planned from nothing.
struct GenerateSource: Source, SourceRun {
    let rowsPerTask: Int

    var summary: String { "bench_generate (\(rowsPerTask) rows per task)" }
    func check() async throws(SluiceError) -> String { "bench_generate" }
    func openRun(consistent: Bool) async throws(SluiceError) -> any SourceRun { self }

    func describe(_ table: TableConfig) async throws(SluiceError) -> SourceTable {
        SourceTable(cursorKind: nil, name: table.source, fields: table.columns.map {
            SourceField(name: $0.source, sourceType: "int8", type: .int64, nullable: false)
        })
    }

    func cursorBounds(_ table: TableConfig, kind: CursorKind, within window: CursorWindow) async throws(SluiceError)
        -> ClosedRange<CursorValue>? { nil }

    func countRows(_ table: TableConfig) async throws(SluiceError) -> Int64 { Int64((table.partition.count ?? 1) * rowsPerTask) }

    func partitions(_ request: ReadRequest) async throws(SluiceError) -> SourceReadPlan {
        let count = request.table.partition.count ?? 1
        var partitions: [SourcePartition] = []
        partitions.reserveCapacity(count)
        for index in 0..<count {
            partitions.append(SourcePartition(read: try .json(kind: BenchConnectors.sourceKind, GenerateRead(partition: index, rows: rowsPerTask)),
                                              summary: "generated partition \(index)", estimatedRows: Int64(rowsPerTask)))
        }
        return SourceReadPlan(partitions: partitions)
    }

    func bind(_ task: TaskSpec) async -> BoundTask { BoundTask(task: task, view: nil) }
    func close() async {}
}

/// Bench only: the executor's side of ``GenerateSource``: one batch of int64 ids, every column the same.
struct GenerateReader: SourceReader {
    func read(_ read: ConnectorPayload, schema: Schema, options: ReadOptions,
              consume: (RecordBatch) throws(SluiceError) -> Void) throws(SluiceError) -> ReadStats {
        let spec = try read.decodeJSON(GenerateRead.self, kind: BenchConnectors.sourceKind)
        let first = Int64(spec.partition * spec.rows)
        var builders = schema.fields.map { ColumnBuilder(type: $0.type, capacity: spec.rows) }
        for id in first..<(first + Int64(spec.rows)) {
            for index in builders.indices { builders[index].append(id) }
        }
        try consume(try RecordBatch(schema: schema, columns: builders.indices.map { builders[$0].finish() }))
        return ReadStats(rows: UInt64(spec.rows))
    }
}

/// What a discarded task staged (kind `bench_discard`, JSON): its rows and the sum of their ids.
struct DiscardReceipt: Codable, Sendable {
    var task: UInt64
    var attempt: UInt32
    var rows: UInt64
    var idSum: Int64
}

/// Bench only: the executor's side of ``DiscardSink``: reads the task's shard to its end, counting the rows.
struct DiscardWriter: SinkWriter {
    func stage(_ batches: sending some BatchSource & Sendable, schema: Schema, for task: TaskSpec,
               into target: ConnectorPayload) async throws(SluiceError) -> SinkReceipt {
        var source = batches
        var rows: UInt64 = 0
        var idSum: Int64 = 0
        while let batch = try source.next() {
            rows += UInt64(batch.rowCount)
            if case .int64(let ids) = batch.columns[0].values { idSum &+= ids.reduce(0, &+) }
        }
        let receipt = DiscardReceipt(task: task.id, attempt: task.attempt, rows: rows, idSum: idSum)
        return SinkReceipt(rows: rows, payload: try .json(kind: BenchConnectors.sinkKind, receipt))
    }
}

/// What the bench's sink committed, for the checks after a round.
final class BenchLedger: Sendable {
    struct State {
        var committed: Set<UInt64> = []
        var duplicates = 0
        var rows: UInt64 = 0
        var idSum: Int64 = 0
    }

    let state = Mutex(State())
}

/// Bench only: a sink that commits by counting (no target, nothing stored) and keeps bookmarks in memory.
struct DiscardSink: Sink, BookmarkStore {
    let ledger: BenchLedger

    var summary: String { "bench_discard" }
    func check() async throws(SluiceError) -> String { "bench_discard" }
    var limits: SinkLimits { .unlimited }
    func bookmarkStore() -> any BookmarkStore { self }

    func target(for request: SinkTableRequest) throws(SluiceError) -> SinkTarget {
        SinkTarget(table: request.table.name, summary: "discarded", work: try .json(kind: BenchConnectors.sinkKind, [request.table.name]))
    }

    func prepare(_ target: SinkTarget) async throws(SluiceError) {}

    func commit(_ receipt: ConnectorPayload, into target: SinkTarget) async throws(SluiceError) -> UInt64 {
        let staged = try receipt.decodeJSON(DiscardReceipt.self, kind: BenchConnectors.sinkKind)
        ledger.state.withLock { state in
            if !state.committed.insert(staged.task).inserted { state.duplicates += 1 }
            state.rows += staged.rows
            state.idSum &+= staged.idSum
        }
        return staged.rows
    }

    func discard(_ receipt: ConnectorPayload, of target: SinkTarget) async {}
    func finish(_ target: SinkTarget) async throws(SluiceError) {}
    func cleanUp(_ target: SinkTarget, succeeded: Bool) async {}

    // BookmarkStore: nothing is kept between rounds.
    func prepare() async throws(SluiceError) {}
    func load(table: String) async throws(SluiceError) -> Bookmark? { nil }
    func save(_ bookmark: Bookmark) async throws(SluiceError) {}
    func fileLedger(table: String) async throws(SluiceError) -> FileLedger { .none }
    func recordFiles(_ files: [FileVersion], table: String, startingOver: Bool, runID: String) async throws(SluiceError) {}
    func forgetFiles(table: String, runID: String) async throws(SluiceError) {}
    func record(_ records: [RunRecord]) async throws(SluiceError) {}
    func history(table: String?, limit: Int) async throws(SluiceError) -> [RunRecord] { [] }
    func allBookmarks() async throws(SluiceError) -> [Bookmark] { [] }
}
