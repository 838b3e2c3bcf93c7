/// The three paths a Sluice process serves over HTTP, and nothing else:
///
/// - `GET /metrics`: the Prometheus text exposition, made at the moment of the scrape;
/// - `GET /healthz`: liveness, 200 whenever the process answers at all (a hung event loop answers nothing);
/// - `GET /readyz`: readiness, 200 or 503 with the reason, as the role defines it (``Readiness``).
///
/// `HEAD` is answered like `GET` without a body; other methods get 405, other paths 404. A query string is ignored
/// (`/metrics?x=1` is `/metrics`). Pure apart from the closures it is given.
public struct MetricsRoutes: Sendable {
    public typealias Exposition = @Sendable () async -> String
    public typealias ReadinessCheck = @Sendable () async -> Readiness

    private let exposition: Exposition
    private let readiness: ReadinessCheck

    /// - Parameters:
    ///   - exposition: renders every metric, called once per scrape.
    ///   - readiness: what `/readyz` says.
    public init(exposition: @escaping Exposition, readiness: @escaping ReadinessCheck) {
        self.exposition = exposition
        self.readiness = readiness
    }

    /// The answer to `method` on `uri` (the request target as sent: a path and maybe a query).
    public func respond(method: String, uri: String) async -> MetricsResponse {
        let path = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? uri
        guard ["/metrics", "/healthz", "/readyz"].contains(path) else {
            return MetricsResponse(status: 404, body: "not found: Sluice serves /metrics, /healthz and /readyz\n")
        }
        guard method == "GET" || method == "HEAD" else {
            return MetricsResponse(status: 405, body: "method not allowed: use GET\n")
        }
        switch path {
        case "/metrics":
            return MetricsResponse(status: 200, contentType: MetricsResponse.prometheusText, body: await exposition())
        case "/healthz":
            return MetricsResponse(status: 200, body: "ok\n")
        default:
            let state = await readiness()
            return MetricsResponse(status: state.ready ? 200 : 503, body: (state.ready ? "ready: " : "not ready: ") + state.reason + "\n")
        }
    }
}
