import Foundation
import SluiceCore
import SluiceWire
import SluiceWireNIO
import Testing

/// An executor written in Python from docs/protocol.md alone (Interop/wire_peer.py) against the Swift
/// driver: proves the specification describes what the code does, byte for byte, including the HMACs.
@Suite("Python peer from the specification")
struct PythonInteropTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Interop/wire_peer.py").path

    /// A running python3 process whose standard output goes to a temporary file.
    final class PythonProcess: Sendable {
        let process: Process
        let outputPath: String

        init(arguments: [String], token: String) throws {
            outputPath = NSTemporaryDirectory() + "wire-peer-\(UUID().uuidString).jsonl"
            _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
            process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", PythonInteropTests.script] + arguments
            var environment = ProcessInfo.processInfo.environment
            environment["SLUICE_TOKEN"] = token
            process.environment = environment
            process.standardOutput = FileHandle(forWritingAtPath: outputPath)
        }

        /// Starts the process and waits for it to exit; returns its status and its output lines.
        func run() async throws -> (Int32, [String]) {
            let status: Int32 = try await withCheckedThrowingContinuation { continuation in
                process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
                do { try process.run() } catch { continuation.resume(throwing: error) }
            }
            let text = try String(contentsOfFile: outputPath, encoding: .utf8)
            try? FileManager.default.removeItem(atPath: outputPath)
            return (status, text.split(separator: "\n").map(String.init))
        }
    }

    /// Output lines as JSON objects.
    static func json(_ lines: [String]) throws -> [[String: Any]] {
        try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:] }
    }

    @Test("a Python executor built from the spec authenticates, decodes every field, and answers in kind")
    func pythonExecutor() async throws {
        let (logger, logs) = CapturingLogHandler.logger()
        let configuration = WireConfiguration(heartbeatInterval: .milliseconds(100), missedHeartbeats: 10)
        let server = try await WireServer.start(
            host: "127.0.0.1", port: 0, secret: LoopbackTests.secret, configuration: configuration, logger: logger)
        let python = try PythonProcess(arguments: ["\(server.port)", "python-üñï-🐍"], token: LoopbackTests.secretText + "\n")
        let text = "zählen ✓ 日本 🦀 \"quoted\"\n\ttab"
        let task = TaskSpec(
            id: 1 << 40, attempt: 2, runID: "run-\(text)", table: text, partitionIndex: 3, partitionCount: 8,
            read: ConnectorPayload(kind: "postgres-\(text)", bytes: Array("{\"query\":\"SELECT 1\"}".utf8) + [0, 1, 0xFE, 0xFF]),
            shardPath: "/staging/\(text)/part-3.parquet",
            related: [RelatedRead(table: "items-\(text)", read: ConnectorPayload(kind: "postgres", bytes: [9, 0, 0xFF]),
                                  shardPath: "/staging/items-\(text)/part-3.parquet")])
        let config = WireMessage.RunConfig(runID: "run-1", plan: "{\"source\":{\"text\":\"password: ${PGPASSWORD}\"},\"name\":\"\(text)\"}")

        let (received, pythonResult) = try await withTimeout(30, "python peer") {
            async let pythonRun = python.run()
            do {
                var connections = server.connections.makeAsyncIterator()
                let connection = try #require(await connections.next())
                #expect(connection.executorID == "python-üñï-🐍")
                #expect(connection.slots == 2)
                let received = try await connection.executeThenClose { inbound, outbound in
                    try await outbound.send(.runConfig(config))
                    try await outbound.send(.assignTask(task))
                    var received: [ExecutorMessage] = []
                    for try await message in inbound {
                        received.append(message)
                        if case .taskFailed = message {
                            // Let a few heartbeats go back and forth before ending.
                            try await Task.sleep(for: .milliseconds(350))
                            try await outbound.send(.shutdown(reason: "run finished ✓"))
                        }
                    }
                    return received
                }
                return (received, try await pythonRun)
            }
        }
        await server.close()

        let (status, output) = pythonResult
        #expect(status == 0, "python output: \(output)")
        let lines = try Self.json(output)
        let welcome = lines.first { $0["welcome"] != nil }?["welcome"] as? [String: Any]
        // The peer implements version 4 from docs/protocol.md (TASK_PROGRESS with its phase byte).
        #expect(welcome?["version"] as? Int == 4)
        #expect(welcome?["interval"] as? Int == 100)
        #expect(welcome?["timeout"] as? Int == 1000)
        let runConfig = lines.first { $0["runConfig"] != nil }?["runConfig"] as? [String: String]
        #expect(runConfig == ["runID": config.runID, "plan": config.plan])
        let decoded = try #require(lines.first { $0["task"] != nil }?["task"] as? [String: Any])
        #expect(decoded["id"] as? UInt64 == task.id)
        #expect(decoded["attempt"] as? Int == 2)
        #expect(decoded["partitionIndex"] as? Int == 3)
        #expect(decoded["partitionCount"] as? Int == 8)
        #expect(decoded["runID"] as? String == task.runID)
        #expect(decoded["table"] as? String == task.table)
        #expect(decoded["shardPath"] as? String == task.shardPath)
        #expect(decoded["readKind"] as? String == task.read.kind)
        #expect(decoded["readBytes"] as? [Int] == task.read.bytes.map(Int.init))
        let child = try #require((decoded["related"] as? [[String: Any]])?.first)
        #expect(child["table"] as? String == task.related[0].table)
        #expect(child["shardPath"] as? String == task.related[0].shardPath)
        #expect(child["readKind"] as? String == "postgres")
        #expect(child["readBytes"] as? [Int] == [9, 0, 255])
        #expect(lines.last?["shutdown"] as? String == "run finished ✓")

        // What Python encoded, decoded by Swift.
        let expectedResult = TaskResult(
            taskID: task.id, attempt: task.attempt, maxCursor: task.table,
            output: TaskOutput(
                table: task.table, rowsExtracted: 1000, rowsStaged: 999, rowsDeleted: 7, rowsDropped: 1, rowsFiltered: 5,
                quarantined: ["total ≥ 0": 2, "a": 1], nulledValues: [task.read.kind: UInt64(task.read.bytes.count), "": 0],
                shardPath: task.shardPath, shardBytes: 4096, receipt: ConnectorPayload(kind: "py-stage", bytes: task.read.bytes.reversed())),
            related: [TaskOutput(
                table: task.related[0].table, rowsExtracted: 10, rowsStaged: 9, rowsFiltered: 1, quarantined: ["parent": 1],
                shardPath: task.related[0].shardPath, shardBytes: 64, quarantinePath: task.related[0].shardPath + ".q",
                receipt: task.related[0].read)],
            extractMicroseconds: 2, loadMicroseconds: 3)
        let expectedFailure = TaskFailure(
            taskID: task.id, attempt: task.attempt,
            error: SluiceError(
                SluiceError.Code("py_error"), task.table,
                context: ErrorContext(file: task.runID, line: -7, table: task.table, row: 3, task: "\(task.table)#3"),
                retryable: true))
        #expect(received == [
            .taskProgress(.init(taskID: task.id, attempt: 2, rows: 3)),
            .taskResult(expectedResult),
            .taskFailed(expectedFailure),
            .shutdown(reason: "python peer done"),
        ])
        #expect(logs.with(message: "executor connection closed").count == 1, "a clean end: \(logs.text)")
    }

    @Test("the Python executor with the wrong secret is refused with authentication_failed")
    func pythonWrongSecret() async throws {
        let (logger, logs) = CapturingLogHandler.logger()
        let server = try await WireServer.start(host: "127.0.0.1", port: 0, secret: LoopbackTests.secret, logger: logger)
        let python = try PythonProcess(arguments: ["\(server.port)", "py"], token: "a-different-secret-of-enough-length")
        let (status, output) = try await withTimeout(30, "python peer") { try await python.run() }
        await server.close()
        let lines = try Self.json(output)
        #expect(status == 3)
        #expect(lines.first?["error"] as? Int == 4)
        #expect(lines.first?["message"] as? String
            == "authentication failed: the executor's proof does not match the driver's shared secret")
        #expect(logs.with(message: "executor handshake failed").first?.metadata["sluice.executor.id"] == "py")
    }
}
