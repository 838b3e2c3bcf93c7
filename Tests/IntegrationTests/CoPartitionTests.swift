import Foundation
import Testing

/// A parent and a child table read together (transactions and their items, co-partitioned on the transaction id)
/// with a reconciliation, against the real servers: exactly the transactions whose items do not add up are
/// quarantined, with their items; the rest load; the child's rows equal PostgreSQL's own join.
@Suite(.serialized) struct CoPartitionTests {
    static let setup = """
        CREATE TABLE transactions (id bigint PRIMARY KEY, customer text NOT NULL, total numeric(12,2) NOT NULL,
                                   updated_at timestamptz NOT NULL);
        CREATE TABLE transaction_items (id bigint PRIMARY KEY, transaction_id bigint NOT NULL REFERENCES transactions,
                                        sku text NOT NULL, amount numeric(12,2) NOT NULL, qty integer NOT NULL);
        INSERT INTO transactions SELECT g, 'customer ' || (g % 17) || ' ✓', 0,
                                        timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute'
        FROM generate_series(1, 2000) g;
        -- 0 to 3 items each (transactions whose id is a multiple of 4 have none).
        INSERT INTO transaction_items SELECT t.id * 10 + k, t.id, 'sku-' || k, ((t.id * 7 + k * 13) % 5000 - 100) / 100.0, 1 + k
        FROM transactions t, generate_series(1, (t.id % 4)::int) k;
        UPDATE transactions t SET total = coalesce((SELECT sum(amount) FROM transaction_items i WHERE i.transaction_id = t.id), 0);
        -- Exactly three transactions do not add up (by more than the tolerance).
        UPDATE transactions SET total = total + 0.02 WHERE id IN (17, 1001, 1999);
        """

    static let tables = """
          - name: transactions
            primary_key: [id]
            cursor: updated_at
            lag: 0
            partition: {column: id, count: 4}
            columns:
              - {name: id, type: int64, nullable: false}
              - {name: customer, type: string, nullable: false}
              - {name: total, type: "decimal(12,2)", nullable: false}
              - {name: updated_at, type: timestamptz, nullable: false}
            validations:
              - name: items_sum_to_total
                reconcile: {child: transaction_items, aggregate: "sum(amount)", equals: total, tolerance: 0.01}
                action: quarantine
          - name: transaction_items
            primary_key: [id]
            parent: {table: transactions, on: {transaction_id: id}}
            columns:
              - {name: id, type: int64, nullable: false}
              - {name: transaction_id, type: int64, nullable: false}
              - {name: sku, type: string, nullable: false}
              - {name: amount, type: "decimal(12,2)", nullable: false}
              - {name: qty, type: int32, nullable: false}
              - {name: line_total, type: "decimal(18,2)", nullable: false, expression: "CAST(amount * qty AS decimal(18,2))"}
              - {name: customer, type: string, expression: "transactions.customer"}
        """

    static let quarantinedTransactions = [17, 1001, 1999]

    func table(_ run: ScratchPipeline.Outcome, _ name: String) -> [String: Any] {
        (run.report["tables"] as? [[String: Any]])?.first { $0["table"] as? String == name } ?? [:]
    }

