import ArgumentParser
import Logging
import ServiceLifecycle
import SluiceCore
import SluiceMetrics

/// `--metrics-port` and `--metrics-host`, shared by `sluice run`, `sluice driver` and `sluice executor`: where the
/// process serves `/metrics`, `/healthz` and `/readyz` (docs/metrics.md). Off unless a port is given.
struct MetricsOptions: ParsableArguments {
    @Option(help: "Serve Prometheus metrics (/metrics) and probes (/healthz, /readyz) over HTTP on this port; 0 picks a free one (logged as metrics.listening). Off by default.")
    var metricsPort: Int?

    @Option(help: "The address the metrics server listens on.")
    var metricsHost = "0.0.0.0"

    func validate() throws {
        if let metricsPort, !(0...65_535).contains(metricsPort) { throw ValidationError("--metrics-port must be 0...65535") }
    }

    /// The metrics service for `routes`, already listening (so a port in use fails before any work starts); nil
    /// without `--metrics-port`.
    func service(routes: MetricsRoutes, linger: Duration = .zero, logger: Logger) async throws(SluiceError)
        -> ServiceGroupConfiguration.ServiceConfiguration?
    {
        guard let metricsPort else { return nil }
        let server = try await MetricsServer.bind(host: metricsHost, port: metricsPort)
        return .init(service: MetricsService(server: server, routes: routes, linger: linger, logger: logger))
    }
}
