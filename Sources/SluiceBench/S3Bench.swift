import Dispatch
import Foundation
import Parquet
import ParquetSource
import S3
import SluiceConfig
import SluiceCore

/// `sluice-bench s3 --endpoint URL --bucket B --prefix P`: what the Parquet source does with a lake in a bucket, on one
/// thread, timed whole: list the prefix, then per file HEAD (the ETag check), the footer and every column chunk of
/// every row group by ranged GETs, decoded into column batches. Prints {rows, id_sum, files, seconds, cpu_seconds}.
/// Credentials from AWS_* in the environment. bench/s3 runs it beside pyarrow.
enum S3Bench {
    static func run(_ arguments: [String]) async throws {
        var endpoint = "", bucket = "", prefix = ""
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--endpoint": endpoint = iterator.next() ?? ""
            case "--bucket": bucket = iterator.next() ?? ""
            case "--prefix": prefix = iterator.next() ?? ""
            default: throw ParquetBench.BenchError("unknown argument \(argument)")
            }
        }
        let settings = ParquetSourceSettings(root: "s3://\(bucket)/\(prefix)", s3: S3EndpointSettings(endpoint: endpoint, addressing: "path"))
        let result = try await BlockingIO.run { () throws(SluiceError) -> [String: Double] in
            let start = DispatchTime.now(), cpu = ExtractBench.cpuSeconds()
            let store = try settings.store()
            let files = try store.list(under: "").filter { $0.key.hasSuffix(".parquet") }
            var rows = 0, idSum: Int64 = 0
            for file in files {
                let reader = try ParquetFileReader(input: try store.open(file))
                var batches = reader.batches()
                while let batch = try batches.next() {
                    rows += batch.rowCount
                    if let index = batch.schema.index(of: "id"), case .int64(let ids) = batch.columns[index].values {
                        for id in ids { idSum &+= id }
                    }
                }
            }
            return ["rows": Double(rows), "id_sum": Double(idSum), "files": Double(files.count),
                    "seconds": Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9,
                    "cpu_seconds": ExtractBench.cpuSeconds() - cpu]
        }
        // Integers stay integers in the JSON (the id sum is exact below 2^53).
        let text = "{" + result.sorted { $0.key < $1.key }.map { key, value in
            "\"\(key)\": " + (key == "seconds" || key == "cpu_seconds" ? String(value) : String(Int64(value)))
        }.joined(separator: ", ") + "}"
        print(text)
    }
}
