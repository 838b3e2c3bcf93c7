// `sluice-bench transform --dir DIR [--rows N] [--repeat K] [--phases generate,project,reconcile]`
//
// The executor's transform work on its own, over Parquet files that DuckDB reads too (bench/transform):
//   - generate: writes DIR/orders.parquet (the parquet bench's orders, N rows) and, for the reconciliation,
//     DIR/recon_orders.parquet (N orders with a decimal total) and DIR/recon_items.parquet (1 to 5 items per
//     order, about 3N); every 997th order's total is off by 0.01, so the rule fails for about N/997 orders;
//   - project: reads orders.parquet and runs the real ``TransformStage`` (planned from YAML by
//     ``TransformPlanner``, exactly as an executor does) with 10 derived columns and a filter; writes what it
//     produced once to DIR/sluice_projection.parquet for the agreement check;
//   - reconcile: reads both files and runs the real ``Reconciliation`` (sum(amount) over each order's items =
//     total, tolerance 0), as a co-partitioned task does; prints the failing orders' count and id sum.
// Prints one JSON object: best and all wall and CPU times per phase.
import Foundation
import Parquet
import SluiceConfig
import SluiceCore
import SluicePipeline

enum TransformBench {
    /// The projection: ten expressions over the orders and a filter (both sides run exactly these texts; bench/transform
    /// reads them from this JSON so that DuckDB's query cannot drift from Sluice's).
    static let expressions: [(name: String, type: String, text: String)] = [
        ("gross", "decimal(22,2)", "amount * quantity"),
        ("with_vat", "decimal(14,2)", "CAST(amount * 1.19 AS decimal(14,2))"),
        ("net_after_fee", "decimal(14,2)", "amount - 2.50"),
        ("size", "string", "CASE WHEN amount >= 50000 THEN 'large' WHEN amount >= 10000 THEN 'medium' ELSE 'small' END"),
        ("country_lower", "string", "lower(country)"),
        ("label", "string", "concat(upper(status), '/', country)"),
        ("note_length", "int64", "length(note)"),
        ("note_clean", "string", "replace(coalesce(note, ''), 'please', 'pls')"),
        ("month", "timestamp", "date_trunc('month', created_at)"),
        ("hour", "int64", "extract(hour FROM created_at)"),
    ]
    static let filter = "quantity > 1 AND status <> 'cancelled'"

