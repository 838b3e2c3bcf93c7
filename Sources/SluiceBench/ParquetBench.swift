// `sluice-bench parquet --rows N --out DIR [--repeat K] [--batch-rows B]`
//
// Writes an orders-shaped table of N rows with Sluice's Parquet writer (snappy, dictionary on, page v1,
// defaults otherwise), reads it back, and prints one JSON object with the best time of K runs of each.
// bench/parquet runs pyarrow on the same file's data in the same run and writes bench/results/parquet.json.
import Foundation
import Parquet
import SluiceCore

enum ParquetBench {
    static func run(_ arguments: [String]) async throws {
        var rows = 1_000_000, repeats = 3, batchRows = 65_536
        var phases: Set<String> = ["write", "read"]
        var out = FileManager.default.temporaryDirectory.path
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--rows": rows = Int(iterator.next() ?? "") ?? rows
            case "--repeat": repeats = Int(iterator.next() ?? "") ?? repeats
            case "--batch-rows": batchRows = Int(iterator.next() ?? "") ?? batchRows
            case "--out": out = iterator.next() ?? out
            case "--phases": phases = Set((iterator.next() ?? "").split(separator: ",").map(String.init))   // profiling
            default: throw BenchError("unknown argument \(argument)")
            }
        }
        let batches = try OrdersTable.batches(rows: rows, batchRows: batchRows)
        let path = out + "/sluice-orders.parquet"
        var writeSeconds = Double.infinity, readSeconds = Double.infinity
        var writeCPU = Double.infinity, readCPU = Double.infinity
        var summary = ParquetWriteSummary(rows: 0, bytes: 0, rowGroups: 0)
        for _ in 0..<(phases.contains("write") ? repeats : 0) {
            let start = DispatchTime.now(), cpu = cpuSeconds()
            let writer = try ParquetFileWriter(path: path, schema: OrdersTable.schema)
            for batch in batches { try writer.write(batch) }
            summary = try writer.close()
            writeSeconds = min(writeSeconds, seconds(since: start))
            writeCPU = min(writeCPU, cpuSeconds() - cpu)
        }
        var readRows = rows
        for _ in 0..<(phases.contains("read") ? repeats : 0) {
            let start = DispatchTime.now(), cpu = cpuSeconds()
            let reader = try ParquetFileReader(path: path)
            var iterator = reader.batches()
            readRows = 0
            while let batch = try iterator.next() { readRows += batch.rowCount }
            readSeconds = min(readSeconds, seconds(since: start))
            readCPU = min(readCPU, cpuSeconds() - cpu)
        }
        if phases.contains("columns") {
            // Profiling aid: best-of CPU time to read each column alone.
            let reader = try ParquetFileReader(path: path)
            for field in OrdersTable.schema.fields {
                var best = Double.infinity
                for _ in 0..<repeats {
                    let cpu = cpuSeconds()
                    _ = try reader.readRowGroup(0, columns: [field.name])
                    best = min(best, cpuSeconds() - cpu)
                }
                FileHandle.standardError.write(Data("read \(field.name): \(best)\n".utf8))
            }
        }
        guard readRows == rows, summary.rows == rows || !phases.contains("write") else { throw BenchError("read \(readRows) rows, wrote \(summary.rows)") }
        let result: [String: Any] = [
            "rows": rows, "file": path, "bytes": summary.bytes, "row_groups": summary.rowGroups,
            "write_seconds": writeSeconds.isFinite ? writeSeconds : 0, "read_seconds": readSeconds.isFinite ? readSeconds : 0,
            "write_cpu_seconds": writeCPU.isFinite ? writeCPU : 0, "read_cpu_seconds": readCPU.isFinite ? readCPU : 0,
            "repeats": repeats, "batch_rows": batchRows,
        ]
        let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        FileHandle.standardOutput.write(json + Data("\n".utf8))
    }

    /// CPU time of the process (user + system): what the work cost, whatever else the machine runs.
    private static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    private static func seconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }
}

