import Foundation
import PostgresSource
import SluiceCore

/// `sluice-bench extract --table T [--schema S] [--partition SQL]... [--batch-rows N] [--repeat R]`
///
/// Extracts the table from PostgreSQL (connection from PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD) into
/// column batches, one concurrent task per `--partition` predicate (none: one task for the whole table), and
/// drops the batches after counting them: no Parquet, so the figure is the extraction path alone. Prints one
/// JSON object per repetition with rows, seconds, CPU seconds, rows/s and the process's peak RSS so far.
enum ExtractBench {
    struct Options {
        var table = "orders"
        var schema: String? = nil
        var partitions: [String] = []
        var batchRows = CopyDecodeOptions().batchRowCount
        var repetitions = 1
    }

    /// User plus system CPU time of the whole process so far.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    static func parse(_ arguments: [String]) throws -> Options {
        var options = Options()
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { throw SluiceError(.invalidValue, "\(flag) needs a value") }
            switch flag {
            case "--table": options.table = value
            case "--schema": options.schema = value
            case "--partition": options.partitions.append(value)
            case "--batch-rows": options.batchRows = Int(value) ?? options.batchRows
            case "--repeat": options.repetitions = max(1, Int(value) ?? 1)
            default: throw SluiceError(.invalidValue, "unknown option \(flag)")
            }
        }
        return options
    }

    static func run(_ arguments: [String]) async throws {
        let options = try parse(arguments)
        let environment = ProcessInfo.processInfo.environment
        let config = PostgresConnectionConfig(
            host: environment["PGHOST"] ?? "127.0.0.1", port: Int(environment["PGPORT"] ?? "") ?? 5432,
            database: environment["PGDATABASE"] ?? "postgres", user: environment["PGUSER"] ?? "postgres",
            password: environment["PGPASSWORD"], sslMode: .disable, applicationName: "sluice-bench extract")
        let table = PostgresTableName(schema: options.schema, name: options.table)
        let columns = try await BlockingIO.run { () throws(SluiceError) -> [PostgresColumn] in
            try PostgresCatalog(PostgresConnection(config)).describe(table)
        }
        let fields = columns.compactMap(\.suggestedField)
        guard fields.count == columns.count else { throw SluiceError(.invalidValue, "table has columns the bench cannot map") }
        let schema = Schema(fields)
        let partitions: [PostgresPredicate?] = options.partitions.isEmpty ? [nil] : options.partitions.map { .sql($0) }
        let sources = try partitions.map { predicate throws(SluiceError) in
            try PostgresQuery(table: table, columns: columns, predicates: predicate.map { [$0] } ?? []).readSpec(snapshot: nil)
        }
        for _ in 0..<options.repetitions {
            let cpuBefore = cpuSeconds()
            let started = DispatchTime.now().uptimeNanoseconds
            let results = try await withThrowingTaskGroup(of: ExtractionStats.self) { group in
                for source in sources {
                    group.addTask {
                        try await PostgresExtractor.extract(
                            config: config, source: source, schema: schema,
                            options: CopyDecodeOptions(batchRowCount: options.batchRows, table: table.description)) { batch in
                            // Touch the batch so the work cannot be optimised away.
                            precondition(batch.rowCount > 0)
                        }
                    }
                }
                return try await group.reduce(into: [ExtractionStats]()) { $0.append($1) }
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            let rows = results.reduce(0) { $0 + $1.rows }
            let bytes = results.reduce(0) { $0 + $1.bytes }
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            let cpu = cpuSeconds() - cpuBefore
            let line = "{\"partitions\":\(sources.count),\"rows\":\(rows),\"bytes\":\(bytes),\"seconds\":\(seconds),"
                + "\"cpu_seconds\":\(cpu),\"rows_per_second\":\(Double(rows) / seconds),\"peak_rss_bytes\":\(Int(usage.ru_maxrss) * 1024)}"
            print(line)
        }
    }
}
