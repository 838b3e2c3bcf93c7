public import Logging
public import ServiceLifecycle

/// A ``MetricsServer`` as a service beside the driver or executor service in the process's `ServiceGroup`. When the
/// group shuts down (the run is over, or SIGTERM) it keeps answering for `linger` more, so that a Prometheus
/// scraping every 15 s still sees a short run's final figures, then stops.
public struct MetricsService: Service {
    public let server: MetricsServer
    public let routes: MetricsRoutes
    public let linger: Duration
    public let logger: Logger

    public init(server: MetricsServer, routes: MetricsRoutes, linger: Duration = .zero, logger: Logger) {
        self.server = server
        self.routes = routes
        self.linger = linger
        self.logger = logger
    }

    public func run() async throws {
        logger.info("metrics.listening", metadata: ["sluice.address": "\(server.host):\(server.port)"])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.serve(routes) }
            group.addTask {
                // Returns when the group shuts down gracefully; throws when this task is cancelled instead.
                try await gracefulShutdown()
                if linger > .zero {
                    logger.info("metrics.lingering", metadata: ["sluice.seconds": "\(linger.components.seconds)"])
                    try await Task.sleep(for: linger)
                }
            }
            // Whichever ends first (the linger, or the server failing) ends both.
            defer { group.cancelAll() }
            try await group.next()
        }
    }
}