    @Test func exactlyTheTransactionsThatDoNotAddUpAreQuarantinedWithTheirItems() throws {
        let fixture = try ScratchPipeline(setup: Self.setup)
        defer { fixture.tearDown() }
        let config = try fixture.pipeline(table: Self.tables)
        let plan = try Shell.execute(Paths.sluice, ["plan", "--config", config])
        #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
        #expect(plan.stdout.contains("transaction_items: child of transactions, read by each of its 4 task(s)"), "\(plan.stdout)")

        let run = try fixture.run(config)
        #expect(run.status == 0, "\(run.output.suffix(3000))")
        let transactions = table(run, "transactions")
        let items = table(run, "transaction_items")
        let itemCount = Int(try fixture.psql("SELECT count(*) FROM transaction_items").trimmed) ?? -1
        let badItems = Int(try fixture.psql("SELECT count(*) FROM transaction_items WHERE transaction_id IN (17, 1001, 1999)").trimmed) ?? -1
        #expect(transactions["rows_quarantined"] as? Int == 3)
        #expect(transactions["rows_loaded"] as? Int == 1997)
        #expect(items["rows_extracted"] as? Int == itemCount)
        #expect(items["rows_quarantined"] as? Int == badItems && badItems == 5)
        #expect(items["rows_loaded"] as? Int == itemCount - badItems)

        // The transactions in ClickHouse: all but the three.
        let loadedIDs = try fixture.clickhouse("SELECT id FROM \(fixture.clean).transactions ORDER BY id").split(separator: "\n")
        let expectedIDs = try fixture.psql("SELECT id FROM transactions WHERE id NOT IN (17, 1001, 1999) ORDER BY id").split(separator: "\n")
        #expect(loadedIDs == expectedIDs)

        // The items: exactly PostgreSQL's join of items with their transactions, the three left out.
        let checksum = "count(*), sum(id), sum(transaction_id), sum(line_total * id), sum(length(customer) * id)"
        let wanted = try fixture.psql("""
            SELECT \(checksum) FROM (SELECT i.id, i.transaction_id, (i.amount * i.qty)::numeric(18,2) AS line_total, t.customer
                                     FROM transaction_items i JOIN transactions t ON t.id = i.transaction_id
                                     WHERE t.id NOT IN (17, 1001, 1999)) j
            """).trimmed.replacingOccurrences(of: "|", with: "\t")
        let got = try fixture.clickhouse("""
            SELECT \(checksum.replacingOccurrences(of: "count(*)", with: "count()").replacingOccurrences(of: "length(customer)", with: "lengthUTF8(customer)"))
            FROM \(fixture.clean).transaction_items FORMAT TabSeparated
            """).trimmed
        #expect(got == wanted)
        // Each item is versioned by its transaction's cursor.
        let mismatched = try fixture.clickhouse("""
            SELECT count() FROM \(fixture.clean).transaction_items AS i
            ANY INNER JOIN (SELECT id AS transaction_id, _sluice_version AS v FROM \(fixture.clean).transactions) USING transaction_id
            WHERE i._sluice_version != v
            """).trimmed
        #expect(mismatched == "0")

        // The quarantine files, read by pyarrow: the three transactions and their five items, each with why.
        let files = (transactions["quarantine_files"] as? [String] ?? []) + (items["quarantine_files"] as? [String] ?? [])
        let script = """
            import sys, json, pyarrow.parquet as pq
            out = {}
            for path in sys.argv[1:]:
                t = pq.read_table(path).to_pylist()
                kind = 'items' if 'transaction_id' in (t[0] if t else {}) else 'transactions'
                for r in t:
                    out.setdefault(kind, []).append([r['id'], r['_sluice_rule'], r['_sluice_reason']])
            print(json.dumps(out))
            """
        let python = try Shell.execute("/usr/bin/env", ["python3", "-c", script] + files)
        #expect(python.status == 0, "\(python.stderr)")
        let found = try JSONSerialization.jsonObject(with: Data(python.stdout.utf8)) as? [String: [[Any]]] ?? [:]
        let quarantined = (found["transactions"] ?? []).compactMap { $0[0] as? Int }.sorted()
        #expect(quarantined == Self.quarantinedTransactions)
        #expect((found["transactions"] ?? []).allSatisfy { ($0[1] as? String) == "items_sum_to_total" })
        let reason17 = (found["transactions"] ?? []).first { $0[0] as? Int == 17 }?[2] as? String
        let total17 = try fixture.psql("SELECT total::text FROM transactions WHERE id = 17").trimmed
        let sum17 = try fixture.psql("SELECT sum(amount)::text FROM transaction_items WHERE transaction_id = 17").trimmed
        #expect(reason17 == "sum(amount) over transaction_items is \(sum17) but total is \(total17) (tolerance 0.01)")
        let quarantinedItems = (found["items"] ?? []).compactMap { $0[0] as? Int }.sorted()
        let expectedItems = try fixture.psql("SELECT id FROM transaction_items WHERE transaction_id IN (17, 1001, 1999) ORDER BY id")
            .split(separator: "\n").compactMap { Int($0) }
        #expect(quarantinedItems == expectedItems)
        #expect((found["items"] ?? []).contains { ($0[2] as? String) == "its parent (transactions id = 1001) was quarantined by items_sum_to_total" })
    }

