public import Prometheus

/// The two process metrics every Prometheus client library exports under these standard names
/// (`process_cpu_seconds_total`, `process_resident_memory_bytes`), so that existing dashboards and alerts work on a
/// Sluice process unchanged. Refreshed from ``ProcessStats`` at each scrape.
public struct ProcessMetrics: Sendable {
    private let cpu: SnapshotCounter
    private let resident: Gauge

    public static let cpuSeconds = MetricFamily("process_cpu_seconds_total", help: "User and system CPU time spent by this process, in seconds.")
    public static let residentMemory = MetricFamily("process_resident_memory_bytes", help: "Resident memory size of this process, in bytes.")

    public init(registry: PrometheusCollectorRegistry) {
        cpu = SnapshotCounter(registry.counter(Self.cpuSeconds))
        resident = registry.gauge(Self.residentMemory)
    }

    /// Reads /proc and updates both metrics (nothing where /proc is missing).
    public func refresh(_ stats: ProcessStats? = ProcessStats.current()) {
        guard let stats else { return }
        cpu.advance(to: stats.cpuSeconds)
        resident.set(to: Double(stats.residentBytes))
    }
}
