import Logging
public import ServiceLifecycle
public import SluiceCore
public import SluiceReport
import Synchronization

/// The driver as a service: runs one run, and on SIGTERM or SIGINT (a graceful shutdown of its service group)
/// abandons it cleanly: unfinished tables fail and keep their bookmarks, executors are told to stop, the
/// snapshot is released and the report is still written.
public final class DriverService: Service {
    public let driver: Driver
    private let outcome = Mutex<Result<RunReport, SluiceError>?>(nil)

    public init(driver: Driver) {
        self.driver = driver
    }

    public func run() async throws {
        let result: Result<RunReport, SluiceError>
        do {
            result = .success(try await cancelWhenGracefulShutdown { () async throws(SluiceError) -> RunReport in try await self.driver.run() })
        } catch let error as SluiceError {
            result = .failure(error)
        } catch {
            result = .failure(SluiceError(.runStopped, "the driver stopped before the run finished", underlying: "\(error)"))
        }
        outcome.withLock { $0 = result }
    }

    /// The run's report once ``run()`` returned; nil before.
    public var result: Result<RunReport, SluiceError>? { outcome.withLock { $0 } }
}
