import Foundation
import Testing

/// The declared schema guards the warehouse: a retyped source column stops its table (the others go on), new
/// source columns are reported or, with `schema_evolution: add_columns`, added to the ClickHouse table.
@Suite(.serialized) struct SchemaRegistryTests {
    static let setup = """
        CREATE TABLE items (id bigint PRIMARY KEY, name text, updated_at timestamptz NOT NULL);
        INSERT INTO items SELECT g, 'item ' || g, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second'
        FROM generate_series(1, 50) g;
        CREATE TABLE notes (id bigint PRIMARY KEY, body varchar(20), updated_at timestamptz NOT NULL);
        INSERT INTO notes SELECT g, 'note ' || g, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second'
        FROM generate_series(1, 20) g;
        """

    func tables(evolution: String = "report") -> String { """
          - name: items
            primary_key: [id]
            cursor: updated_at
            schema_evolution: \(evolution)
            columns:
              - {name: id, type: int64, nullable: false, source_type: bigint}
              - {name: name, type: string, source_type: text}
              - {name: updated_at, type: timestamptz, nullable: false, source_type: timestamp with time zone}
          - name: notes
            primary_key: [id]
            cursor: updated_at
            columns:
              - {name: id, type: int64, nullable: false}
              - {name: body, type: string, source_type: "character varying(20)"}
              - {name: updated_at, type: timestamptz, nullable: false}
        """ }

    @Test func newSourceColumnsAreAddedToTheWarehouseWhenAsked() throws {
        let fixture = try ScratchPipeline(setup: Self.setup)
        defer { fixture.tearDown() }
        let config = try fixture.pipeline(table: tables(evolution: "add_columns"))
        let first = try fixture.run(config)
        #expect(first.status == 0)
        // No merge may fold the runs' versions: the raw count below must be what they loaded.
        try fixture.clickhouse("SYSTEM STOP MERGES \(fixture.clean).items")
        try fixture.psql("""
            ALTER TABLE items ADD COLUMN price numeric(10,2), ADD COLUMN tags text[];
            UPDATE items SET price = id * 1.5, tags = ARRAY['a', 'b'], updated_at = '2024-06-01' WHERE id <= 5;
            """)
        let second = try fixture.run(config)
        #expect(second.status == 0, "\(second.output.suffix(2000))")
        let items = (second.report["tables"] as? [[String: Any]])?.first { $0["table"] as? String == "items" }
        #expect(items?["schema_changes"] as? [String] == ["added column price (decimal(10,2))", "added column tags (json)"])
        #expect(try fixture.clickhouse("SELECT name, type FROM system.columns WHERE database = '\(fixture.clean)' AND table = 'items' FORMAT TSV")
            .contains("price\tNullable(Decimal(10, 2))\ntags\tNullable(String)\n_sluice_deleted"))
        #expect(try fixture.clickhouse("SELECT sum(price), any(tags) FROM \(fixture.clean).items FINAL WHERE id <= 5 FORMAT TSV").trimmed
                == "22.50\t[\"a\",\"b\"]")
        // Raw rows, no FINAL: the two runs loaded exactly what their reports say, nothing twice.
        let loaded = [first, second].map { run in
            ((run.report["tables"] as? [[String: Any]])?.first { $0["table"] as? String == "items" }?["rows_loaded"] as? Int) ?? -1
        }
        #expect(Int(try fixture.clickhouse("SELECT count() FROM \(fixture.clean).items").trimmed) == loaded.reduce(0, +))
        // The third run finds the columns there already.
        #expect(try fixture.run(config).status == 0)
    }

    @Test func aRetypedColumnStopsItsTableAndTheOthersGoOn() throws {
        let fixture = try ScratchPipeline(setup: Self.setup)
        defer { fixture.tearDown() }
        let config = try fixture.pipeline(table: tables())
        #expect(try fixture.run(config).status == 0)
        try fixture.psql("ALTER TABLE notes ALTER COLUMN body TYPE varchar(200); ALTER TABLE items ADD COLUMN extra int")
        let validate = try Shell.execute(Paths.sluice, ["validate", "--config", config])
        #expect(validate.status == 1)
        #expect(validate.stdout.contains("FAIL table notes") && validate.stdout.contains("character varying(200)")
                && validate.stdout.contains("character varying(20)"), "\(validate.stdout)")
        #expect(validate.stdout.contains("WARN table items: source columns not loaded: extra (integer)"), "\(validate.stdout)")
        let run = try fixture.run(config)
        #expect(run.status == 1)
        let reports = run.report["tables"] as? [[String: Any]] ?? []
        #expect(reports.first { $0["table"] as? String == "items" }?["status"] as? String == "succeeded")
        let notes = reports.first { $0["table"] as? String == "notes" }
        #expect(notes?["status"] as? String == "failed")
        #expect((notes?["error"] as? String)?.contains("schema_drift") == true)
    }
}
