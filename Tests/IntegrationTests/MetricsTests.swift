import Foundation
import Testing

/// `/metrics`, `/healthz` and `/readyz` of a real run: a driver and two executor processes, scraped while the run
/// goes, and their figures checked against the run's own report.
@Suite(.serialized) struct MetricsTests {
    let token = "metrics-test-token-0123456789"

    @Test func driverAndExecutorsServeMetricsAndProbesWhileARunGoes() async throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env)
        defer { fixture.tearDown() }
        // Six tasks that each sit 1.5 s in PostgreSQL, over two one-slot executors: the run lasts several seconds. The
        // sleep is in the partitions' predicates, not in a filter: a table with filters commits all its tasks together
        // at its end, and this test wants commits to arrive one by one while the run goes on.
        let bounds = [0, 333, 666, 1_000, 1_333, 1_666, 2_000]
        let predicates = zip(bounds, bounds.dropFirst()).map { "\"id > \($0) AND id <= \($1) AND (SELECT pg_sleep(1.5)) IS NOT NULL\"" }
        let config = try fixture.pipeline(partition: "{strategy: predicates, predicates: [\(predicates.joined(separator: ", "))]}")
        let listen = freePort()
        let metricsFlags = ["--metrics-port", "0", "--metrics-host", "127.0.0.1"]
        // Long-lived executors (no --once), started before the driver, as a Deployment's pods are.
        let executors = try (1...2).map { index in
            try Child(Paths.sluice, ["executor", "--connect", "127.0.0.1:\(listen)", "--id", "pod-\(index)"] + metricsFlags,
                      environment: ["SLUICE_TOKEN": token])
        }
        defer { for executor in executors where executor.process.isRunning { kill(executor.process.processIdentifier, SIGKILL) } }
        var executorPorts: [Int] = []
        for executor in executors { executorPorts.append(try await Scrape.port(of: executor)) }
        for port in executorPorts {
            let ready = try await Scrape.until(port, "/readyz") { $0.status == 200 }
            #expect(ready.body == "ready: waiting for a driver at 127.0.0.1:\(listen)\n", "an executor waiting for its driver is ready")
        }

        let report = fixture.directory + "/report.json"
        let driver = try Child(Paths.sluice, ["driver", "--config", config, "--listen", "127.0.0.1:\(listen)", "--report", report,
                                              "--metrics-linger", "10"] + metricsFlags,
                               environment: ["SLUICE_TOKEN": token])
        defer { if driver.process.isRunning { kill(driver.process.processIdentifier, SIGKILL) } }
        let driverPort = try await Scrape.port(of: driver)

        // During the run: some tasks staged (their commits wait for the table's last task) while others still run, rows
        // extracted past zero but not at the end yet; both executors alive.
        let midRun = try await Scrape.until(driverPort, "/metrics") { response in
            let extracted = Scrape.value(response.body, #"sluice_rows_total{table="items",stage="extracted"}"#) ?? 0
            return (Scrape.value(response.body, #"sluice_tasks{table="items",state="staged"}"#) ?? 0) >= 1
                && (Scrape.value(response.body, #"sluice_tasks{table="items",state="running"}"#) ?? 0) >= 1
                && extracted > 0 && extracted < 2_000
        }
        #expect(!driver.text.contains("run.finish"), "the scrape was made while the run went on")
        #expect(Scrape.value(midRun.body, "sluice_executors_alive") == 2, "\(midRun.body)")
        #expect(Scrape.value(midRun.body, #"sluice_tables{status="running"}"#) == 1)
        #expect(Scrape.value(midRun.body, #"sluice_rows_total{table="items",stage="loaded"}"#) == 0, "nothing is committed before the table's last task")
        #expect((Scrape.value(midRun.body, "sluice_run_duration_seconds") ?? 0) > 0)
        #expect(midRun.body.contains(#"sluice_run_info{run_id=""#))
        #expect(try Scrape.get(driverPort, "/healthz").status == 200)
        #expect(try Scrape.get(driverPort, "/readyz").body == "ready: listening for executors\n")
        for (port, executor) in zip(executorPorts, executors) {
            let during = try Scrape.get(port, "/metrics")
            #expect(Scrape.value(during.body, "sluice_executor_driver_connected") == 1, "\(during.body)\n\(executor.text.suffix(3000))")
            #expect((Scrape.value(during.body, "process_resident_memory_bytes") ?? 0) > 1_000_000)
            #expect(Scrape.value(during.body, "process_cpu_seconds_total") != nil)
            #expect(try Scrape.get(port, "/healthz").status == 200)
            #expect(try Scrape.get(port, "/readyz").body == "ready: connected to the driver at 127.0.0.1:\(listen)\n")
        }
        let executorsBusy = try await Scrape.until(executorPorts[0], "/metrics") {
            Scrape.value($0.body, "sluice_executor_tasks_running") == 1
        }
        #expect(executorsBusy.status == 200)

        // After the run, while the driver lingers: its final figures are the report's.
        #expect(await driver.waitFor("metrics.lingering", seconds: 120), "\(driver.text.suffix(3000))")
        let final = try Scrape.get(driverPort, "/metrics")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any]
        let table = try #require((json?["tables"] as? [[String: Any]])?.first)
        let rowsLoaded = try #require(table["rows_loaded"] as? Int)
        let committed = (table["tasks"] as? [[String: Any]] ?? []).filter { $0["status"] as? String == "committed" }.count
        #expect(rowsLoaded == 2_000 && committed == 6, "\(table)")
        #expect(Scrape.value(final.body, #"sluice_rows_total{table="items",stage="loaded"}"#) == Double(rowsLoaded), "\(final.body)")
        #expect(Scrape.value(final.body, #"sluice_rows_total{table="items",stage="extracted"}"#) == Double(table["rows_extracted"] as? Int ?? -1))
        #expect(Scrape.value(final.body, #"sluice_tasks{table="items",state="committed"}"#) == Double(committed))
        #expect(Scrape.value(final.body, #"sluice_shard_bytes_total{table="items"}"#) == Double(table["shard_bytes"] as? Int ?? -1))
        #expect(Scrape.value(final.body, #"sluice_tables{status="succeeded"}"#) == 1)
        // The same figure, printed by two formatters: equal to the microsecond.
        #expect(abs((Scrape.value(final.body, "sluice_run_duration_seconds") ?? -1) - (json?["seconds"] as? Double ?? 1)) < 1e-6)
        #expect(final.body.contains(#"sluice_run_info{run_id="\#(json?["run_id"] as? String ?? "?")""#))
        #expect(try Scrape.get(driverPort, "/readyz").status == 503, "a driver whose run is over is not ready")
        #expect(await driver.wait(seconds: 60) == 0, "the driver leaves after lingering:\n\(driver.text.suffix(3000))")

        // The executors stay for the next driver; between them they staged every task's rows exactly once.
        var succeeded = 0.0, staged = 0.0
        for port in executorPorts {
            let after = try await Scrape.until(port, "/readyz") { $0.body.hasPrefix("ready: waiting") }
            #expect(after.status == 200)
            let body = try Scrape.get(port, "/metrics").body
            succeeded += Scrape.value(body, #"sluice_executor_tasks_total{table="items",outcome="succeeded"}"#) ?? 0
            staged += Scrape.value(body, #"sluice_executor_rows_staged_total{table="items"}"#) ?? 0
            #expect(Scrape.value(body, "sluice_executor_driver_connected") == 0)
            #expect(Scrape.value(body, "sluice_executor_tasks_running") == 0)
        }
        #expect(succeeded == Double(committed))
        #expect(staged == Double(rowsLoaded))
        for executor in executors {
            kill(executor.process.processIdentifier, SIGTERM)
            #expect(await executor.wait(seconds: 30) == 0, "SIGTERM stops a waiting executor cleanly:\n\(executor.text.suffix(2000))")
        }
    }

    @Test func localExecutorsServeMetricsOnPortsFromTheBase() async throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env, rows: 100)
        defer { fixture.tearDown() }
        // Two tasks that sit 3 s in PostgreSQL, so both executors are scraped mid-task.
        let config = try fixture.pipeline(partition: #"{strategy: predicates, predicates: ["id <= 50 AND (SELECT pg_sleep(3)) IS NOT NULL", "id > 50 AND (SELECT pg_sleep(3)) IS NOT NULL"]}"#)
        let base = freePort()
        let run = try Child(Paths.sluice, ["run", "--config", config, "--local", "2", "--executor-metrics-port", "\(base)",
                                           "--metrics-host", "127.0.0.1"])
        defer { if run.process.isRunning { kill(run.process.processIdentifier, SIGKILL) } }
        #expect(await run.waitFor("executor.run_config", seconds: 60), "\(run.text.suffix(2000))")
        for port in [base, base + 1] {
            let busy = try await Scrape.until(port, "/metrics") { Scrape.value($0.body, "sluice_executor_tasks_running") == 1 }
            #expect(Scrape.value(busy.body, "sluice_executor_driver_connected") == 1)
            #expect(try Scrape.get(port, "/readyz").status == 200)
        }
        #expect(await run.wait(seconds: 60) == 0, "\(run.text.suffix(3000))")
    }
}

/// Scrapes over HTTP with curl, as Prometheus and the kubelet would.
enum Scrape {
    struct Response {
        var status: Int
        var body: String
    }

    static func get(_ port: Int, _ path: String) throws -> Response {
        let output = try Shell.run("curl", ["-sS", "--max-time", "5", "-w", "\n%{http_code}", "http://127.0.0.1:\(port)\(path)"])
        let status = output.split(separator: "\n").last.flatMap { Int($0) } ?? 0
        return Response(status: status, body: String(output[..<(output.lastIndex(of: "\n") ?? output.endIndex)]))
    }

    /// Scrapes every 100 ms until `condition` holds (at most `seconds`); the last response either way.
    static func until(_ port: Int, _ path: String, seconds: Double = 60, _ condition: (Response) -> Bool) async throws -> Response {
        let deadline = Date().addingTimeInterval(seconds)
        var response = try get(port, path)
        while !condition(response) && Date() < deadline {
            try await Task.sleep(for: .milliseconds(100))
            response = try get(port, path)
        }
        #expect(condition(response), "\(path) on port \(port) never satisfied the condition:\n\(response.body)")
        return response
    }

    /// The value of one series (`name{labels}`) in an exposition.
    static func value(_ exposition: String, _ series: String) -> Double? {
        exposition.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.dropFirst(series.count + 1)) }
    }

    /// The port a process logged with `metrics.listening` (it was started with `--metrics-port 0`).
    static func port(of child: Child) async throws -> Int {
        #expect(await child.waitFor("metrics.listening", seconds: 90), "no metrics.listening:\n\(child.text.suffix(2000))")
        let line = try #require(child.text.split(separator: "\n").first { $0.contains("metrics.listening") })
        let match = try #require(line.firstMatch(of: /127\.0\.0\.1:(\d+)/), "\(line)")
        return try #require(Int(match.1))
    }
}
