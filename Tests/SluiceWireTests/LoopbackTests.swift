import Glibc
import Logging
import NIOCore
import SluiceCore
import SluiceWire
import SluiceWireNIO
import Testing

/// The transport over real loopback TCP: a WireServer and DriverConnection clients.
@Suite("Loopback TCP")
struct LoopbackTests {
    static let secretText = "s3cr3t-token-for-loopback-tests-0123456789"
    static let secret = try! WireSecret(text: secretText)
    /// Short heartbeats so failures show up quickly.
    static let fast = WireConfiguration(heartbeatInterval: .milliseconds(100), missedHeartbeats: 3, handshakeTimeout: .seconds(5))
    /// For tests about something else than heartbeats, on a machine that may be busy.
    /// Timing for tests whose subject is not the heartbeat: generous, because the whole test suite runs in
    /// parallel on two cores and a starved event loop must not look like a dead peer.
    static let relaxed = WireConfiguration(heartbeatInterval: .seconds(1), missedHeartbeats: 20, handshakeTimeout: .seconds(20))

    enum Outcome: Sendable {
        case executor(id: String, received: [DriverMessage])
        case driver(id: String, received: [ExecutorMessage])
    }

    @Test("two executors authenticate, receive the run configuration and tasks, report results, and shut down cleanly")
    func twoExecutors() async throws {
        let (logger, logs) = CapturingLogHandler.logger()
        let server = try await WireServer.start(host: "127.0.0.1", port: 0, secret: Self.secret, configuration: Self.relaxed, logger: logger)
        #expect(server.port > 0)
        let outcomes = try await withTimeout(20, "two executors") {
            try await withThrowingTaskGroup(of: Outcome.self) { group in
                for id in ["exec-a", "exec-ü"] {
                    group.addTask { try await Self.runExecutor(id: id, port: server.port, logger: logger) }
                }
                var accepted = 0
                for await connection in server.connections {
                    #expect(connection.slots == 3)
                    #expect(connection.heartbeatInterval == Self.relaxed.heartbeatInterval)
                    group.addTask { try await Self.runDriverSide(connection) }
                    accepted += 1
                    if accepted == 2 { break }
                }
                var outcomes: [Outcome] = []
                for try await outcome in group { outcomes.append(outcome) }
                return outcomes
            }
        }
        await server.close()

        #expect(outcomes.count == 4)
        for outcome in outcomes {
            switch outcome {
            case .executor(let id, let received):
                #expect(received == [
                    .runConfig(.init(runID: "run-1", plan: "tables: [\(id)]\n")),
                    .assignTask(Fixtures.taskSpec(id)),
                    .shutdown(reason: "run finished"),
                ])
            case .driver(let id, let received):
                #expect(received == [
                    .taskProgress(.init(taskID: 42, attempt: 3, rows: 500)),
                    .taskResult(Fixtures.taskResult(id)),
                    .taskFailed(Fixtures.taskFailure(id)),
                ])
            }
        }
        let authenticated = logs.with(message: "executor authenticated")
        #expect(Set(authenticated.compactMap { $0.metadata["sluice.executor.id"] }) == ["exec-a", "exec-ü"])
        #expect(authenticated.allSatisfy { $0.metadata["sluice.wire.session.id"]?.count == 16 })
        #expect(logs.with(message: "connected to driver").count == 2)
        #expect(!logs.text.contains(Self.secretText), "the secret never reaches the logs")
    }

    /// An executor that answers each task with progress, a result and a failure, until SHUTDOWN.
    static func runExecutor(id: String, port: Int, logger: Logger) async throws -> Outcome {
        let connection = try await DriverConnection.connect(
            host: "127.0.0.1", port: port, secret: secret, executorID: id, slots: 3, logger: logger)
        #expect(connection.executorID == id)
        #expect(connection.heartbeatTimeout == .seconds(20))
        let received = try await connection.executeThenClose { inbound, outbound in
            var received: [DriverMessage] = []
            for try await message in inbound {
                received.append(message)
                if case .assignTask(let task) = message {
                    try await outbound.send(.taskProgress(.init(taskID: task.id, attempt: task.attempt, rows: 500)))
                    // Long enough for several heartbeats to pass while the session is idle.
                    try await Task.sleep(for: .milliseconds(1200))
                    try await outbound.send(.taskResult(Fixtures.taskResult(id)))
                    try await outbound.send(.taskFailed(Fixtures.taskFailure(id)))
                }
            }
            return received
        }
        #expect(connection.failure == nil)
        return .executor(id: id, received: received)
    }

    /// The driver's side: configuration, one task, then SHUTDOWN after the failure report.
    static func runDriverSide(_ connection: ExecutorConnection) async throws -> Outcome {
        let id = connection.executorID
        let received = try await connection.executeThenClose { inbound, outbound in
            try await outbound.send(contentsOf: [
                .runConfig(.init(runID: "run-1", plan: "tables: [\(id)]\n")),
                .assignTask(Fixtures.taskSpec(id)),
            ])
            var received: [ExecutorMessage] = []
            for try await message in inbound {
                received.append(message)
                if case .taskFailed = message { try await outbound.send(.shutdown(reason: "run finished")) }
            }
            return received
        }
        #expect(connection.failure == nil)
        return .driver(id: id, received: received)
    }

    @Test("a wrong secret is refused with a clear error on both sides, and the server goes on")
    func wrongSecret() async throws {
        let (logger, logs) = CapturingLogHandler.logger()
        let server = try await WireServer.start(host: "127.0.0.1", port: 0, secret: Self.secret, configuration: Self.relaxed, logger: logger)
        let wrongText = "the-wrong-secret-but-long-enough-000"
        let error = await #expect(throws: SluiceError.self) {
            _ = try await DriverConnection.connect(
                host: "127.0.0.1", port: server.port, secret: try WireSecret(text: wrongText), executorID: "intruder",
                slots: 1, logger: logger)
        }
        #expect(error?.code == .wireAuthenticationFailed)
        #expect(error?.message == "the driver closed the connection with ERROR authentication_failed")
        #expect(error?.underlying == "authentication failed: the executor's proof does not match the driver's shared secret")

        let failures = logs.with(message: "executor handshake failed")
        #expect(failures.count == 1)
        #expect(failures.first?.level == .warning)
        #expect(failures.first?.metadata["sluice.executor.id"] == "intruder")
        #expect(failures.first?.metadata["sluice.error.code"] == "wire_authentication_failed")
        #expect(failures.first?.metadata["sluice.error"]?.contains("executor \"intruder\" failed authentication") == true)
        #expect(logs.with(message: "driver handshake failed").first?.metadata["sluice.error.code"] == "wire_authentication_failed")

        // The refused executor never appears; the next good one does.
        try await withTimeout(10, "good executor after a refused one") {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    let good = try await DriverConnection.connect(
                        host: "127.0.0.1", port: server.port, secret: Self.secret, executorID: "good", slots: 1, logger: logger)
                    await good.close()
                }
                var iterator = server.connections.makeAsyncIterator()
                let first = await iterator.next()
                #expect(first?.executorID == "good")
                await first?.close()
                try await group.waitForAll()
            }
        }
        await server.close()
        #expect(!logs.text.contains(Self.secretText))
        #expect(!logs.text.contains(wrongText))
    }

    @Test("a connection's inbound messages can be iterated only once; a second loop throws instead of crashing")
    func singleConsumer() async throws {
        let (logger, _) = CapturingLogHandler.logger()
        let server = try await WireServer.start(host: "127.0.0.1", port: 0, secret: Self.secret, configuration: Self.relaxed, logger: logger)
        let port = server.port
        try await withTimeout(10, "single consumer") {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    let connection = try await DriverConnection.connect(
                        host: "127.0.0.1", port: port, secret: Self.secret, executorID: "once", slots: 1, logger: logger)
                    try await connection.executeThenClose { inbound, outbound in
                        try await outbound.send(.taskProgress(.init(taskID: 1, attempt: 1, rows: 1)))
                        for try await _ in inbound {}
                    }
                }
                var connections = server.connections.makeAsyncIterator()
                let connection = try #require(await connections.next())
                try await connection.executeThenClose { inbound, _ in
                    for try await _ in inbound { break }
                    let error = await #expect(throws: SluiceError.self) { for try await _ in inbound {} }
                    #expect(error?.code == .wireConnectionClosed)
                }
                // A second scope on the same connection is refused too.
                let again = await #expect(throws: SluiceError.self) { try await connection.executeThenClose { _, _ in } }
                #expect(again?.message == "this connection is already in use (executeThenClose was called before)")
                try await group.waitForAll()
            }
        }
        await server.close()
    }

    @Test("a message over the frame limit is refused on send, a batch holding one sends nothing, the session goes on")
    func oversizedSend() async throws {
        let (logger, _) = CapturingLogHandler.logger()
        let configuration = WireConfiguration(
            maxFrameSize: 100_000, heartbeatInterval: Self.relaxed.heartbeatInterval,
            missedHeartbeats: Self.relaxed.missedHeartbeats)
        let server = try await WireServer.start(host: "127.0.0.1", port: 0, secret: Self.secret, configuration: configuration, logger: logger)
        let port = server.port
        let huge = DriverMessage.runConfig(.init(runID: "r", plan: String(repeating: "y", count: 200_000)))
        let task = DriverMessage.assignTask(Fixtures.taskSpec("t"))
        let received = try await withTimeout(10, "oversized send") {
            try await withThrowingTaskGroup(of: [DriverMessage].self) { group in
                group.addTask {
                    let connection = try await DriverConnection.connect(
                        host: "127.0.0.1", port: port, secret: Self.secret, executorID: "small", slots: 1,
                        configuration: configuration, logger: logger)
                    return try await connection.executeThenClose { inbound, _ in
                        var received: [DriverMessage] = []
                        for try await message in inbound { received.append(message) }
                        return received
                    }
                }
                var connections = server.connections.makeAsyncIterator()
                let connection = try #require(await connections.next())
                try await connection.executeThenClose { _, outbound in
                    let single = await #expect(throws: SluiceError.self) { try await outbound.send(huge) }
                    #expect(single?.code == .wireFrameTooLarge)
                    #expect(single?.message == "RUN_CONFIG message of 200009 bytes exceeds the frame limit of 100000 bytes")
                    let batch = await #expect(throws: SluiceError.self) { try await outbound.send(contentsOf: [task, huge]) }
                    #expect(batch?.code == .wireFrameTooLarge)
                    try await outbound.send(contentsOf: [task])
                    try await outbound.send(.shutdown(reason: "done"))
                }
                return try await group.next()!
            }
        }
        #expect(received == [task, .shutdown(reason: "done")])
        await server.close()
    }

    @Test("connecting to a port nobody listens on fails with wire_connect_failed")
    func connectFailure() async throws {
        let (logger, _) = CapturingLogHandler.logger()
        // A socket bound but not listening holds a port no other (parallel) test can take, and refuses
        // connections to it.
        let holder = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(holder) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(holder, raw, length) == 0 && getsockname(holder, raw, &length) == 0
            }
        }
        #expect(bound)
        let port = Int(UInt16(bigEndian: address.sin_port))
        let error = await #expect(throws: SluiceError.self) {
            _ = try await DriverConnection.connect(
                host: "127.0.0.1", port: port, secret: Self.secret, executorID: "e", slots: 1, logger: logger)
        }
        #expect(error?.code == .wireConnectFailed)
        #expect(error?.message == "cannot connect to the driver at 127.0.0.1:\(port)")
    }

    @Test("bad arguments are refused before any connection is made")
    func badArguments() async throws {
        let (logger, _) = CapturingLogHandler.logger()
        for (id, slots) in [("", 1), ("ok", 0), ("bad\nid", 1), (String(repeating: "x", count: 300), 1)] {
            let error = await #expect(throws: SluiceError.self) {
                _ = try await DriverConnection.connect(
                    host: "127.0.0.1", port: 1, secret: Self.secret, executorID: id, slots: slots, logger: logger)
            }
            #expect(error?.code == .wireInvalidConfiguration)
        }
        let error = await #expect(throws: SluiceError.self) {
            _ = try await WireServer.start(
                host: "127.0.0.1", port: 0, secret: Self.secret,
                configuration: WireConfiguration(heartbeatInterval: .zero), logger: logger)
        }
        #expect(error?.context.key == "heartbeatInterval")
    }
}
