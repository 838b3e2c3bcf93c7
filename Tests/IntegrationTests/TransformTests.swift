import Foundation
import Testing

/// Transforms against the real servers: the filter (part pushed into PostgreSQL, part on the executors), derived
/// columns and a quarantine rule, compared row by row with the same computation done by PostgreSQL itself; the
/// quarantine file read back by pyarrow.
@Suite(.serialized) struct TransformTests {
    static let setup = """
        CREATE TABLE orders (
            id bigint PRIMARY KEY,
            customer text NOT NULL,
            amount numeric(12,2) NOT NULL,
            qty integer NOT NULL,
            status text NOT NULL,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL
        );
        INSERT INTO orders
        SELECT g,
               (ARRAY['anna', 'Bob', 'zoë 🦀', '', 'ada lovelace'])[1 + g % 5],
               ((g * 7919) % 40000 - 5000) / 100.0,
               (g * 31) % 5,
               (ARRAY['paid', 'test', 'open'])[1 + g % 3],
               timestamptz '1969-12-15 10:00:00+00' + g * interval '7 hours 13 minutes',
               timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second'
        FROM generate_series(1, 3000) g;
        """

    static let table = """
          - name: orders
            primary_key: [id]
            cursor: updated_at
            lag: 0
            partition: {column: id, count: 3}
            filter: "status <> 'test' AND length(customer) > 0"
            columns:
              - {name: id, type: int64, nullable: false}
              - {name: who, source: customer, type: string, nullable: false}
              - {name: amount, type: "decimal(12,2)", nullable: false}
              - {name: unit_price, type: "decimal(18,6)", expression: "CASE WHEN qty <> 0 THEN CAST(amount / qty AS decimal(18,6)) END"}
              - {name: size, type: string, nullable: false, expression: "CASE WHEN amount >= 100 THEN 'big' WHEN amount >= 0 THEN 'small' ELSE 'refund' END"}
              - {name: month, type: timestamptz, out_of_range: set_null, expression: "date_trunc('month', created_at)"}
              - {name: name_length, type: int32, nullable: false, expression: "length(customer)"}
              - {name: shout, type: string, nullable: false, expression: "upper(customer) || '!'"}
              - {name: updated_at, type: timestamptz, nullable: false}
            validations:
              - {name: non_negative, rule: "amount >= 0", action: quarantine}
        """

    /// What PostgreSQL computes for the rows the pipeline should load: the same filter, columns and rule.
    static let expected = """
        SELECT id, customer, amount::text, CASE WHEN qty <> 0 THEN (amount / qty)::numeric(18,6)::text ELSE 'NULL' END,
               CASE WHEN amount >= 100 THEN 'big' WHEN amount >= 0 THEN 'small' ELSE 'refund' END,
               CASE WHEN created_at < '1970-01-01 00:00:00+00' THEN 'NULL'
                    ELSE extract(epoch FROM date_trunc('month', created_at AT TIME ZONE 'UTC'))::bigint::text END,
               length(customer)
        FROM orders WHERE status <> 'test' AND length(customer) > 0 AND amount >= 0 ORDER BY id
        """

