import Prometheus
import SluiceMetrics
import Testing

/// A counter that follows someone else's total and never goes backwards.
@Suite struct SnapshotCounterTests {
    @Test func followsTheTotalButNeverGoesBack() {
        let registry = PrometheusCollectorRegistry()
        let family = MetricFamily("test_rows_total", help: "Rows.")
        let counter = SnapshotCounter(registry.counter(family, [("table", "orders")]))
        counter.advance(to: UInt64(100))
        #expect(registry.emitToString().contains("test_rows_total{table=\"orders\"} 100\n"))
        counter.advance(to: UInt64(40))
        #expect(registry.emitToString().contains("test_rows_total{table=\"orders\"} 100\n"), "a shrinking total leaves the counter")
        counter.advance(to: UInt64(130))
        #expect(registry.emitToString().contains("test_rows_total{table=\"orders\"} 130\n"))
    }

    @Test func processMetricsUseTheStandardNames() {
        let registry = PrometheusCollectorRegistry()
        let metrics = ProcessMetrics(registry: registry)
        metrics.refresh(ProcessStats(cpuSeconds: 1.5, residentBytes: 1_048_576))
        let text = registry.emitToString()
        #expect(text.contains("# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total 1.5\n"), "\(text)")
        #expect(text.contains("# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes 1048576.0\n"), "\(text)")
    }
}
