/// Whether a process should count as ready for a Kubernetes readiness probe (`/readyz`), and why, in words an
/// operator reads in `kubectl describe pod`.
public struct Readiness: Sendable, Hashable {
    public var ready: Bool
    /// `connected to driver sluice-driver:7077`, `stopping`.
    public var reason: String

    public init(ready: Bool, reason: String) {
        self.ready = ready
        self.reason = reason
    }
}
