import Foundation
import Testing

/// ClickHouse failing under a run: a wrong password and a server that does not answer give clear errors, and the
/// table's bookmark stays where the last good run left it.
@Suite(.serialized) struct SinkFailureTests {
    @Test func aWrongPasswordOrAServerThatIsDownFailsClearlyAndKeepsTheBookmark() throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env, rows: 100)
        defer { fixture.tearDown() }
        let config = try fixture.pipeline()
        let first = try fixture.run(config)
        #expect(first.status == 0)
        // No merge may fold versions from here on: the raw count below must be what the runs loaded.
        try env.clickhouse("SYSTEM STOP MERGES \(fixture.clean).items")
        let bookmark = try fixture.bookmark()
        try env.psql(fixture.database, "UPDATE items SET name = 'later', updated_at = '2025-01-01' WHERE id <= 10")

        let wrongPassword = try fixture.run(config, [], environment: ["SLUICE_CH_PASSWORD": "not-the-password"])
        #expect(wrongPassword.status != 0)
        #expect(wrongPassword.output.contains("authentication failed for user \(env.clickhouseUser) at ClickHouse 127.0.0.1:"),
                "\(wrongPassword.output.suffix(2000))")
        #expect(!wrongPassword.output.contains("not-the-password"), "the password never reaches the output")

        let down = try fixture.run(config, [], environment: ["SLUICE_CLICKHOUSE_URL": "http://127.0.0.1:9"])
        #expect(down.status != 0)
        #expect(down.output.contains("cannot connect to 127.0.0.1:9 (connection refused)"), "\(down.output.suffix(2000))")

        #expect(try fixture.bookmark() == bookmark, "neither run moved the bookmark")
        #expect(try env.clickhouse("SELECT count() FROM \(fixture.clean).items WHERE name = 'later'").trimmed == "0",
                "nothing of the failed runs reached the clean table (read without FINAL)")
        let recovered = try fixture.run(config)
        #expect(recovered.status == 0 && recovered.table["rows_extracted"] as? Int == 10)
        let loaded = (first.table["rows_loaded"] as? Int ?? -1) + (recovered.table["rows_loaded"] as? Int ?? -1)
        #expect(try fixture.rawCount() == loaded, "every version in the clean table was loaded by a run, once")
        #expect(try fixture.differences().isEmpty && fixture.differences(in: .curated).isEmpty)
    }

    @Test func aRunLoadsOverHTTPSWithTheCAFileItIsGiven() throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env, rows: 300)
        defer { fixture.tearDown() }
        let text = try String(contentsOfFile: try fixture.pipeline(), encoding: .utf8)
        let untrusted = fixture.directory + "/https-untrusted.yaml"
        try text.replacingOccurrences(of: "${SLUICE_CLICKHOUSE_URL}", with: "${SLUICE_CLICKHOUSE_HTTPS_URL}")
            .write(toFile: untrusted, atomically: true, encoding: .utf8)
        let refused = try fixture.run(untrusted)
        #expect(refused.status != 0)
        #expect(refused.output.contains("certificate"), "the self-signed certificate is not trusted: \(refused.output.suffix(2000))")

        let trusted = fixture.directory + "/https.yaml"
        try text.replacingOccurrences(of: "url: \"${SLUICE_CLICKHOUSE_URL}\"", with: "url: \"${SLUICE_CLICKHOUSE_HTTPS_URL}\", ca_file: \"${SLUICE_CH_CA_FILE}\"")
            .write(toFile: trusted, atomically: true, encoding: .utf8)
        let run = try fixture.run(trusted)
        #expect(run.status == 0, "\(run.output.suffix(2000))")
        #expect(try fixture.rawCount() == 300, "each row loaded once (read without FINAL)")
        #expect(try fixture.differences().isEmpty && fixture.differences(in: .curated).isEmpty)
    }
}
