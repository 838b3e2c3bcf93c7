enum ParquetBench { static func run(_ arguments: [String]) async throws { throw CancellationError() } }