    static func run(_ arguments: [String]) async throws {
        var rows = 1_000_000, repeats = 5
        var phases: Set<String> = ["generate", "project", "reconcile"]
        var directory = FileManager.default.temporaryDirectory.path
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--rows": rows = Int(iterator.next() ?? "") ?? rows
            case "--repeat": repeats = Int(iterator.next() ?? "") ?? repeats
            case "--dir": directory = iterator.next() ?? directory
            case "--phases": phases = Set((iterator.next() ?? "").split(separator: ",").map(String.init))
            default: throw ParquetBench.BenchError("unknown argument \(argument)")
            }
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var result: [String: Any] = [
            "rows": rows, "repeats": repeats, "filter": filter,
            "expressions": expressions.map { ["name": $0.name, "type": $0.type, "text": $0.text] },
        ]
        if phases.contains("generate") {
            try generate(rows: rows, directory: directory)
        }
        if phases.contains("project") {
            result["project"] = try project(directory: directory, repeats: repeats)
        }
        if phases.contains("reconcile") {
            result["reconcile"] = try reconcile(directory: directory, repeats: repeats)
        }
        let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        FileHandle.standardOutput.write(json + Data("\n".utf8))
    }

    // MARK: data

    static let reconOrders = Schema([
        Field(name: "order_id", type: .int64, nullable: false),
        Field(name: "customer_id", type: .int64, nullable: false),
        Field(name: "total", type: .decimal(precision: 12, scale: 2), nullable: false),
    ])
    static let reconItems = Schema([
        Field(name: "item_id", type: .int64, nullable: false),
        Field(name: "order_id", type: .int64, nullable: false),
        Field(name: "amount", type: .decimal(precision: 12, scale: 2), nullable: false),
    ])

    static func generate(rows: Int, directory: String) throws {
        let writer = try ParquetFileWriter(path: directory + "/orders.parquet", schema: ParquetBench.OrdersTable.schema)
        for batch in try ParquetBench.OrdersTable.batches(rows: rows, batchRows: 65_536) { try writer.write(batch) }
        _ = try writer.close()

        var rng = SplitMix64(seed: 7)
        let orders = try ParquetFileWriter(path: directory + "/recon_orders.parquet", schema: reconOrders)
        let items = try ParquetFileWriter(path: directory + "/recon_items.parquet", schema: reconItems)
        var itemID: Int64 = 0
        var start = 0
        while start < rows {
            let n = min(65_536, rows - start)
            var orderIDs = [Int64](), customers = [Int64](), totals = [Int128]()
            var itemIDs = [Int64](), itemOrders = [Int64](), amounts = [Int128]()
            for k in 0..<n {
                let order = Int64(start + k + 1)
                var total: Int128 = 0
                for _ in 0..<(Int(rng.next() % 5) + 1) {
                    itemID += 1
                    let amount = Int128(rng.next() % 100_000) + 1
                    itemIDs.append(itemID); itemOrders.append(order); amounts.append(amount)
                    total += amount
                }
                orderIDs.append(order)
                customers.append(Int64(rng.next() % 100_000) + 1)
                totals.append(order % 997 == 0 ? total + 1 : total)
            }
            try orders.write(try RecordBatch(schema: reconOrders, columns: [
                Column(values: .int64(orderIDs)), Column(values: .int64(customers)), Column(values: .int128(totals)),
            ]))
            try items.write(try RecordBatch(schema: reconItems, columns: [
                Column(values: .int64(itemIDs)), Column(values: .int64(itemOrders)), Column(values: .int128(amounts)),
            ]))
            start += n
        }
        _ = try orders.close()
        _ = try items.close()
    }

    // MARK: projection

    /// The orders table as a pipeline declares it: every source column kept, the ten expressions derived.
    static func projectionStage() throws -> TransformStage {
        func quoted(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
        var columns = ParquetBench.OrdersTable.schema.fields.map { field in
            "      - {name: \(field.name), type: \(quoted(field.type.description)), nullable: \(field.nullable)}"
        }
        columns += expressions.map { "      - {name: \($0.name), type: \(quoted($0.type)), expression: \(quoted($0.text))}" }
        let text = """
        pipeline: bench
        source: {postgres: {host: h, database: d, user: u}}
        sink: {clickhouse: {url: "http://c"}}
        staging: {directory: /tmp/s}
        tables:
          - name: orders
            primary_key: [order_id]
            cursor: created_at
            filter: \(quoted(filter))
            columns:
        \(columns.joined(separator: "\n"))
        """
        let table = try PipelineLoader(environment: [:]).parse(text, file: "bench.yaml").tables[0]
        let source = SourceTable(cursorKind: .timestamp, name: "orders", fields: ParquetBench.OrdersTable.schema.fields.map {
            SourceField(name: $0.name, sourceType: $0.type.description, type: $0.type, nullable: $0.nullable)
        })
        let plan = try TransformPlanner.plan(table, source: source, rejected: .exclude)
        return try TransformStage(spec: plan.spec, table: "orders", cursor: table.cursor, runStartedAt: 1_700_000_000_000_000)
    }

    static func project(directory: String, repeats: Int) throws -> [String: Any] {
        let stage = try projectionStage()
        let input = stage.spec.input
        let path = directory + "/orders.parquet"
        var walls: [Double] = [], cpus: [Double] = [], stageWalls: [Double] = []
        var kept = 0, filtered: UInt64 = 0
        for attempt in 0..<repeats {
            let start = DispatchTime.now(), cpu = cpuSeconds()
            var stageSeconds = 0.0
            let reader = try ParquetFileReader(path: path)
            var iterator = reader.batches(columns: input.fields.map(\.name))
            var context = StageContext()
            var outputs: [RecordBatch] = []
            kept = 0
            while let batch = try iterator.next() {
                let stageStart = DispatchTime.now()
                let output = try stage.apply(try RecordBatch(schema: input, columns: batch.columns), context: &context)
                stageSeconds += seconds(since: stageStart)
                kept += output.rowCount
                if attempt == 0 { outputs.append(output) }
            }
            filtered = context.stats.filteredRows
            walls.append(seconds(since: start))
            cpus.append(cpuSeconds() - cpu)
            stageWalls.append(stageSeconds)
            if attempt == 0 {
                let writer = try ParquetFileWriter(path: directory + "/sluice_projection.parquet", schema: stage.spec.outputSchema)
                for output in outputs { try writer.write(output) }
                _ = try writer.close()
            }
        }
        return ["seconds": walls, "cpu_seconds": cpus, "stage_seconds": stageWalls, "rows_kept": kept,
                "rows_filtered": filtered, "output": directory + "/sluice_projection.parquet"]
    }

    // MARK: reconciliation

    static func reconcile(directory: String, repeats: Int) throws -> [String: Any] {
        let validation = ReconcileSpec(name: "items_add_up", child: "items", sum: ExpressionText(text: "amount"),
                                       aggregate: "sum(amount)", equals: ExpressionText(text: "total"), tolerance: "0",
                                       action: .quarantine)
        let parentColumns = ["order_id", "total"], childColumns = ["order_id", "amount"]
        let parent = Schema(reconOrders.fields.filter { parentColumns.contains($0.name) })
        let child = Schema(reconItems.fields.filter { childColumns.contains($0.name) })
        var walls: [Double] = [], cpus: [Double] = []
        var failing = 0, failingIDSum: Int64 = 0, items = 0
        for _ in 0..<repeats {
            let start = DispatchTime.now(), cpu = cpuSeconds()
            var reconciliation = try Reconciliation(validation, parent: parent, child: child, runStartedAt: 0)
            var keys = ParentKeys()
            var orders = try ParquetFileReader(path: directory + "/recon_orders.parquet").batches(columns: parentColumns)
            while let batch = try orders.next() {
                let slots = keys.slots(inserting: batch.columns[0])
                try reconciliation.addParents(try RecordBatch(schema: parent, columns: batch.columns), slots: slots,
                                              live: [Bool](repeating: true, count: batch.rowCount))
            }
            var children = try ParquetFileReader(path: directory + "/recon_items.parquet").batches(columns: childColumns)
            items = 0
            while let batch = try children.next() {
                let slots = keys.slots(of: batch.columns[0])
                try reconciliation.addChildren(try RecordBatch(schema: child, columns: batch.columns), slots: slots,
                                               live: [Bool](repeating: true, count: batch.rowCount))
                items += batch.rowCount
            }
            let failures = reconciliation.failures()
            walls.append(seconds(since: start))
            cpus.append(cpuSeconds() - cpu)
            failing = failures.count
            failingIDSum = failures.reduce(0) { sum, failure in
                if case .integer(let id) = keys.key(failure.slot) { return sum + id }
                return sum
            }
        }
        return ["seconds": walls, "cpu_seconds": cpus, "items": items, "failing_orders": failing,
                "failing_order_id_sum": failingIDSum]
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    static func seconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }
}
