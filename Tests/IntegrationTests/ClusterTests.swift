import Foundation
import Testing

/// The driver and executors as separate processes, the way Kubernetes runs them, plus failures: a wrong
/// token, a killed executor, a table whose data breaks a rule, bad credentials, a broken configuration.
@Suite(.serialized) struct ClusterTests {
    let token = "cluster-test-token-0123456789"

    @Test func driverAndExecutorsAsSeparateProcesses() async throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env)
        defer { fixture.tearDown() }
        let config = try fixture.pipeline()
        let port = freePort()
        let driver = try Child(Paths.sluice, ["driver", "--config", config, "--listen", "127.0.0.1:\(port)"],
                               environment: ["SLUICE_TOKEN": token])
        #expect(await driver.waitFor("driver.listening", seconds: 90), "driver did not start:\n\(driver.text)")

        // An executor with the wrong token is refused, and says so.
        let intruder = try Child(Paths.sluice, ["executor", "--connect", "127.0.0.1:\(port)", "--once"],
                                 environment: ["SLUICE_TOKEN": "not-the-right-token-at-all"])
        #expect(await intruder.wait(seconds: 30) != 0)
        #expect(intruder.text.contains("authentication"), "\(intruder.text)")

        let executors = try (1...2).map { index in
            try Child(Paths.sluice, ["executor", "--connect", "127.0.0.1:\(port)", "--once", "--id", "pod-\(index)", "--slots", "2"],
                      environment: ["SLUICE_TOKEN": token])
        }
        let status = await driver.wait(seconds: 120)
        #expect(status == 0, "driver failed:\n\(driver.text.suffix(3000))")
        for executor in executors { #expect(await executor.wait(seconds: 30) == 0, "\(executor.text.suffix(2000))") }
        #expect(try fixture.clickhouseCount() == 2_000)
        #expect(try fixture.rawCount() == 2_000, "each row loaded once")
        #expect(try fixture.differences().isEmpty)
        #expect(try fixture.differences(in: .curated).isEmpty)
        #expect(try fixture.bookmark() == "2024-01-01 00:33:20.000000Z")
        #expect(driver.text.contains("pod-1") && driver.text.contains("pod-2"))
    }

    @Test func anExecutorThatCannotLoadTheConfigurationSaysWhy() async throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env, rows: 10)
        defer { fixture.tearDown() }
        let config = try fixture.pipeline(partitions: 1)
        let port = freePort()
        let driver = try Child(Paths.sluice, ["driver", "--config", config, "--listen", "127.0.0.1:\(port)"],
                               environment: ["SLUICE_TOKEN": token])
        #expect(await driver.waitFor("driver.listening", seconds: 90), "driver did not start:\n\(driver.text)")
        // The executor's environment lacks the PostgreSQL password the pipeline names as ${PGPASSWORD}.
        let executor = try Child(Paths.sluice, ["executor", "--connect", "127.0.0.1:\(port)", "--once"],
                                 environment: ["SLUICE_TOKEN": token], removing: ["PGPASSWORD"])
        #expect(await driver.wait(seconds: 120) == 1)
        _ = await executor.wait(seconds: 30)
        #expect(driver.text.contains("cannot load the run configuration") && driver.text.contains("PGPASSWORD"),
                "\(driver.text.suffix(3000))")
        // The executor names the driver's file and the line the reference is on.
        #expect(driver.text.contains("\(config):3: source.postgres.password: environment variable PGPASSWORD is not set"),
                "\(driver.text.suffix(3000))")
    }

    @Test func aKilledExecutorsTasksAreRetriedElsewhere() async throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env)
        defer { fixture.tearDown() }
        // Every task sleeps 2 s inside PostgreSQL, so an executor is surely mid-task when it is killed.
        let config = try fixture.pipeline(table: "    filters: [\"(SELECT pg_sleep(2)) IS NOT NULL\"]", partitions: 6)
        let report = fixture.directory + "/report.json"
        let run = try Child(Paths.sluice, ["run", "--config", config, "--local", "2", "--report", report])
        #expect(await run.waitFor("executor.run_config", seconds: 60))
        try await Task.sleep(for: .milliseconds(800))
        let children = try Shell.run("pgrep", ["-P", "\(run.process.processIdentifier)"]).split(separator: "\n")
        #expect(children.count == 2, "expected two executor processes")
        let victim = try #require(children.first.flatMap { Int32($0) })
        kill(victim, SIGKILL)
        let status = await run.wait(seconds: 120)
        #expect(status == 0, "run failed after an executor was killed:\n\(run.text.suffix(3000))")
        #expect(run.text.contains("executor.lost"))
        #expect(try fixture.clickhouseCount() == 2_000)
        #expect(try fixture.rawCount() == 2_000, "the killed attempts committed nothing; each row is in once")
        #expect(try fixture.differences().isEmpty)
        #expect(try fixture.differences(in: .curated).isEmpty)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any]
        let table = (json?["tables"] as? [[String: Any]])?.first
        #expect(table?["rows_extracted"] as? Int == 2_000)
        #expect(table?["rows_loaded"] as? Int == 2_000)
        #expect((table?["attempts"] as? Int ?? 0) > 6, "a retried task counts its attempts")
        let outcomes = (table?["tasks"] as? [[String: Any]] ?? []).flatMap { ($0["attempts"] as? [[String: Any]] ?? []).map { $0["outcome"] as? String } }
        #expect(outcomes.contains("lost"))
    }

    @Test func anExecutorKilledWhileItLoadsClickHouseLeavesNoRowBehindAndDoublesNone() async throws {
        let env = try TestEnvironment.load()
        // Rows wide enough that each task's insert is several megabytes.
        let fixture = try PipelineFixture(env: env, rows: 40_000)
        defer { fixture.tearDown() }
        try env.psql(fixture.database, "UPDATE items SET name = repeat('x', 200) || id, born = date '2000-01-01' + (id % 1000)::int")
        // ClickHouse behind a proxy that holds the first insert after 64 KiB, so the sender is surely mid-insert.
        let upstream = URL(string: env.clickhouseURL)!
        let proxy = try Child("/usr/bin/env", ["python3", Paths.repository.appendingPathComponent("Tests/IntegrationTests/Tools/stall_proxy.py").path,
                                               upstream.host ?? "127.0.0.1", "\(upstream.port ?? 8123)"])
        defer { kill(proxy.process.processIdentifier, SIGKILL) }
        #expect(await proxy.waitFor("LISTENING", seconds: 10))
        let port = try #require(proxy.text.split(separator: "\n").first { $0.hasPrefix("LISTENING") }.flatMap { Int($0.split(separator: " ")[1]) })
        let config = try String(contentsOfFile: try fixture.pipeline(partitions: 4), encoding: .utf8)
            .replacingOccurrences(of: "url: \"${SLUICE_CLICKHOUSE_URL}\"", with: "url: \"http://127.0.0.1:\(port)\"")
        let path = fixture.directory + "/behind-proxy.yaml"
        try config.write(toFile: path, atomically: true, encoding: .utf8)
        let report = fixture.directory + "/report.json"
        let run = try Child(Paths.sluice, ["run", "--config", path, "--local", "2", "--report", report])
        #expect(await proxy.waitFor("STALLED", seconds: 90), "no insert reached the proxy:\n\(run.text.suffix(2000))")
        // The stalled connection's client port names the executor process that is sending.
        let stalled = try #require(proxy.text.split(separator: "\n").first { $0.hasPrefix("STALLED") })
        let clientPort = try #require(stalled.split(separator: ":").last)
        let sockets = try Shell.run("ss", ["-Htnp", "state", "established", "( sport = :\(clientPort) )"])
        let pid = try #require(sockets.firstRange(of: "pid=").map { sockets[$0.upperBound...].prefix { $0.isNumber } }.flatMap { Int32($0) },
                               "no process owns port \(clientPort): \(sockets)")
        #expect(pid != run.process.processIdentifier, "the stalled insert is an executor's, not the driver's")
        kill(pid, SIGKILL)
        let status = await run.wait(seconds: 180)
        #expect(status == 0, "run failed after an executor was killed mid-insert:\n\(run.text.suffix(3000))")
        #expect(try fixture.rawCount() == 40_000, "the cut insert left nothing in the table and no row was committed twice")
        #expect(try fixture.differences().isEmpty)
        #expect(try fixture.differences(in: .curated).isEmpty)
        #expect(try env.clickhouse("SELECT count() FROM system.tables WHERE database = '\(fixture.clean)'").trimmed == "1",
                "the killed attempt's staging table was removed")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any]
        let table = (json?["tables"] as? [[String: Any]])?.first
        #expect(table?["rows_loaded"] as? Int == 40_000)
        let outcomes = (table?["tasks"] as? [[String: Any]] ?? []).flatMap { ($0["attempts"] as? [[String: Any]] ?? []).map { $0["outcome"] as? String } }
        #expect(outcomes.contains("lost"), "the report shows the lost attempt: \(outcomes)")
    }

    @Test func sigtermStopsARunCleanly() async throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env)
        defer { fixture.tearDown() }
        // Each task sleeps 2 s inside PostgreSQL, so the run is surely under way when it is stopped.
        let config = try fixture.pipeline(table: "    filters: [\"(SELECT pg_sleep(2)) IS NOT NULL\"]", partitions: 4)
        let report = fixture.directory + "/report.json"
        let run = try Child(Paths.sluice, ["run", "--config", config, "--local", "2", "--report", report])
        #expect(await run.waitFor("executor.run_config", seconds: 60))
        let children = try Shell.run("pgrep", ["-P", "\(run.process.processIdentifier)"]).split(separator: "\n").compactMap { Int32($0) }
        #expect(children.count == 2)
        kill(run.process.processIdentifier, SIGTERM)
        let status = await run.wait(seconds: 60)
        #expect(status == 1, "a stopped run fails:\n\(run.text.suffix(2000))")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any]
        let table = (json?["tables"] as? [[String: Any]])?.first
        #expect((table?["error"] as? String)?.contains("asked to stop") == true, "the report is written: \(String(describing: table))")
        #expect(try env.clickhouse("SELECT count() FROM \(fixture.metadata).cdc_state").trimmed == "0",
                "a stopped table saves no bookmark")
        try await Task.sleep(for: .seconds(1))
        // Gone, or a zombie waiting to be reaped by whoever adopted it.
        func running(_ pid: Int32) -> Bool {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
            return !stat.contains(") Z ")
        }
        #expect(!children.contains(where: running), "no executor outlives the stopped driver")
    }

    @Test func executorsLeaveWhenTheirDriverIsKilled() async throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env)
        defer { fixture.tearDown() }
        // Each task sits 8 s in PostgreSQL: the executors are inside a blocking read when their driver dies, and SIGKILL
        // lets the driver clean nothing up. They notice on their own (ParentWatch) and leave.
        let config = try fixture.pipeline(table: "    filters: [\"(SELECT pg_sleep(8)) IS NOT NULL\"]", partitions: 4)
        let run = try Child(Paths.sluice, ["run", "--config", config, "--local", "2"])
        #expect(await run.waitFor("executor.run_config", seconds: 60))
        try await Task.sleep(for: .seconds(1))
        let children = try Shell.run("pgrep", ["-P", "\(run.process.processIdentifier)"]).split(separator: "\n").compactMap { Int32($0) }
        #expect(children.count == 2)
        kill(run.process.processIdentifier, SIGKILL)
        _ = await run.wait(seconds: 10)
        func running(_ pid: Int32) -> Bool {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
            return !stat.contains(") Z ")
        }
        let deadline = Date().addingTimeInterval(3)
        while children.contains(where: running) && Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        #expect(!children.contains(where: running), "no executor outlives a killed driver")
        for pid in children where running(pid) { kill(pid, SIGKILL) }
        #expect(try env.clickhouse("SELECT count() FROM \(fixture.metadata).cdc_state").trimmed == "0")
    }

    @Test func aRunThatOutlivesRunTimeoutFailsAndKeepsItsBookmarks() async throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env, rows: 100)
        defer { fixture.tearDown() }
        // A hung source: every task sits in PostgreSQL far longer than the run may take.
        let config = try fixture.pipeline(partition: #"{strategy: predicates, predicates: ["id <= 50 AND (SELECT pg_sleep(60)) IS NOT NULL", "id > 50 AND (SELECT pg_sleep(60)) IS NOT NULL"]}"#,
                                          run: "{heartbeat_interval: 500ms, executor_timeout: 3s, retries: 3, timeout: 3s}")
        let started = Date()
        let outcome = try fixture.run(config)
        #expect(outcome.status == 1)
        #expect(Date().timeIntervalSince(started) < 30, "the run ended at its timeout, not when the source answered")
        #expect((outcome.table["error"] as? String)?.contains("the run took longer than run.timeout") == true, "\(outcome.table)")
        #expect(try env.clickhouse("SELECT count() FROM \(fixture.metadata).cdc_state").trimmed == "0", "no bookmark was saved")
    }

    @Test func aTableThatBreaksARuleFailsAndKeepsItsBookmark() async throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env)
        defer { fixture.tearDown() }
        let config = try fixture.pipeline()
        let first = try Shell.execute(Paths.sluice, ["run", "--config", config, "--local", "1"])
        #expect(first.status == 0, "\(first.stderr.suffix(2000))")
        let bookmark = try fixture.bookmark()

        // A pre-1970 date under the default `fail` policy: the run fails, naming table, column and row.
        try env.psql(fixture.database, "UPDATE items SET born = '1950-01-01', updated_at = '2030-01-01' WHERE id = 7")
        let second = try Shell.execute(Paths.sluice, ["run", "--config", config, "--local", "1"])
        #expect(second.status == 1)
        let output = second.stdout + second.stderr
        #expect(output.contains("1950-01-01") && output.contains("column born") && output.contains("table items"),
                "\(output.suffix(3000))")
        #expect(try fixture.bookmark() == bookmark, "a failed table must keep its bookmark")

        // With the filter on, the same rows load and the value becomes NULL.
        let lenient = try fixture.pipeline(outOfRange: "set_null")
        let third = try Shell.execute(Paths.sluice, ["run", "--config", lenient, "--local", "1"])
        #expect(third.status == 0, "\(third.stderr.suffix(2000))")
        #expect(try env.clickhouse("SELECT isNull(born) FROM \(fixture.clean).items FINAL WHERE id = 7").trimmed == "1")
        #expect(try fixture.bookmark() == "2030-01-01 00:00:00.000000Z")
    }

    @Test func validateNamesWhatIsWrong() async throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env)
        defer { fixture.tearDown() }
        let good = try Shell.execute(Paths.sluice, ["validate", "--config", try fixture.pipeline()])
        #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
        #expect(good.stdout.contains("ok   table items"))

        let badPassword = try Shell.execute(Paths.sluice, ["validate", "--config", try fixture.pipeline(postgresPassword: "wrong")])
        #expect(badPassword.status == 1)
        #expect(badPassword.stdout.contains("FAIL postgres") && badPassword.stdout.contains("password authentication failed"),
                "\(badPassword.stdout)")
        #expect(!badPassword.stdout.contains("wrong"), "the password must not be printed")

        let missingColumn = try String(contentsOfFile: try fixture.pipeline(), encoding: .utf8)
            .replacingOccurrences(of: "{name: name, type: string}", with: "{name: title, type: string}")
        let path = fixture.directory + "/missing-column.yaml"
        try missingColumn.write(toFile: path, atomically: true, encoding: .utf8)
        let missing = try Shell.execute(Paths.sluice, ["validate", "--config", path])
        #expect(missing.status == 1)
        #expect(missing.stdout.contains("FAIL table items") && missing.stdout.contains("title"), "\(missing.stdout)")
    }

    @Test func configurationErrorsNameFileLineAndKey() throws {
        let directory = NSTemporaryDirectory() + "sluice-badconfig-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/p.yaml"
        try """
        pipeline: broken
        source:
          postgres: {host: h, database: d, user: u}
        sink:
          clickhouse: {url: "http://c"}
        staging: {directory: /tmp/x}
        tables:
          - name: t
            primary_key: [id]
            partiton: {column: id}
            columns: [{name: id, type: int64, nullable: false}]
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try Shell.execute(Paths.sluice, ["run", "--config", path, "--local", "1"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("\(path):10: tables.[0].partiton: unknown key 'partiton'"), "\(result.stderr)")
    }

    @Test func planShowsEachTasksPredicate() throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env)
        defer { fixture.tearDown() }
        let result = try Shell.execute(Paths.sluice, ["plan", "--config", try fixture.pipeline(partitions: 3)])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("items: backfill, 3 task(s)"))
        #expect(result.stdout.contains("task 2: \"id\" >= "))
        #expect(!result.stdout.contains("::bigint"), "bounds of a bigint column within int4 read as plain numbers: \(result.stdout)")
        // Planning creates nothing in ClickHouse.
        #expect(try env.clickhouse("SELECT count() FROM system.databases WHERE name = '\(fixture.clean)'").trimmed == "0")

        // A full reload's copy gets its name when a run makes it; an empty table is planned as empty.
        try env.psql(fixture.database, "TRUNCATE items")
        let reload = try Shell.execute(Paths.sluice, ["plan", "--config", try fixture.pipeline(partitions: 3), "--mode", "full_reload"])
        #expect(reload.stdout.contains("(reloaded into a copy of its own, then swapped in)"), "\(reload.stdout)")
        #expect(reload.stdout.contains("[~0 rows]") && !reload.stdout.contains("~1 row"), "\(reload.stdout)")
    }
}
