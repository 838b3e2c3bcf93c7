// `sluice-bench NAME [ARGS...]`: the Swift side of the benchmarks in bench/. Each bench script builds this
// in release mode, runs it beside its baseline and writes bench/results/NAME.json.
import Foundation

let benches: [String: @Sendable ([String]) async throws -> Void] = [
    "parquet": ParquetBench.run,
    "extract": ExtractBench.run,
    "transform": TransformBench.run,
    "load": LoadBench.run,
    "insert": InsertBench.run,
    "scheduler": SchedulerBench.run,
    "scheduler-executor": SchedulerExecutor.run,
    "s3": S3Bench.run,
]

let arguments = CommandLine.arguments.dropFirst()
guard let name = arguments.first, let bench = benches[name] else {
    FileHandle.standardError.write(Data("usage: sluice-bench \(benches.keys.sorted().joined(separator: "|")) [ARGS...]\n".utf8))
    exit(2)
}
do {
    try await bench(Array(arguments.dropFirst()))
} catch {
    FileHandle.standardError.write(Data("sluice-bench \(name): \(error)\n".utf8))
    exit(1)
}
