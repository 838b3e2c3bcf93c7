public import Prometheus

/// A metric's name and help text, declared once: the registry stops the process when one name is registered with
/// two help texts, so every use of a family goes through its one declaration. Names are written whole
/// (`sluice_rows_total`), units and `_total` included, as the Prometheus naming conventions ask.
public struct MetricFamily: Sendable, Hashable {
    public let name: String
    public let help: String

    public init(_ name: String, help: String) {
        self.name = name
        self.help = help
    }

    public var descriptor: MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }
}

extension PrometheusCollectorRegistry {
    /// The gauge of `family` with `labels` (created on first use).
    public func gauge(_ family: MetricFamily, _ labels: [(String, String)] = []) -> Gauge {
        labels.isEmpty ? makeGauge(descriptor: family.descriptor) : makeGauge(descriptor: family.descriptor, labels: labels)
    }

    /// The counter of `family` with `labels` (created on first use).
    public func counter(_ family: MetricFamily, _ labels: [(String, String)] = []) -> Counter {
        labels.isEmpty ? makeCounter(descriptor: family.descriptor) : makeCounter(descriptor: family.descriptor, labels: labels)
    }
}
