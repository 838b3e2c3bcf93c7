import Foundation
import Testing

/// A run that fails before it starts still writes `--report`, with the failure as the run's error and on each
/// selected table, so a scheduler that reads the report sees why.
@Suite(.serialized) struct StartupFailureReportTests {
    /// The run's `error` and `error_code`, after checking the run failed and wrote a report that says so.
    func startError(_ run: PipelineFixture.RunOutcome, sourceLocation: SourceLocation = #_sourceLocation) -> (String, String) {
        #expect(run.status == 1, "\(run.output.suffix(2000))", sourceLocation: sourceLocation)
        #expect(run.report["report_version"] as? Int == 1, "a report was written: \(run.output.suffix(2000))", sourceLocation: sourceLocation)
        #expect(run.report["succeeded"] as? Bool == false, sourceLocation: sourceLocation)
        #expect(run.report["finished_at"] is String, sourceLocation: sourceLocation)
        let error = run.report["error"] as? String ?? ""
        #expect(!error.isEmpty, "the run's error: \(run.report)", sourceLocation: sourceLocation)
        return (error, run.report["error_code"] as? String ?? "")
    }

    @Test func aWrongPostgreSQLPasswordIsInTheReport() throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env, rows: 10)
        defer { fixture.tearDown() }
        let run = try fixture.run(try fixture.pipeline(postgresPassword: "wrong-password"))
        let (error, code) = startError(run)
        #expect(error.contains("password authentication failed"), "\(error)")
        #expect(!error.contains("wrong-password"), "the password is never written")
        #expect(!code.isEmpty)
        #expect(run.table["table"] as? String == "items" && run.table["status"] as? String == "failed")
        #expect(run.table["error"] as? String == error)
    }

    @Test func anUnreachablePostgreSQLIsInTheReport() throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env, rows: 10)
        defer { fixture.tearDown() }
        let run = try fixture.run(try fixture.pipeline(), environment: ["PGPORT": "1"])
        let (error, _) = startError(run)
        #expect(error.contains("127.0.0.1") || error.contains("localhost") || error.contains("connect"), "\(error)")
    }

    @Test func anUnreachableClickHouseIsInTheReport() throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env, rows: 10)
        defer { fixture.tearDown() }
        let run = try fixture.run(try fixture.pipeline(), environment: ["SLUICE_CLICKHOUSE_URL": "http://127.0.0.1:1"])
        let (error, _) = startError(run)
        #expect(error.contains("127.0.0.1:1") || error.lowercased().contains("connect"), "\(error)")
        #expect(run.table["status"] as? String == "failed")
    }

    @Test func aConfigurationTheConnectorsRejectIsInTheReport() throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env, rows: 10)
        defer { fixture.tearDown() }
        // The file loads; the source's section names a variable that is not set, which the connector finds.
        let run = try fixture.run(try fixture.pipeline(postgresPassword: "${SLUICE_TEST_UNSET_PASSWORD}"))
        let (error, code) = startError(run)
        #expect(error.contains("SLUICE_TEST_UNSET_PASSWORD"), "\(error)")
        #expect(!code.isEmpty)
        #expect(run.report["pipeline"] as? String == "cluster-test")
        #expect(run.table["table"] as? String == "items" && run.table["error"] as? String == error)

        // A page can be made of it, with the error on it.
        let page = fixture.directory + "/failed.html"
        let rendered = try Shell.execute(Paths.sluice, ["report", run.reportPath, "-o", page])
        #expect(rendered.status == 0, "\(rendered.stderr)")
        #expect(try String(contentsOfFile: page, encoding: .utf8).contains("SLUICE_TEST_UNSET_PASSWORD"))
    }

    @Test func aFileThatIsNotAPipelineStillGetsAReport() throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env, rows: 10)
        defer { fixture.tearDown() }
        let path = fixture.directory + "/broken.yaml"
        try "pipeline: broken\ntables: [\n".write(toFile: path, atomically: true, encoding: .utf8)
        let run = try fixture.run(path)
        let (error, _) = startError(run)
        #expect(error.contains(path), "the error names the file: \(error)")
        #expect(run.report["pipeline"] as? String == "" && (run.report["tables"] as? [Any])?.isEmpty == true)
    }
}
