import ClickHouseSink
import Foundation
import SluiceCore

/// `sluice-bench insert [--rows N] [--batch-rows R] [--repeat K] [--compression none,lz4,zstd,zstd:3] [--url URL]
/// [--server-pid PID] [--database D] [--codec 1]`
///
/// Streams the same orders table as bench/extract (10 columns: ids, a status, decimals, a nullable double, two
/// timestamps, a nullable date and a nullable note) into ClickHouse through ``ClickHouseClient/insert`` once per
/// compression and repetition, interleaved (run 1: none, lz4, zstd; run 2: the same...), so that a busy moment of
/// the shared machine hurts every method alike. The batches are made once, before any timing, and the table is
/// dropped and created again, untimed, before each insert; each insert is checked by `count()` and `sum(id)`.
/// The database is dropped at the end.
///
/// Per insert: wall seconds, this process's CPU seconds (encoding, compression, libcurl) and, with
/// `--server-pid`, the ClickHouse server's CPU seconds (/proc/PID/stat: parsing, decompression, merge-free
/// writes); rows/s; Native bytes and bytes sent. Prints one JSON object. The server comes from SLUICE_CLICKHOUSE_URL,
/// SLUICE_CLICKHOUSE_USER and SLUICE_CH_PASSWORD; `--url` overrides the URL (bench/insert points it at a
/// bandwidth-limited proxy). `--codec 1` also times the body alone, without HTTP (``codecSeconds(batches:compression:)``).
enum InsertBench {
    struct Options {
        var rows = 1_000_000
        var batchRows = 65_536
        var repetitions = 5
        var compressions: [ClickHouseCompression] = [.none, .lz4, .zstd(level: 1)]
        var url: String?
        var serverPID: Int?
        var database = "sluice_bench_insert"
        var codec = false
    }

    static let schema = Schema([
        Field(name: "id", type: .int64, nullable: false),
        Field(name: "customer_id", type: .int32, nullable: false),
        Field(name: "status", type: .string, nullable: false),
        Field(name: "amount", type: .decimal(precision: 12, scale: 2), nullable: false),
        Field(name: "quantity", type: .int16, nullable: false),
        Field(name: "discount", type: .float64, nullable: true),
        Field(name: "created_at", type: .timestampTZ, nullable: false),
        Field(name: "updated_at", type: .timestamp, nullable: false),
        Field(name: "ship_date", type: .date, nullable: true),
        Field(name: "note", type: .string, nullable: true),
    ])

