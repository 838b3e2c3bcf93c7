import Foundation
import Testing

/// How runs load ClickHouse: small tasks are gathered into one insert so that a run adds few parts, whatever its
/// task count (ClickHouse slows down and finally refuses inserts when parts accumulate).
@Suite(.serialized) struct LoadingTests {
    /// Active parts of the clean table.
    func parts(_ fixture: PipelineFixture) throws -> Int {
        Int(try fixture.env.clickhouse(
            "SELECT count() FROM system.parts WHERE database = '\(fixture.clean)' AND table = 'items' AND active").trimmed) ?? -1
    }

    @Test func aRunOfSmallTasksAddsOnePartNotOnePerTask() throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env, rows: 2_000)
        defer { fixture.tearDown() }
        // A lag of ten days re-reads every row each run, in 4 tasks of about 500 rows.
        let config = try fixture.pipeline(partitions: 4, lag: "10d")
        let first = try fixture.run(config)
        #expect(first.status == 0, "\(first.output.suffix(2000))")
        try env.clickhouse("SYSTEM STOP MERGES \(fixture.clean).items")
        let before = try parts(fixture)

        let second = try fixture.run(config)
        #expect(second.status == 0 && second.table["rows_loaded"] as? Int == 2_000)
        #expect((second.table["tasks"] as? [Any])?.count == 4)
        #expect(try parts(fixture) - before == 1, "4 tasks, 1 part")
        #expect(try fixture.rawCount() == 4_000, "every row of both runs, once")

        // Without gathering, each task is a part of its own: the measure above can tell.
        let ungathered = fixture.directory + "/ungathered.yaml"
        try String(contentsOfFile: config, encoding: .utf8)
            .replacingOccurrences(of: "curated_database: \(fixture.curated)}", with: "curated_database: \(fixture.curated), gather_tasks_below: 0}")
            .write(toFile: ungathered, atomically: true, encoding: .utf8)
        let third = try fixture.run(ungathered)
        #expect(third.status == 0)
        #expect(try parts(fixture) - before == 1 + 4)
        #expect(try fixture.rawCount() == 6_000)
        #expect(try fixture.differences().isEmpty)
    }
}
