import Foundation
import Logging
import Parquet
import SluiceConfig
import SluiceCore
import SluiceExecutor
import SluicePipeline
import SluiceTestKit
import Testing

/// One task on an executor, with the fake source and sink: read, stages, Parquet shard, staging in the sink.
@Suite struct TaskRunnerTests {
    let world = FakeWorld()
    let directory = NSTemporaryDirectory() + "sluice-runner-" + UUID().uuidString
    let schema = Schema([Field(name: "id", type: .int64, nullable: false), Field(name: "born", type: .date),
                         Field(name: "updated_at", type: .timestampTZ, nullable: false),
                         Field(name: "_sluice_deleted", type: .boolean, nullable: false)])

    init() {
        var rows: [[Value]] = []
        for id in 1...10 {
            let born: Value = id == 3 ? .int(-5) : .int(Int64(10_000 + id))
            rows.append([Value.int(Int64(id)), born, Value.int(Int64(id) * 1_000_000), Value.boolean(id == 7)])
        }
        world.setTable("items", .init(columns: ["id", "born", "updated_at", "gone"], rows: rows))
    }

    /// A plan for `items`, partitioned `partitions` ways, born limited to 1970 and later (`born_policy`).
    func work(bornPolicy: OutOfRangePolicy = .setNull, keepShards: Bool = true, batchRows: Int = 4) throws -> RunWork {
        let rules = [TemporalRule(column: 1, name: "born", lower: 0, upper: 100_000, policy: bornPolicy)]
        let section = ConnectorSection(kind: "fake", file: "p.yaml", text: "source: {fake: {}}\nsink: {fake: {}}\n", path: ["source"], line: 1)
        let target = try FakeSink(world: world).target(for: SinkTableRequest(
            table: try table(), runID: "r1", replacesContents: false, stagedSchema: schema, cursorKind: .timestampTZ))
        return RunWork(runID: "r1", source: section, sink: section,
                       staging: StagingConfig(directory: directory, keepShards: keepShards), batchRows: batchRows,
                       tables: [TableWork(table: "items", transform: .identity(schema), stages: [.temporalBounds(rules)], cursor: "updated_at",
                                          cursorKind: .timestampTZ, specialValues: .fail, sink: target.work)])
    }

    func table() throws -> TableConfig {
        try PipelineLoader(environment: [:]).parse("""
            pipeline: p
            source: {fake: {}}
            sink: {fake: {}}
            staging: {directory: /tmp}
            tables:
              - name: items
                primary_key: [id]
                cursor: updated_at
                deleted_when: gone
                partition: {count: 2}
                columns:
                  - {name: id, type: int64, nullable: false}
                  - {name: born, type: date}
                  - {name: updated_at, type: timestamptz, nullable: false}
            """, file: "p.yaml").tables[0]
    }

    /// Task `index` of `items` as the driver would plan it (everything, deleted rows flagged).
    func task(_ index: Int, attempt: UInt32 = 1) async throws -> TaskSpec {
        let run = try await FakeSource(world: world).openRun(consistent: false)
        let partitions = try await run.partitions(ReadRequest(table: try table(), window: .everything, deletedRows: .flag,
                                                              schema: schema, cursorKind: .timestampTZ))
        return TaskSpec(id: UInt64(index + 1), attempt: attempt, runID: "r1", table: "items", partitionIndex: UInt32(index),
                        partitionCount: 2, read: partitions.partitions[index].read, shardPath: "\(directory)/r1/items/part-\(index).parquet")
    }

    func runner(_ work: RunWork, writer: (any SinkWriter)? = nil) -> TaskRunner {
        TaskRunner(work: work, reader: FakeReader(world: world), writer: writer ?? FakeWriter(world: world),
                   logger: Logger(label: "test"))
    }