    static func parse(_ arguments: [String]) throws -> Options {
        var options = Options()
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { throw SluiceError(.invalidValue, "\(flag) needs a value") }
            switch flag {
            case "--rows": options.rows = Int(value) ?? options.rows
            case "--batch-rows": options.batchRows = max(1, Int(value) ?? options.batchRows)
            case "--repeat": options.repetitions = max(1, Int(value) ?? 1)
            case "--compression": options.compressions = try value.split(separator: ",").map { try compression(String($0)) }
            case "--url": options.url = value
            case "--server-pid": options.serverPID = Int(value)
            case "--database": options.database = value
            case "--codec": options.codec = value == "1" || value == "true"
            default: throw SluiceError(.invalidValue, "unknown option \(flag)")
            }
        }
        return options
    }

    /// `none`, `lz4`, `zstd` (level 1) or `zstd:LEVEL`.
    static func compression(_ text: String) throws -> ClickHouseCompression {
        switch text {
        case "none": return .none
        case "lz4": return .lz4
        case "zstd": return .zstd(level: ClickHouseCompression.defaultZstdLevel)
        default:
            if text.hasPrefix("zstd:"), let level = Int32(text.dropFirst(5)) { return .zstd(level: level) }
            throw SluiceError(.invalidValue, "unknown compression \(text)")
        }
    }

    /// The orders of bench/extract's seed query, row `g` (1-based) computed the same way.
    static func batches(rows: Int, batchRows: Int) -> [RecordBatch] {
        let statuses = ["new", "paid", "shipped", "delivered", "cancelled"]
        let start2020: Int64 = 1_577_836_800_000_000  // 2020-01-01 00:00:00 UTC in microseconds
        let day2020: Int32 = 18_262
        return stride(from: 1, through: rows, by: batchRows).map { first in
            let count = min(batchRows, rows - first + 1)
            var builders = schema.fields.map { ColumnBuilder(type: $0.type, capacity: count) }
            for g in Int64(first)..<Int64(first + count) {
                let customer = (g &* 7919) % 100_000
                builders[0].append(g)
                builders[1].append(Int32(customer))
                builders[2].append(string: statuses[Int(g % 5)])
                builders[3].append(Int128((g &* 104_729) % 10_000_000))
                builders[4].append(Int32(1 + g % 20))
                if g % 4 == 0 { builders[5].appendNull() } else { builders[5].append(Double(g % 100) / 400) }
                builders[6].append(start2020 + g * 13_000_000)
                builders[7].append(start2020 + g * 17_000_000 + g % 1000)
                if g % 3 == 0 { builders[8].appendNull() } else { builders[8].append(day2020 + Int32(g % 1500)) }
                if g % 10 < 3 { builders[9].appendNull() } else { builders[9].append(string: "order \(g) for customer \(customer)") }
            }
            return try! RecordBatch(schema: schema, columns: builders.indices.map { builders[$0].finish() })
        }
    }

    static func run(_ arguments: [String]) async throws {
        let options = try parse(arguments)
        let environment = ProcessInfo.processInfo.environment
        guard let url = options.url ?? environment["SLUICE_CLICKHOUSE_URL"] else {
            throw SluiceError(.invalidValue, "set SLUICE_CLICKHOUSE_URL (source the services env) or pass --url")
        }
        let batches = Self.batches(rows: options.rows, batchRows: options.batchRows)
        let expectedSum = options.rows * (options.rows + 1) / 2
        var results: [String: [[String: Any]]] = [:]
        for repetition in 1...options.repetitions {
            for compression in options.compressions {
                let config = ClickHouseConfig(url: url, user: environment["SLUICE_CLICKHOUSE_USER"] ?? "default",
                                              password: environment["SLUICE_CH_PASSWORD"], compression: compression)
                let client = ClickHouseClient(config: config)
                try await client.createDatabase(options.database)
                let definition = ClickHouseTableDefinition(database: options.database, name: "orders", columns: schema.fields, orderBy: ["id"],
                                                           partitionBy: .month(of: "created_at"))
                try await client.execute(ClickHouseDDL.dropTable(database: options.database, table: "orders"))
                try await client.createTable(definition)

                let serverBefore = options.serverPID.map(processCPUSeconds)
                let cpuBefore = ExtractBench.cpuSeconds()
                let started = ContinuousClock.now
                let summary = try await client.insert(database: options.database, table: "orders", schema: schema, from: BatchList(batches),
                                                      checkTable: false)
                let elapsed = ContinuousClock.now - started
                let cpu = ExtractBench.cpuSeconds() - cpuBefore
                let serverCPU = options.serverPID.map { processCPUSeconds($0) - (serverBefore ?? 0) }

                let check = try await client.rows("SELECT count(), sum(id) FROM \(ClickHouseSQL.qualifiedName(database: options.database, table: "orders"))")
                guard check == [[String(options.rows), String(expectedSum)]] else {
                    throw SluiceError(.invalidValue, "the server holds \(check), expected \(options.rows) rows summing to \(expectedSum)")
                }
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                var run: [String: Any] = [
                    "repetition": repetition, "seconds": seconds, "client_cpu_seconds": cpu, "rows_per_second": Double(options.rows) / seconds,
                    "native_bytes": summary.bytes, "sent_bytes": summary.sentBytes,
                ]
                if let serverCPU { run["server_cpu_seconds"] = serverCPU }
                results["\(compression)", default: []].append(run)
                FileHandle.standardError.write(Data(String(format: "[insert] run %d %@: %.3f s, client CPU %.3f s, server CPU %@ s, %d -> %d bytes\n",
                                                           repetition, "\(compression)", seconds, cpu,
                                                           serverCPU.map { String(format: "%.3f", $0) } ?? "?", summary.bytes, summary.sentBytes).utf8))
            }
        }
        // Leave nothing behind on the shared server.
        let cleanup = ClickHouseClient(config: ClickHouseConfig(url: url, user: environment["SLUICE_CLICKHOUSE_USER"] ?? "default",
                                                                password: environment["SLUICE_CH_PASSWORD"]))
        try await cleanup.execute(ClickHouseDDL.dropDatabase(options.database))
        var codec: [String: [String: Any]] = [:]
        for compression in options.compressions where options.codec {
            codec["\(compression)"] = try codecSeconds(batches: batches, compression: compression)
        }
        let output: [String: Any] = ["rows": options.rows, "batch_rows": options.batchRows, "url": url, "runs": results, "codec": codec]
        let json = try JSONSerialization.data(withJSONObject: output, options: [.sortedKeys])
        FileHandle.standardOutput.write(json + Data("\n".utf8))
    }

    /// The body alone, without HTTP or server, best of three: `body_seconds` to produce it (encode, compress, frame
    /// and checksum; what the client spends), and `decode_seconds` to verify and decompress it again with the same
    /// libraries ClickHouse uses (a stand-in for the server's share, which the shared server's CPU figures blur).
    static func codecSeconds(batches: [RecordBatch], compression: ClickHouseCompression) throws -> [String: Any] {
        var bodySeconds = Double.infinity, decodeSeconds = Double.infinity, sent = 0
        for _ in 0..<3 {
            let native = NativeInsertBody(encoder: ClickHouseNativeEncoder(schema: schema), batches: BatchList(batches))
            var level = ClickHouseCompression.defaultZstdLevel
            if case .zstd(let chosen) = compression { level = chosen }
            let compressed = try compression.method.map { try CompressedInsertBody(native: native, method: $0, level: level) }
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 512 << 10, alignment: 16)
            defer { buffer.deallocate() }
            var body: [UInt8] = []
            body.reserveCapacity(sent)  // the size of the previous round: the best of three grows no array
            let started = ExtractBench.cpuSeconds()
            while true {
                let count = try compressed?.fill(buffer) ?? native.fill(buffer)
                if count == 0 { break }
                body += buffer.prefix(count)
            }
            bodySeconds = min(bodySeconds, ExtractBench.cpuSeconds() - started)
            sent = body.count
            if compression.method != nil {
                let decodeStarted = ExtractBench.cpuSeconds()
                var offset = 0
                while offset < body.count {
                    let block = try body.withUnsafeBytes { try ClickHouseCompressedBlock.decode(UnsafeRawBufferPointer(rebasing: $0[offset...])) }
                    guard let block else { throw SluiceError(.invalidValue, "the body ends inside a block") }
                    offset += block.size
                }
                decodeSeconds = min(decodeSeconds, ExtractBench.cpuSeconds() - decodeStarted)
            }
        }
        FileHandle.standardError.write(Data(String(format: "[insert] body %@: %.3f s to produce %d bytes, %@ s to decode\n", "\(compression)",
                                                   bodySeconds, sent, decodeSeconds.isFinite ? String(format: "%.3f", decodeSeconds) : "-").utf8))
        var result: [String: Any] = ["body_seconds": bodySeconds, "sent_bytes": sent]
        if decodeSeconds.isFinite { result["decode_seconds"] = decodeSeconds }
        return result
    }

    /// User plus system CPU seconds of process `pid` so far (fields 14 and 15 of /proc/PID/stat, in clock ticks).
    static func processCPUSeconds(_ pid: Int) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return 0 }
        // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
