#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import NIOCore
import NIOPosix
import SluiceCore
import SluiceWire
import SluiceWireNIO
import Testing

/// Failures over real loopback TCP: silent peers, killed peers, garbage. Raw peers (``RawPeers``) play the
/// misbehaving side; the real transport must notice, report a clear error, and keep serving.
@Suite("Loopback TCP failures")
struct LoopbackFailureTests {
    static let secret = LoopbackTests.secret
    static let fast = LoopbackTests.fast

    /// The error the application sees when it reads the connection to the end.
    static func readToEnd(_ connection: ExecutorConnection) async -> SluiceError? {
        do {
            try await connection.executeThenClose { inbound, _ in
                for try await _ in inbound {}
            }
            return nil
        } catch {
            return error as? SluiceError
        }
    }

    @Test("an executor that stops heartbeating is declared dead, and is told why")
    func silentExecutor() async throws {
        let (logger, logs) = CapturingLogHandler.logger()
        let server = try await WireServer.start(host: "127.0.0.1", port: 0, secret: Self.secret, configuration: Self.fast, logger: logger)
        let port = server.port
        try await withTimeout(15, "silent executor") {
            try await withThrowingTaskGroup(of: [WireMessage].self) { group in
                group.addTask {
                    let raw = try await RawPeers.frameClient(port: port)
                    return try await raw.executeThenClose { inbound, outbound in
                        var iterator = inbound.makeAsyncIterator()
                        _ = try await RawPeers.executorHandshake(&iterator, outbound, secret: Self.secret, executorID: "silent")
                        var received: [WireMessage] = []
                        while let message = try await iterator.next() { received.append(message) }
                        return received
                    }
                }
                var connections = server.connections.makeAsyncIterator()
                let connection = try #require(await connections.next())
                let start = ContinuousClock.now
                let error = await Self.readToEnd(connection)
                let elapsed = ContinuousClock.now - start
                #expect(error?.code == .wireHeartbeatTimeout)
                #expect(error?.message.hasPrefix("executor \"silent\" is unresponsive: nothing received for") == true)
                #expect(elapsed < .seconds(10), "timeout 300 ms, took \(elapsed)")
                #expect(connection.failure?.code == .wireHeartbeatTimeout)

                let received = try #require(try await group.next())
                #expect(received.contains(.heartbeat), "the driver kept sending heartbeats")
                guard case .error(let report) = received.last else {
                    Issue.record("the silent executor was not told why: \(received)")
                    return
                }
                #expect(report.code == .heartbeatTimeout)
            }
        }
        await server.close()
        let failed = logs.with(message: "executor connection failed")
        #expect(failed.first?.metadata["sluice.error.code"] == "wire_heartbeat_timeout")
        #expect(failed.first?.metadata["sluice.executor.id"] == "silent")
    }

