import Foundation
import Logging
import SluiceCore
import SluiceDriver
import SluiceExecutor
import SluiceReport
import SluiceTestKit
import SluiceWire
import SluiceWireNIO
import Synchronization
import Testing

/// An executor told to stop (SIGTERM) just as the driver assigns it a task: DRAINING and the assignment cross on
/// the wire, the executor has nothing running, says SHUTDOWN and closes, and its hand-back of the late assignment
/// never makes it through the closing connection. Found by `scripts/chaos.sh` (sigterm_executor): the driver
/// counted the executor lost and the attempt failed, though nothing had run.
@Suite(.serialized) struct DrainRaceTests {
    let world = FakeWorld()

    init() {
        world.setTable("items", .init(columns: ["id", "name", "updated_at", "gone"], rows: items(1...10)))
    }

    @Test func aTaskAssignedAsTheExecutorStopsIsHandedBackNotLost() async throws {
        let run = InProcessRun(world: world)
        let port = ListeningPort()
        let driver = run.driver(try run.pipeline(itemsTable)) { listening in port.value.withLock { $0 = listening } }
        let registry = world.registry
        let report = try await withThrowingTaskGroup(of: RunReport?.self) { group in
            group.addTask { try await driver.run() }
            group.addTask {
                let listening = try #require(try await port.listening())
                // The stopping executor: it answers its first assignment with DRAINING and SHUTDOWN, as an executor
                // does whose drain began (with nothing running) before the assignment arrived, and hands nothing back.
                let stopping = try await DriverConnection.connect(host: "127.0.0.1", port: listening, secret: InProcessRun.secret,
                                                                  executorID: "stopping", slots: 1, logger: Logger(label: "test.stopping"))
                try await stopping.executeThenClose { inbound, outbound in
                    for try await message in inbound {
                        guard case .assignTask = message else { continue }
                        try await outbound.send(.draining(.init(reason: "SIGTERM: executor stopping is stopping", graceMillis: 0)))
                        try await outbound.send(.shutdown(reason: "executor stopping drained (SIGTERM)"))
                        return
                    }
                }
                // Then a healthy executor does the whole run.
                let options = ExecutorOptions(driverHost: "127.0.0.1", driverPort: listening, executorID: "x1", slots: 1, once: true,
                                              secret: InProcessRun.secret, connectPatience: .seconds(5))
                try await ExecutorService(options: options, registry: registry, logger: Logger(label: "test.executor")).serveDrivers()
                return nil
            }
            var report: RunReport?
            for try await outcome in group where outcome != nil { report = outcome }
            return try #require(report)
        }
        #expect(report.succeeded)
        let tasks = report.tables[0].tasks
        let attempts = tasks.flatMap(\.attempts)
        let handedBack = try #require(tasks.first { $0.attempts.first?.executor == "stopping#1" }, "\(attempts.map(\.executor))")
        #expect(handedBack.attempts.map(\.outcome) == [.handedBack, .committed])
        #expect(!attempts.contains { $0.outcome == .lost || $0.outcome == .failed }, "nothing ran there, so nothing was lost")
        let ids = world.committed("items").compactMap { if case .int(let id) = $0[0] { id } else { nil } }.sorted()
        #expect(ids == Array(1...10))
    }
}