    @Test func transformedRowsAreExactlyWhatPostgreSQLComputes() throws {
        let fixture = try ScratchPipeline(setup: Self.setup)
        defer { fixture.tearDown() }
        let config = try fixture.pipeline(table: Self.table)

        // Where the filter runs: the comparison in PostgreSQL, length() on the executors.
        let plan = try Shell.execute(Paths.sluice, ["plan", "--config", config])
        #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
        #expect(plan.stdout.contains("filter in the source: status <> 'test'"), "\(plan.stdout)")
        #expect(plan.stdout.contains("filter on executors: length(customer) > 0"))
        #expect(plan.stdout.contains("AND (\"status\" <> 'test')") || plan.stdout.contains("\"status\" <> 'test'"))

        let run = try fixture.run(config)
        #expect(run.status == 0, "\(run.output.suffix(3000))")

        let wanted = try fixture.psql(Self.expected)
        let loaded = try fixture.clickhouse("""
            SELECT id, who, toString(amount), ifNull(toString(unit_price), 'NULL'), size, ifNull(toString(toUnixTimestamp(month)), 'NULL'),
                   name_length
            FROM \(fixture.clean).orders ORDER BY id FORMAT TabSeparated
            """)
        let wantedRows = wanted.split(separator: "\n").map { $0.replacingOccurrences(of: "|", with: "\t") }
        let loadedRows = loaded.split(separator: "\n").map(String.init)
        #expect(wantedRows.count > 1000)
        #expect(loadedRows.count == wantedRows.count)
        for (want, got) in zip(wantedRows, loadedRows) where want != got {
            Issue.record("row differs: PostgreSQL \(want) / ClickHouse \(got)")
            break
        }
        // Unicode upper-casing, in ClickHouse, of the rows PostgreSQL says were loaded.
        #expect(try fixture.clickhouse("SELECT DISTINCT shout FROM \(fixture.clean).orders WHERE who = 'zoë 🦀'").trimmed == "ZOË 🦀!")

        // The report: rows extracted (what PostgreSQL returned after the pushed part), filtered, quarantined.
        let afterPush = Int(try fixture.psql("SELECT count(*) FROM orders WHERE status <> 'test'").trimmed) ?? -1
        let emptyNames = Int(try fixture.psql("SELECT count(*) FROM orders WHERE status <> 'test' AND customer = ''").trimmed) ?? -1
        let negative = Int(try fixture.psql("SELECT count(*) FROM orders WHERE status <> 'test' AND customer <> '' AND amount < 0").trimmed) ?? -1
        #expect(run.table["rows_extracted"] as? Int == afterPush)
        #expect(run.table["rows_filtered"] as? Int == emptyNames)
        #expect(emptyNames > 100)
        #expect(run.table["rows_quarantined"] as? Int == negative)
        #expect(run.table["rows_loaded"] as? Int == wantedRows.count)
        #expect(negative > 100)

        // Every quarantine file reads back in pyarrow: exactly the negative amounts, each with its rule and reason.
        let files = run.table["quarantine_files"] as? [String] ?? []
        #expect(files.count == 3, "one per task: \(files)")
        let script = """
            import sys, pyarrow.parquet as pq
            rows = []
            for path in sys.argv[1:]:
                t = pq.read_table(path)
                assert t.column_names[-2:] == ['_sluice_rule', '_sluice_reason'], t.column_names
                for r in t.to_pylist():
                    assert r['_sluice_rule'] == 'non_negative', r
                    assert r['_sluice_reason'] == 'amount >= 0 does not hold (amount = %s)' % r['amount'], r
                    rows.append(r['id'])
            print('\\n'.join(str(i) for i in sorted(rows)))
            """
        let python = try Shell.execute("/usr/bin/env", ["python3", "-c", script] + files)
        #expect(python.status == 0, "\(python.stderr)")
        let quarantinedIDs = python.stdout.split(separator: "\n").map(String.init)
        let negativeIDs = try fixture.psql("SELECT id FROM orders WHERE status <> 'test' AND customer <> '' AND amount < 0 ORDER BY id")
            .split(separator: "\n").map(String.init)
        #expect(quarantinedIDs == negativeIDs)
    }

    @Test func rowsThatStopPassingAreLoadedAsDeletionsAndTheCleanViewDropsThem() throws {
        let fixture = try ScratchPipeline(setup: Self.setup)
        defer { fixture.tearDown() }
        let config = try fixture.pipeline(table: Self.table)
        let first = try fixture.run(config)
        #expect(first.status == 0)
        // No merge may fold the two runs' versions: the raw count below must be what the runs loaded.
        try fixture.clickhouse("SYSTEM STOP MERGES \(fixture.clean).orders")
        // Three loaded rows change: one becomes a test order, one a refund, one only changes its amount.
        let loaded = try fixture.psql("""
            SELECT id FROM orders WHERE status <> 'test' AND customer <> '' AND amount >= 0 AND qty > 0 ORDER BY id LIMIT 3
            """).split(separator: "\n").map(String.init)
        try #require(loaded.count == 3)
        try fixture.psql("""
            UPDATE orders SET status = 'test', updated_at = now() WHERE id = \(loaded[0]);
            UPDATE orders SET amount = -1, updated_at = now() WHERE id = \(loaded[1]);
            UPDATE orders SET amount = amount + 1, updated_at = now() WHERE id = \(loaded[2]);
            """)
        let second = try fixture.run(config)
        #expect(second.status == 0, "\(second.output.suffix(2000))")
        #expect(second.table["mode"] as? String == "incremental")
        #expect(second.table["rows_filtered"] as? Int == 1)
        #expect(second.table["rows_quarantined"] as? Int == 1)
        #expect(second.table["rows_deleted"] as? Int == 2)
        // The clean table holds exactly what PostgreSQL says passes now.
        let wanted = try fixture.psql("SELECT count(*) FROM orders WHERE status <> 'test' AND length(customer) > 0 AND amount >= 0").trimmed
        let live = try fixture.clickhouse("SELECT count() FROM \(fixture.clean).orders FINAL WHERE _sluice_deleted = 0").trimmed
        #expect(live == wanted)
        // Raw rows, no FINAL: exactly what the two reports say was loaded, so nothing was loaded twice.
        let raw = Int(try fixture.clickhouse("SELECT count() FROM \(fixture.clean).orders").trimmed)
        #expect(raw == (first.table["rows_loaded"] as? Int ?? -1) + (second.table["rows_loaded"] as? Int ?? -1))
        #expect(try fixture.clickhouse("SELECT _sluice_deleted FROM \(fixture.clean).orders FINAL WHERE id = \(loaded[0])").trimmed == "1")
    }

