import Foundation
import Logging
import SluiceConfig
import SluiceCore
import SluiceDriver
import SluiceExecutor
import SluicePipeline
import SluiceReport
import SluiceTestKit
import SluiceWire
import Synchronization

/// A whole run in this process: the real driver and real executors talking the cluster protocol over loopback,
/// with the fake source, sink and bookmark store of one ``FakeWorld``. No PostgreSQL, no ClickHouse.
struct InProcessRun {
    let world: FakeWorld
    var executors = 2
    var slots = 1
    var retries = 2
    /// Short, so that retried runs stay quick.
    var retryBackoff = "20ms"

    init(world: FakeWorld) {
        self.world = world
    }

    static let secret = try! WireSecret(text: "in-process-test-secret-0123456789")

    /// A pipeline over the fake connectors whose `tables:` entries are `tables` (YAML, indented two spaces).
    func pipeline(_ tables: String, run: String? = nil) throws -> PipelineConfig {
        try PipelineLoader(environment: [:]).parse("""
            pipeline: in-process
            source: {fake: {}}
            sink: {fake: {}}
            staging: {directory: \(NSTemporaryDirectory())sluice-driver-tests}
            run: \(run ?? "{retries: \(retries), retry_backoff: \(retryBackoff), heartbeat_interval: 200ms, executor_timeout: 2s, executor_wait: 5s, batch_rows: 3}")
            tables:
            \(tables)
            """, file: "in-process.yaml")
    }

    func driver(_ pipeline: PipelineConfig, options: DriverOptions = DriverOptions(), onListening: @escaping @Sendable (Int) -> Void) -> Driver {
        var options = options
        options.secret = Self.secret
        options.listenPort = 0
        var driver = Driver(pipeline: pipeline, options: options, source: FakeSource(world: world), sink: FakeSink(world: world),
                            bookmarks: FakeBookmarkStore(world: world), logger: Logger(label: "test.driver"))
        driver.now = { 1_700_000_000_000_000 }
        driver.onListening = onListening
        return driver
    }

    /// Runs `pipeline` with `executors` in-process executors and returns the report.
    func run(_ pipeline: PipelineConfig, options: DriverOptions = DriverOptions()) async throws -> RunReport {
        let port = ListeningPort()
        let driver = driver(pipeline, options: options) { listening in port.value.withLock { $0 = listening } }
        let registry = world.registry
        return try await withThrowingTaskGroup(of: RunReport?.self) { group in
            group.addTask { try await driver.run() }
            group.addTask {
                guard let listening = try await port.listening() else { return nil }
                await withTaskGroup(of: Void.self) { executorsGroup in
                    for index in 1...executors {
                        executorsGroup.addTask {
                            let options = ExecutorOptions(driverHost: "127.0.0.1", driverPort: listening, executorID: "x\(index)",
                                                          slots: slots, once: true, secret: Self.secret, connectPatience: .seconds(5))
                            try? await ExecutorService(options: options, registry: registry, logger: Logger(label: "test.executor")).serveDrivers()
                        }
                    }
                }
                return nil
            }
            var report: RunReport?
            for try await outcome in group {
                if let outcome { report = outcome }
            }
            return report!
        }
    }
}

/// The driver's port once it listens.
final class ListeningPort: Sendable {
    let value = Mutex<Int?>(nil)

    /// The port, once the driver listens (nil if it does not within five seconds).
    func listening() async throws -> Int? {
        for _ in 0..<500 {
            if let port = value.withLock({ $0 }) { return port }
            try await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }
}

/// Rows for a fake `items` table: id, name, updated_at (microseconds), deleted flag.
func items(_ ids: ClosedRange<Int>, at time: (Int) -> Int64 = { Int64($0) * 1_000_000 }, deleted: Set<Int> = []) -> [[Value]] {
    ids.map { [.int(Int64($0)), .string("item \($0)"), .int(time($0)), .boolean(deleted.contains($0))] }
}

let itemsTable = """
  - name: items
    primary_key: [id]
    cursor: updated_at
    lag: 0
    partition: {count: 3}
    columns:
      - {name: id, type: int64, nullable: false}
      - {name: name, type: string}
      - {name: updated_at, type: timestamptz, nullable: false}
"""
