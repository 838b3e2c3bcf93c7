import Foundation
import SluiceConfig
import SluiceCore
import SluicePipeline
import Testing

/// What travels to executors: the run plan as JSON, and connector payloads.
@Suite struct RunWorkTests {
    @Test func theRunPlanSurvivesJSON() throws {
        let table = try tableConfig("""
              - {name: id, type: int64, nullable: false}
              - {name: born, type: date, out_of_range: set_null}
              - {name: updated_at, type: timestamptz, nullable: false}
        """, extra: "    deleted_when: \"deleted_at IS NOT NULL\"")
        let schema = StagedColumns.schema(for: table)
        #expect(schema.fields.map(\.name) == ["id", "born", "updated_at", "_sluice_deleted"])
        #expect(schema.fields[3] == Field(name: "_sluice_deleted", type: .boolean, nullable: false))
        let limits = SinkLimits(dates: 0...10, timestamps: 0...100)
        let section = ConnectorSection(kind: "postgres", file: "p.yaml", text: "source:\n  postgres: {password: \"${PW}\"}\n",
                                       path: ["source"], line: 2)
        let work = RunWork(
            runID: "r1", startedAt: 1_733_000_000_000_000, source: section, sink: section, staging: StagingConfig(directory: "/s", compression: .zstd),
            batchRows: 1000,
            tables: [TableWork(table: "orders", transform: .identity(schema), stages: [.temporalBounds(TemporalRule.rules(for: table, limits: limits))],
                               cursor: "updated_at", cursorKind: .timestampTZ, specialValues: .setNull,
                               sink: ConnectorPayload(kind: "clickhouse", bytes: [0, 1, 2, 255]))])
        let json = try work.json()
        #expect(json.contains("${PW}"), "secrets travel as references")
        #expect(try RunWork(json: json) == work)
        #expect(work.tables[0].deletedColumn == 3)
        #expect(work.tables[0].stagedSchema == schema)
        let broken = #expect(throws: SluiceError.self) { _ = try RunWork(json: "{\"runID\": 3}") }
        #expect(broken?.code == .invalidRunPlan)
    }

    @Test func payloadsBelongToTheirConnector() throws {
        struct Spec: Codable, Equatable { var query: String }
        let payload = try ConnectorPayload.json(kind: "postgres", Spec(query: "SELECT 1"))
        #expect(try payload.decodeJSON(Spec.self, kind: "postgres") == Spec(query: "SELECT 1"))
        let foreign = #expect(throws: SluiceError.self) { _ = try payload.decodeJSON(Spec.self, kind: "clickhouse") }
        #expect(foreign?.message.contains("postgres payload reached the clickhouse connector") == true)
    }
}
