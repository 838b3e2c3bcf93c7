import SluiceMetrics
import Testing

/// What each path answers, without a socket.
@Suite struct MetricsRoutesTests {
    let routes = MetricsRoutes(exposition: { "sluice_up 1\n" }, readiness: { Readiness(ready: true, reason: "connected") })

    @Test(arguments: [
        ("GET", "/metrics", 200, "sluice_up 1\n"),
        ("GET", "/metrics?name[]=x", 200, "sluice_up 1\n"),
        ("HEAD", "/metrics", 200, "sluice_up 1\n"),
        ("GET", "/healthz", 200, "ok\n"),
        ("GET", "/readyz", 200, "ready: connected\n"),
        ("POST", "/metrics", 405, "method not allowed: use GET\n"),
        ("GET", "/", 404, "not found: Sluice serves /metrics, /healthz and /readyz\n"),
        ("GET", "/metrics/extra", 404, "not found: Sluice serves /metrics, /healthz and /readyz\n"),
    ])
    func eachPathAnswers(method: String, uri: String, status: Int, body: String) async {
        let response = await routes.respond(method: method, uri: uri)
        #expect(response.status == status)
        #expect(response.body == body)
    }

    @Test func metricsAreTheExpositionFormatAndProbesPlainText() async {
        #expect(await routes.respond(method: "GET", uri: "/metrics").contentType == "text/plain; version=0.0.4; charset=utf-8")
        #expect(await routes.respond(method: "GET", uri: "/healthz").contentType == "text/plain; charset=utf-8")
    }

    @Test func aProcessThatIsNotReadyAnswers503WithTheReason() async {
        let stopping = MetricsRoutes(exposition: { "" }, readiness: { Readiness(ready: false, reason: "stopping") })
        let response = await stopping.respond(method: "GET", uri: "/readyz")
        #expect(response.status == 503)
        #expect(response.body == "not ready: stopping\n")
        #expect(await stopping.respond(method: "GET", uri: "/healthz").status == 200, "liveness does not depend on readiness")
    }
}