    @Test func laterRunsFollowTheTransactionsThatChange() throws {
        let fixture = try ScratchPipeline(setup: Self.setup)
        defer { fixture.tearDown() }
        let config = try fixture.pipeline(table: Self.tables)
        let first = try fixture.run(config)
        #expect(first.status == 0)
        // No merge may fold the two runs' versions from here on: the raw counts below must be what the runs loaded.
        for name in ["transactions", "transaction_items"] { _ = try fixture.clickhouse("SYSTEM STOP MERGES \(fixture.clean).\(name)") }
        // 17 is corrected; an item of 5 changes so that 5 stops adding up; 6 gains an item and its total follows.
        try fixture.psql("""
            UPDATE transactions SET total = total - 0.02, updated_at = now() WHERE id = 17;
            UPDATE transaction_items SET amount = amount + 1 WHERE id = 51;
            UPDATE transactions SET updated_at = now() WHERE id = 5;
            INSERT INTO transaction_items VALUES (69, 6, 'sku-9', 2.50, 1);
            UPDATE transactions SET total = total + 2.50, updated_at = now() WHERE id = 6;
            """)
        let second = try fixture.run(config)
        #expect(second.status == 0, "\(second.output.suffix(3000))")
        #expect(table(second, "transactions")["mode"] as? String == "incremental")
        #expect(table(second, "transactions")["rows_extracted"] as? Int == 3)
        #expect(table(second, "transactions")["rows_quarantined"] as? Int == 1)
        // Raw rows, no FINAL: exactly what the two runs' reports say was loaded, per table.
        for name in ["transactions", "transaction_items"] {
            let raw = Int(try fixture.clickhouse("SELECT count() FROM \(fixture.clean).\(name)").trimmed)
            #expect(raw == (table(first, name)["rows_loaded"] as? Int ?? -1) + (table(second, name)["rows_loaded"] as? Int ?? -1), "\(name)")
        }
        // What ClickHouse counts as live equals what passes now in PostgreSQL.
        let liveTransactions = try fixture.clickhouse(
            "SELECT id FROM \(fixture.clean).transactions FINAL WHERE _sluice_deleted = 0 ORDER BY id").split(separator: "\n")
        let passing = try fixture.psql("""
            SELECT t.id FROM transactions t LEFT JOIN transaction_items i ON i.transaction_id = t.id
            GROUP BY t.id, t.total HAVING abs(coalesce(sum(i.amount), 0) - t.total) <= 0.01 ORDER BY t.id
            """).split(separator: "\n")
        #expect(liveTransactions == passing)
        #expect(!liveTransactions.contains("5") && liveTransactions.contains("17"))
        let liveItems = try fixture.clickhouse(
            "SELECT id FROM \(fixture.clean).transaction_items FINAL WHERE _sluice_deleted = 0 ORDER BY id").split(separator: "\n")
        let passingItems = try fixture.psql("""
            SELECT i.id FROM transaction_items i WHERE i.transaction_id IN (
                SELECT t.id FROM transactions t LEFT JOIN transaction_items j ON j.transaction_id = t.id
                GROUP BY t.id, t.total HAVING abs(coalesce(sum(j.amount), 0) - t.total) <= 0.01) ORDER BY i.id
            """).split(separator: "\n")
        #expect(liveItems == passingItems)
        #expect(liveItems.contains("69"))
    }
}