    @Test func readsStagesWritesTheShardAndStagesItInTheSink() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let task = try await task(0)
        guard case .succeeded(let result) = await runner(try work()).run(task, progress: { _ in }) else {
            Issue.record("the task failed"); return
        }
        // Partition 0 holds rows 1, 3, 5, 7, 9 (every other row); row 3's date is before 1970, row 7 is deleted.
        #expect(result.rowsExtracted == 5 && result.rowsStaged == 5)
        #expect(result.nulledValues == ["born": 1])
        #expect(result.rowsDeleted == 1)
        #expect(result.maxCursor == "1970-01-01 00:00:09.000000Z")
        #expect(result.shardBytes > 0 && result.receipt.kind == "fake")
        // The shard holds what was staged, in the staged schema, readable by the Parquet reader.
        let shard = try ParquetFileReader(path: task.shardPath)
        #expect(shard.schema == schema)
        let batch = try shard.readRowGroup(0)
        #expect(batch.columns[0].values == .int64([1, 3, 5, 7, 9]))
        #expect(batch.columns[1].isNull(1))
        #expect(batch.columns[3].values == .boolean([false, false, false, true, false]))
        #expect(world.stagedOutputs == ["items/r1/t1a1"])
        #expect(!FileManager.default.fileExists(atPath: task.shardPath + ".attempt-1.tmp"))
    }

    @Test func aDroppedRowCountsAndNeverReachesTheShard() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        guard case .succeeded(let result) = await runner(try work(bornPolicy: .dropRow, keepShards: false)).run(try await task(0), progress: { _ in })
        else { Issue.record("the task failed"); return }
        #expect(result.rowsExtracted == 5 && result.rowsStaged == 4 && result.rowsDropped == 1)
        // The shard stays until the table loads: the driver deletes it then (keep_shards: false), or keeps it for a
        // resume when the table fails.
        #expect(FileManager.default.fileExists(atPath: result.shardPath), "the executor leaves the staged shard to the driver")
    }

    @Test func aValueTheSinkCannotHoldFailsWithoutRetryNamingTheRow() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let task = try await task(0)
        guard case .failed(let failure) = await runner(try work(bornPolicy: .fail)).run(task, progress: { _ in }) else {
            Issue.record("the task succeeded"); return
        }
        #expect(!failure.retryable)
        #expect(failure.error.code == .valueOutOfRange)
        #expect(failure.error.context.column == "born" && failure.error.context.row == 2 && failure.error.context.task == "items#0")
        #expect(world.stagedOutputs.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: task.shardPath + ".attempt-1.tmp"), "the partial shard is removed")
    }

    @Test func aBrokenReadFailsRetryablyAndStagesNothing() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        world.inject(.read(table: "items", partition: 1, times: 1, retryable: true))
        guard case .failed(let failure) = await runner(try work()).run(try await task(1), progress: { _ in }) else {
            Issue.record("the task succeeded"); return
        }
        #expect(failure.retryable && failure.error.code == .injectedFault)
        #expect(world.stagedOutputs.isEmpty)
        // The fault is used up: the next attempt succeeds.
        guard case .succeeded(let result) = await runner(try work()).run(try await task(1, attempt: 2), progress: { _ in }) else {
            Issue.record("the retry failed"); return
        }
        #expect(result.rowsStaged == 5)
    }

    @Test func aSinkThatStagesFewerRowsThanTheShardFailsTheTask() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        struct ShortWriter: SinkWriter {
            func stage(_ batches: sending some BatchSource & Sendable, schema: Schema, for task: TaskSpec,
                       into target: ConnectorPayload) async throws(SluiceError) -> SinkReceipt {
                SinkReceipt(rows: 1, payload: .none)
            }
        }
        guard case .failed(let failure) = await runner(try work(), writer: ShortWriter()).run(try await task(0), progress: { _ in }) else {
            Issue.record("the task succeeded"); return
        }
        #expect(failure.error.message.contains("staged 1 of the shard's 5 rows"))
    }

    @Test func aTaskOfATableTheRunDoesNotHaveIsRefused() async throws {
        var task = try await task(0)
        task.table = "ghost"
        guard case .failed(let failure) = await runner(try work()).run(task, progress: { _ in }) else {
            Issue.record("the task succeeded"); return
        }
        #expect(failure.error.code == .invalidRunPlan && !failure.retryable)
    }
}