    @Test func aBroadcastJoinGivesExactlyWhatTheSameJoinGivesInPostgreSQL() throws {
        let fixture = try ScratchPipeline(setup: Self.setup + """
            CREATE TABLE customers (name text PRIMARY KEY, tier text, discount numeric(4,2) NOT NULL);
            INSERT INTO customers VALUES ('anna', 'gold', 0.15), ('Bob', NULL, 0.05), ('zoë 🦀', 'basic', 0);
            """)
        defer { fixture.tearDown() }
        let table = """
              - name: orders
                primary_key: [id]
                cursor: updated_at
                joins:
                  - name: c
                    source: customers
                    on: {customer: name}
                    max_rows: 10
                    columns:
                      - {name: tier, type: string}
                      - {name: discount, type: "decimal(4,2)"}
                columns:
                  - {name: id, type: int64, nullable: false}
                  - {name: tier, type: string, nullable: false, expression: "coalesce(c.tier, 'none')"}
                  - {name: net, type: "decimal(18,4)", nullable: false, expression: "CAST(amount * (1 - coalesce(c.discount, 0)) AS decimal(18,4))"}
                  - {name: updated_at, type: timestamptz, nullable: false}
            """
        let config = try fixture.pipeline(table: table)
        let run = try fixture.run(config)
        #expect(run.status == 0, "\(run.output.suffix(3000))")
        let checksum = """
            SELECT count(*), sum(length(tier) * id), sum(net * id)
            """
        let wanted = try fixture.psql("""
            \(checksum) FROM (SELECT o.id, coalesce(c.tier, 'none') AS tier, (o.amount * (1 - coalesce(c.discount, 0)))::numeric(18,4) AS net
                              FROM orders o LEFT JOIN customers c ON c.name = o.customer) j
            """).trimmed.replacingOccurrences(of: "|", with: "\t")
        let got = try fixture.clickhouse("\(checksum) FROM \(fixture.clean).orders FORMAT TabSeparated").trimmed
        #expect(got == wanted)
        #expect(wanted.hasPrefix("3000\t"))
        // Spot checks: a gold customer, a customer without a tier, one who is not in the small table.
        #expect(try fixture.clickhouse("SELECT DISTINCT tier FROM \(fixture.clean).orders WHERE id % 5 IN (0, 1) ORDER BY tier").trimmed
            == "gold\nnone")
    }

    @Test func aBadExpressionIsCaughtByValidateWithItsPosition() throws {
        let fixture = try ScratchPipeline(setup: Self.setup)
        defer { fixture.tearDown() }
        let config = try fixture.pipeline(table: Self.table.replacingOccurrences(of: "length(customer)\"}", with: "length(custmer)\"}"))
        let validate = try Shell.execute(Paths.sluice, ["validate", "--config", config])
        #expect(validate.status != 0)
        let text = validate.stdout + validate.stderr
        // The message points at the typo: its line in the file, and its column on that line.
        let lines = try String(contentsOfFile: config, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let line = try #require(lines.firstIndex { $0.contains("custmer") })
        let column = lines[line].distance(from: lines[line].startIndex, to: lines[line].range(of: "custmer")!.lowerBound) + 1
        #expect(text.contains(".yaml:\(line + 1):\(column):"), "\(text)")
        #expect(text.contains("unknown column 'custmer'") && text.contains("did you mean 'customer'"), "\(text)")
    }
}
