import ClickHouseSink
import Foundation
import Logging
import SluiceConfig
import SluiceCore
import SluiceExecutor
import SluicePipeline

// `sluice-bench load --config PIPELINE --table T --shards DIR --database DB [--workers N]`: loads a run's staged
// Parquet shards of table T into a fresh clean table DB.T the way executors and the driver do (per shard:
// ClickHouseStageWriter streams it into a staging table, ClickHouseWarehouse commits it; then the table finishes),
// with N shards loading at once (N executors with one slot each). Prints one JSON object: rows, wall and CPU
// seconds of this process. bench/load runs it beside clickhouse-client.
enum LoadBench {
    static func run(_ arguments: [String]) async throws {
        var config = "", table = "", shards = "", database = "", workers = 2
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--config": config = iterator.next() ?? ""
            case "--table": table = iterator.next() ?? ""
            case "--shards": shards = iterator.next() ?? ""
            case "--database": database = iterator.next() ?? ""
            case "--workers": workers = Int(iterator.next() ?? "") ?? workers
            default: throw ParquetBench.BenchError("unknown argument \(argument)")
            }
        }
        let pipeline = try PipelineLoader().load(path: config)
        guard let tableConfig = pipeline.table(named: table) else { throw ParquetBench.BenchError("no table \(table) in \(config)") }
        var settings = try pipeline.sink.decode(ClickHouseSettings.self)
        settings.database = database
        settings.curatedLayer = false
        let files = try FileManager.default.contentsOfDirectory(atPath: shards).filter { $0.hasSuffix(".parquet") }.sorted()
            .map { shards + "/" + $0 }
        guard let first = files.first else { throw ParquetBench.BenchError("no shards in \(shards)") }

        let logger = Logger(label: "sluice-bench")
        let warehouse = try ClickHouseWarehouse(settings: settings, logger: logger)
        let writer = try ClickHouseStageWriter(settings: settings, logger: logger)
        try await warehouse.client.execute(ClickHouseDDL.dropDatabase(database))
        let runID = "bench-\(UInt32.random(in: 0...UInt32.max))"
        let target = try warehouse.target(for: SinkTableRequest(
            table: tableConfig, runID: runID, replacesContents: false, stagedSchema: try ShardBatchSource(path: first).schema,
            cursorKind: nil))
        try await warehouse.prepare(target)

        let queue = ShardQueue(files)
        let tableName = table
        let cpuBefore = TransformBench.cpuSeconds()
        let start = DispatchTime.now()
        let loaded = try await withThrowingTaskGroup(of: UInt64.self) { group in
            for _ in 0..<max(1, workers) {
                group.addTask {
                    var rows: UInt64 = 0
                    while let (index, path) = await queue.next() {
                        let source = try ShardBatchSource(path: path)
                        let schema = source.schema
                        let task = TaskSpec(id: UInt64(index), attempt: 1, runID: runID, table: tableName, partitionIndex: UInt32(index),
                                            partitionCount: UInt32(files.count), read: .none, shardPath: path)
                        let receipt = try await writer.stage(source, schema: schema, for: task, into: target.work)
                        rows += try await warehouse.commit(receipt.payload, into: target)
                    }
                    return rows
                }
            }
            return try await group.reduce(0, +)
        }
        try await warehouse.finish(target)
        await warehouse.cleanUp(target, succeeded: true)
        let seconds = TransformBench.seconds(since: start)
        let cpu = TransformBench.cpuSeconds() - cpuBefore
        let held = try await warehouse.client.value("SELECT count() FROM \(ClickHouseSQL.qualifiedName(database: database, table: tableConfig.target))")
        guard held == String(loaded) else { throw ParquetBench.BenchError("ClickHouse holds \(held ?? "?") rows, the load committed \(loaded)") }
        let result: [String: Any] = ["rows": loaded, "shards": files.count, "workers": workers, "seconds": seconds, "cpu_seconds": cpu]
        FileHandle.standardOutput.write(try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]) + Data("\n".utf8))
    }
}

/// The shards still to load, handed out one at a time.
actor ShardQueue {
    private var files: [String]
    private var index = 0

    init(_ files: [String]) { self.files = files }

    func next() -> (Int, String)? {
        guard index < files.count else { return nil }
        defer { index += 1 }
        return (index, files[index])
    }
}
