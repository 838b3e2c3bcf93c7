import Foundation
import Logging
import NIOConcurrencyHelpers
import SluiceCore
import Synchronization
import Testing

/// Runs `script` with python3 and returns its standard output without the final newline.
func runPython(_ script: String, arguments: [String] = [], environment: [String: String] = [:]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script] + arguments
    var env = ProcessInfo.processInfo.environment
    env.merge(environment) { $1 }
    process.environment = env
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw SluiceError(
            .internalError, "python3 exited with status \(process.terminationStatus)",
            underlying: String(decoding: errorData, as: UTF8.self))
    }
    var text = String(decoding: data, as: UTF8.self)
    if text.hasSuffix("\n") { text.removeLast() }
    return text
}

/// Runs `body`, failing with a clear error if it takes longer than `seconds`.
func withTimeout<T: Sendable>(
    _ seconds: Double, _ what: String = "operation", _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            throw SluiceError(.internalError, "\(what) did not finish within \(seconds) s")
        }
        let result = try await group.next()!
        group.cancelAll()
        return result
    }
}

/// A log handler that keeps records in memory, so tests can check what was logged (and what was not).
struct CapturingLogHandler: LogHandler {
    struct Record: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    final class Store: Sendable {
        private let records = Mutex<[Record]>([])
        func append(_ record: Record) { records.withLock { $0.append(record) } }
        var all: [Record] { records.withLock { $0 } }
        func with(message: String) -> [Record] { all.filter { $0.message == message } }
        /// Everything logged, flattened into one string, to search for things that must not be there.
        var text: String {
            all.map { record in
                record.message + " " + record.metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            }.joined(separator: "\n")
        }
    }

    let store: Store
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        store.append(Record(
            level: event.level, message: "\(event.message)",
            metadata: merged.mapValues { "\($0)" }))
    }

    static func logger(_ label: String = "test") -> (Logger, Store) {
        let store = Store()
        let logger = Logger(label: label) { _ in CapturingLogHandler(store: store) }
        return (logger, store)
    }
}