extension ParquetBench {
    struct BenchError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// The quickstart's orders, synthetic and deterministic: ids, customer ids, a decimal(12,2) amount,
    /// timestamps, low-cardinality strings and a nullable free-text note.
    enum OrdersTable {
        static let schema = Schema([
            Field(name: "order_id", type: .int64, nullable: false),
            Field(name: "customer_id", type: .int64, nullable: false),
            Field(name: "quantity", type: .int32, nullable: false),
            Field(name: "amount", type: .decimal(precision: 12, scale: 2), nullable: false),
            Field(name: "created_at", type: .timestamp, nullable: false),
            Field(name: "updated_at", type: .timestampTZ),
            Field(name: "status", type: .string, nullable: false),
            Field(name: "country", type: .string, nullable: false),
            Field(name: "note", type: .string),
        ])

        static let statuses = ["pending", "paid", "shipped", "delivered", "cancelled"]
        static let countries = ["DE", "FR", "US", "GB", "NL", "IT", "ES", "PL", "SE", "CH", "AT", "BE", "DK", "NO", "FI",
                                "PT", "IE", "CZ", "JP", "BR"]
        static let words = ["fast", "gift", "fragile", "call", "before", "delivery", "leave", "at", "door", "neighbour",
                            "weekend", "please", "box", "wrap", "thanks", "urgent", "invoice", "company", "backorder", "ok"]

        static func batches(rows: Int, batchRows: Int) throws -> [RecordBatch] {
            var rng = SplitMix64(seed: 42)
            var result: [RecordBatch] = []
            var start = 0
            let base: Int64 = 1_700_000_000_000_000
            while start < rows {
                let n = min(batchRows, rows - start)
                var ids = [Int64](), customers = [Int64](), quantities = [Int32](), amounts = [Int128]()
                var created = [Int64](), updated = [Int64](), updatedValid = [Bool]()
                var status = ByteArrays(), country = ByteArrays(), note = ByteArrays(), noteValid = [Bool]()
                ids.reserveCapacity(n); customers.reserveCapacity(n); quantities.reserveCapacity(n); amounts.reserveCapacity(n)
                created.reserveCapacity(n); updated.reserveCapacity(n); updatedValid.reserveCapacity(n)
                status.reserveCapacity(values: n, bytes: n * 8); country.reserveCapacity(values: n, bytes: n * 2)
                note.reserveCapacity(values: n, bytes: n * 24); noteValid.reserveCapacity(n)
                for k in 0..<n {
                    let row = Int64(start + k)
                    ids.append(row + 1)
                    customers.append(Int64(rng.next() % 100_000) + 1)
                    quantities.append(Int32(rng.next() % 10) + 1)
                    amounts.append(Int128(rng.next() % 10_000_000))
                    let t = base + row * 1_000_000 + Int64(rng.next() % 1_000_000)
                    created.append(t)
                    let hasUpdate = rng.next() % 4 != 0
                    updated.append(hasUpdate ? t + Int64(rng.next() % 86_400_000_000) : 0)
                    updatedValid.append(hasUpdate)
                    status.append(statuses[Int(rng.next() % UInt64(statuses.count))])
                    country.append(countries[Int(rng.next() % UInt64(countries.count))])
                    if rng.next() % 10 < 3 {
                        note.appendEmpty()
                        noteValid.append(false)
                    } else {
                        let count = Int(rng.next() % 4) + 1
                        var text = ""
                        for w in 0..<count {
                            if w > 0 { text += " " }
                            text += words[Int(rng.next() % UInt64(words.count))]
                        }
                        text += " #\(rng.next() % 100_000)"
                        note.append(text)
                        noteValid.append(true)
                    }
                }
                result.append(try RecordBatch(schema: schema, columns: [
                    Column(values: .int64(ids)), Column(values: .int64(customers)), Column(values: .int32(quantities)),
                    Column(values: .int128(amounts)), Column(values: .int64(created)),
                    Column(values: .int64(updated), validity: updatedValid),
                    Column(values: .bytes(status)), Column(values: .bytes(country)),
                    Column(values: .bytes(note), validity: noteValid),
                ]))
                start += n
            }
            return result
        }
    }
}