    @Test("a driver that stops heartbeating is declared dead by the executor")
    func silentDriver() async throws {
        let (logger, _) = CapturingLogHandler.logger()
        let rawServer = try await RawPeers.frameServer()
        let port = try #require(rawServer.channel.localAddress?.port)
        try await withTimeout(15, "silent driver") {
            try await withThrowingTaskGroup(of: [WireMessage].self) { group in
                group.addTask {
                    try await rawServer.executeThenClose { children in
                        for try await child in children {
                            return try await child.executeThenClose { inbound, outbound in
                                var iterator = inbound.makeAsyncIterator()
                                try await RawPeers.driverHandshake(
                                    &iterator, outbound, secret: Self.secret, intervalMillis: 100, timeoutMillis: 300)
                                var received: [WireMessage] = []
                                while let message = try await iterator.next() { received.append(message) }
                                return received
                            }
                        }
                        return []
                    }
                }
                let connection = try await DriverConnection.connect(
                    host: "127.0.0.1", port: port, secret: Self.secret, executorID: "e1", slots: 1, logger: logger)
                #expect(connection.heartbeatTimeout == .milliseconds(300))
                let error = await #expect(throws: SluiceError.self) {
                    try await connection.executeThenClose { inbound, _ in for try await _ in inbound {} }
                }
                #expect(error?.code == .wireHeartbeatTimeout)
                #expect(error?.message.hasPrefix("the driver is unresponsive: nothing received for") == true)

                let received = try #require(try await group.next())
                #expect(received.contains(.heartbeat), "the executor sent heartbeats")
                guard case .error(let report) = received.last else {
                    Issue.record("the silent driver was not told why: \(received)")
                    return
                }
                #expect(report.code == .heartbeatTimeout)
            }
        }
    }

    @Test("an executor killed mid-session surfaces as wire_connection_lost on the driver", arguments: [false, true])
    func killedExecutor(reset: Bool) async throws {
        let (logger, _) = CapturingLogHandler.logger()
        // The raw executor sends no heartbeats: give it time to be killed before it would time out.
        let server = try await WireServer.start(host: "127.0.0.1", port: 0, secret: Self.secret, configuration: LoopbackTests.relaxed, logger: logger)
        let port = server.port
        try await withTimeout(30, "killed executor") {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    let raw = try await RawPeers.frameClient(port: port)
                    try await raw.executeThenClose { inbound, outbound in
                        var iterator = inbound.makeAsyncIterator()
                        _ = try await RawPeers.executorHandshake(&iterator, outbound, secret: Self.secret, executorID: "doomed")
                        // Wait for the task, then die without SHUTDOWN.
                        while let message = try await iterator.next() {
                            if case .assignTask = message { break }
                        }
                        if reset, let provider = raw.channel as? any SocketOptionProvider {
                            try await provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
                        }
                        try await raw.channel.close()
                    }
                }
                var connections = server.connections.makeAsyncIterator()
                let connection = try #require(await connections.next())
                let error = await #expect(throws: SluiceError.self) {
                    try await connection.executeThenClose { inbound, outbound in
                        try await outbound.send(.assignTask(Fixtures.taskSpec("t")))
                        for try await _ in inbound {}
                    }
                }
                #expect(error?.code == .wireConnectionLost)
                #expect(error?.message.contains("executor \"doomed\"") == true)
                try await group.waitForAll()
            }
        }
        await server.close()
    }

    @Test("a driver killed mid-session surfaces as wire_connection_lost on the executor")
    func killedDriver() async throws {
        let (logger, _) = CapturingLogHandler.logger()
        let rawServer = try await RawPeers.frameServer()
        let port = try #require(rawServer.channel.localAddress?.port)
        try await withTimeout(15, "killed driver") {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await rawServer.executeThenClose { children in
                        for try await child in children {
                            try await child.executeThenClose { inbound, outbound in
                                var iterator = inbound.makeAsyncIterator()
                                try await RawPeers.driverHandshake(
                                    &iterator, outbound, secret: Self.secret, intervalMillis: 100, timeoutMillis: 300)
                                try await outbound.write(RawPeers.frame(.assignTask(Fixtures.taskSpec("t"))))
                            }
                            return
                        }
                    }
                }
                let connection = try await DriverConnection.connect(
                    host: "127.0.0.1", port: port, secret: Self.secret, executorID: "e1", slots: 1, logger: logger)
                var received: [DriverMessage] = []
                let error = await #expect(throws: SluiceError.self) {
                    try await connection.executeThenClose { inbound, _ in
                        for try await message in inbound { received.append(message) }
                    }
                }
                #expect(received == [.assignTask(Fixtures.taskSpec("t"))])
                #expect(error?.code == .wireConnectionLost)
                #expect(error?.message == "the driver closed the connection without SHUTDOWN")
                try await group.waitForAll()
            }
        }
    }

    @Test("garbage, oversized, truncated and misversioned input from raw sockets gets ERROR frames; the server keeps serving")
    func garbageFromRawSockets() async throws {
        let (logger, logs) = CapturingLogHandler.logger()
        var configuration = LoopbackTests.relaxed
        // Long enough that a loaded test machine (hundreds of tests in parallel on two cores) still reads
        // every garbage input before the handshake times out; only the "silence" case waits it out.
        configuration.handshakeTimeout = .seconds(8)
        let server = try await WireServer.start(host: "127.0.0.1", port: 0, secret: Self.secret, configuration: configuration, logger: logger)
        let port = server.port
        let hello = Array(RawPeers.frame(.hello(Fixtures.hello)).readableBytesView)
        var future = Fixtures.hello
        future.minVersion = 5
        future.maxVersion = 6
        var generator = SystemRandomNumberGenerator()
        let noise = [0xFF] + (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let cases: [(String, [UInt8], Bool, WireErrorCode, String?)] = [
            ("http", Array("GET / HTTP/1.1\r\nHost: driver\r\n\r\n".utf8), false, .protocolError,
             "not a Sluice wire frame: starts with 0x47 0x45 where the magic 0x53 0x4C (\"SL\") belongs"),
            ("noise", noise, false, .protocolError, nil),
            ("oversized", [0x53, 0x4C, 0x01, 0x01, 0x00, 0xFF, 0xFF, 0xFF, 0xFF], false, .frameTooLarge,
             "HELLO frame: payload of 4294967295 bytes exceeds the limit of 65536 bytes before the handshake completed"),
            ("unknown type", [0x53, 0x4C, 0x01, 0x99, 0x00], false, .protocolError, "unknown message type 0x99"),
            ("truncated", Array(hello.prefix(20)), true, .protocolError,
             "HELLO frame: the connection ended inside the payload (11 of 50 bytes)"),
            ("trailing bytes", Array(RawPeers.frame(.heartbeat).readableBytesView.prefix(8)) + [0x01, 0xAA], false,
             .protocolError, "malformed HEARTBEAT payload: 1 bytes left over after the last field"),
            ("future version", Array(RawPeers.frame(.hello(future)).readableBytesView), false, .unsupportedVersion,
             "no common protocol version: the executor offers 5...6, the driver speaks 4...4"),
            ("silence", [], false, .handshakeTimeout, "handshake not completed within 8 s"),
        ]
        try await withTimeout(60, "raw sockets") {
            for (name, bytes, closeOutput, code, message) in cases {
                let answers = try await RawPeers.answer(to: bytes, port: port, closeOutput: closeOutput)
                guard answers.count == 1, case .error(let report) = answers[0] else {
                    Issue.record("\(name): expected one ERROR frame, got \(answers)")
                    continue
                }
                #expect(report.code == code, "\(name)")
                if let message { #expect(report.message == message, "\(name)") }
            }
        }
        #expect(logs.with(message: "executor handshake failed").count == cases.count)

        // The server still serves a real executor.
        try await withTimeout(10, "executor after garbage") {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    let connection = try await DriverConnection.connect(
                        host: "127.0.0.1", port: port, secret: Self.secret, executorID: "after-garbage", slots: 1, logger: logger)
                    try await connection.executeThenClose { inbound, outbound in
                        try await outbound.send(.taskProgress(.init(taskID: 1, attempt: 1, rows: 1)))
                        for try await _ in inbound {}
                    }
                }
                var connections = server.connections.makeAsyncIterator()
                let connection = try #require(await connections.next())
                #expect(connection.executorID == "after-garbage")
                try await connection.executeThenClose { inbound, outbound in
                    for try await message in inbound {
                        #expect(message == .taskProgress(.init(taskID: 1, attempt: 1, rows: 1)))
                        try await outbound.send(.shutdown(reason: "done"))
                    }
                }
                try await group.waitForAll()
            }
        }
        await server.close()
    }

    @Test("a driver that does not read for longer than the heartbeat timeout does not declare a busy executor dead")
    func backpressureIsNotSilence() async throws {
        let (logger, logs) = CapturingLogHandler.logger()
        defer { #expect(!logs.text.contains("wire_heartbeat_timeout"), "\(logs.text)") }
        // Each side on its own event loop, as in two processes: a side whose event loop is starved by the
        // other's flood would be silent for real.
        let driverLoops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let executorLoops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let configuration = WireConfiguration(heartbeatInterval: .milliseconds(200), missedHeartbeats: 5)
        let server = try await WireServer.start(
            host: "127.0.0.1", port: 0, secret: Self.secret, configuration: configuration, eventLoopGroup: driverLoops,
            logger: logger)
        let port = server.port
        let count = 3_000
        let received = try await withTimeout(60, "backpressure") {
            try await withThrowingTaskGroup(of: Int.self) { group in
                group.addTask {
                    let connection = try await DriverConnection.connect(
                        host: "127.0.0.1", port: port, secret: Self.secret, executorID: "busy", slots: 1,
                        eventLoopGroup: executorLoops, logger: logger)
                    try await connection.executeThenClose { inbound, outbound in
                        // In batches: one event-loop task per batch rather than per message.
                        for start in stride(from: 0, to: count, by: 100) {
                            try await outbound.send(contentsOf: (start..<start + 100).map {
                                .taskProgress(.init(taskID: 1, attempt: 1, rows: UInt64($0)))
                            })
                        }
                        for try await _ in inbound {}
                    }
                    return -1
                }
                var connections = server.connections.makeAsyncIterator()
                let connection = try #require(await connections.next())
                let received = try await connection.executeThenClose { inbound, outbound in
                    // Three heartbeat timeouts without reading.
                    try await Task.sleep(for: .seconds(3))
                    var received = 0
                    for try await message in inbound {
                        guard case .taskProgress(let progress) = message else { continue }
                        #expect(progress.rows == UInt64(received))
                        received += 1
                        if received == count { try await outbound.send(.shutdown(reason: "done")) }
                    }
                    return received
                }
                #expect(connection.failure == nil)
                var results: [Int] = [received]
                for try await result in group { results.append(result) }
                return results.max()!
            }
        }
        #expect(received == count)
        await server.close()
        try await driverLoops.shutdownGracefully()
        try await executorLoops.shutdownGracefully()
    }
}
