import Foundation
import Testing

/// `sluice init` writes table files from PostgreSQL's catalogue that, unedited, run a pipeline landing exactly
/// the source rows; what the data suggests stays in comments.
@Suite(.serialized) struct InitTests {
    @Test func initWritesTableFilesThatRunUnedited() throws {
        let fixture = try ScratchPipeline(setup: """
            CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL, tier text, signup date,
                                    updated_at timestamptz NOT NULL, location point);
            CREATE INDEX ON customers (updated_at);
            INSERT INTO customers SELECT g, 'customer ' || g, (ARRAY['gold','silver','bronze'])[1 + g % 3],
              date '2001-01-01' + g, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute', point(g, g)
            FROM generate_series(1, 3000) g;
            CREATE TABLE order_lines (order_id int NOT NULL, line smallint NOT NULL, amount numeric(12,2), sku varchar(12),
                                      UNIQUE (order_id, line));
            INSERT INTO order_lines SELECT g / 4, (g % 4)::smallint, g * 1.25, 'SKU-' || g FROM generate_series(1, 2000) g;
            CREATE TABLE logs (mtime timestamp, message text);
            INSERT INTO logs SELECT timestamp '2024-03-01 00:00:00' + g * interval '7 minutes', 'event ' || g FROM generate_series(1, 500) g;
            ANALYZE;
            """)
        defer { fixture.tearDown() }
        let pipeline = fixture.directory + "/init.yaml"
        try """
        pipeline: init-test
        source:
          postgres: {host: "${PGHOST}", port: "${PGPORT}", database: \(fixture.database), user: "${PGUSER}", password: "${PGPASSWORD}"}
        sink:
          clickhouse: {url: "${SLUICE_CLICKHOUSE_URL}", user: "${SLUICE_CLICKHOUSE_USER}", password: "${SLUICE_CH_PASSWORD}",
                       database: \(fixture.clean), metadata_database: \(fixture.metadata), curated_database: \(fixture.curated)}
        staging: {directory: \(fixture.directory)/staging}
        tables_dir: tables
        """.write(toFile: pipeline, atomically: true, encoding: .utf8)

        let initialized = try Shell.execute(Paths.sluice, ["init", "--config", pipeline])
        #expect(initialized.status == 0, "\(initialized.stdout)\(initialized.stderr)")
        #expect(initialized.stdout.contains("logs.yaml: 2 columns, no key (load: append), cursor mtime"), "\(initialized.stdout)")
        let logs = try String(contentsOfFile: fixture.directory + "/tables/logs.yaml", encoding: .utf8)
        #expect(logs.contains("\nload: append") && !logs.contains("\nprimary_key:"), "\(logs)")
        #expect(logs.contains("- {name: mtime, type: timestamp, nullable: false, source_type: \"timestamp without time zone\"}")
                && logs.contains("# mtime: allows NULL in the source, but an append table's cursor cannot be NULL"), "\(logs)")
        let customers = try String(contentsOfFile: fixture.directory + "/tables/customers.yaml", encoding: .utf8)
        #expect(customers.contains("cursor: updated_at   # indexed, and named like a change time"), "\(customers)")
        #expect(customers.contains("- {name: id, type: int64, nullable: false, source_type: bigint}"), "\(customers)")
        #expect(customers.contains("# id: values fit int32 (1 ... 3000)"), "\(customers)")
        #expect(customers.contains("ignore_columns: [location]"), "\(customers)")
        let lines = try String(contentsOfFile: fixture.directory + "/tables/order_lines.yaml", encoding: .utf8)
        #expect(lines.contains("primary_key: [order_id, line]") && lines.contains("# no cursor"), "\(lines)")
        #expect(lines.contains("{name: amount, type: \"decimal(12,2)\", source_type: \"numeric(12,2)\"}"), "\(lines)")

        // Unedited, the files run a pipeline that lands exactly the source rows.
        let validate = try Shell.execute(Paths.sluice, ["validate", "--config", pipeline])
        #expect(validate.status == 0, "\(validate.stdout)")
        let run = try fixture.run(pipeline)
        #expect(run.status == 0, "\(run.output.suffix(3000))")
        let sourceSums = try fixture.psql("""
            SELECT (SELECT count(*) || ',' || sum(id) || ',' || sum(length(name)) FROM customers) || ';' ||
                   (SELECT count(*) || ',' || sum(amount) || ',' || sum(order_id * 10 + line) FROM order_lines) || ';' ||
                   (SELECT count(*) || ',' || sum(length(message)) FROM logs)
            """).trimmed
        let sinkSums = try fixture.clickhouse("""
            SELECT concat(
              (SELECT concat(toString(count()), ',', toString(sum(id)), ',', toString(sum(lengthUTF8(name)))) FROM \(fixture.clean).customers), ';',
              (SELECT concat(toString(count()), ',', toString(sum(amount)), ',', toString(sum(order_id * 10 + line))) FROM \(fixture.clean).order_lines), ';',
              (SELECT concat(toString(count()), ',', toString(sum(lengthUTF8(message)))) FROM \(fixture.clean).logs))
            """).trimmed
        #expect(sinkSums == sourceSums)
        #expect(try fixture.clickhouse("SELECT count() FROM \(fixture.clean).customers").trimmed == "3000")

        // A second init keeps the files; --force rewrites them.
        let again = try Shell.execute(Paths.sluice, ["init", "--config", pipeline, "--tables", "public.cust*"])
        #expect(again.stdout.contains("kept") && !again.stdout.contains("order_lines"), "\(again.stdout)")
    }
}
