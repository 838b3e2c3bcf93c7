import SluiceCore
import Testing
@testable import PostgresSource

@Suite("Partition planning against PostgreSQL 15", .serialized)
struct PartitionPlannerTests {
    let connection: PostgresConnection

    init() throws {
        connection = try TestDatabase.connect()
    }

    /// Rows each partition really selects (shared predicates included).
    func counts(_ plan: PartitionPlan, shared: [PostgresPredicate] = []) throws -> [Int64] {
        try plan.entries.indices.map { i in
            let conditions = try PostgresPredicate.renderAll(plan.predicates(of: i, shared: shared))
            let sql = "SELECT count(*) FROM \(plan.table.quoted)" + (SQL.and(conditions).map { " WHERE \($0)" } ?? "")
            return Int64(try connection.query(sql)[0][0]!)!
        }
    }

    @Test func rangePartitionsSplitMinMaxAndKeepNulls() throws {
        try connection.execute("""
            DROP TABLE IF EXISTS plan_range; CREATE TABLE plan_range (id int, v text);
            INSERT INTO plan_range SELECT g, 'x' FROM generate_series(1, 10000) g; INSERT INTO plan_range VALUES (NULL, 'null key');
            ANALYZE plan_range;
            """)
        let table = PostgresTableName(name: "plan_range")
        let plan = try PartitionPlanner(connection).plan(PartitionPlanInput(table: table, strategy: .range(column: "id"), count: .fixed(4)))
        #expect(plan.entries.count == 4)
        #expect(plan.entries[0].sql == "(\"id\" < 2501) OR \"id\" IS NULL")
        #expect(plan.entries[3].sql == "\"id\" >= 7501")
        #expect(try counts(plan) == [2501, 2500, 2500, 2500])
        #expect(plan.entries.allSatisfy { abs($0.estimatedRows - 2500) < 300 })
        #expect(plan.summary.contains("[1, 10000]"))
    }

    @Test func targetRowsPerTaskDerivesTheCount() throws {
        try connection.execute("""
            DROP TABLE IF EXISTS plan_target; CREATE TABLE plan_target (id bigint);
            INSERT INTO plan_target SELECT g FROM generate_series(1, 20000) g; ANALYZE plan_target;
            """)
        let plan = try PartitionPlanner(connection).plan(PartitionPlanInput(
            table: PostgresTableName(name: "plan_target"), strategy: .range(column: "id"), count: .targetRowsPerTask(5000)))
        #expect(plan.entries.count == 4)
        #expect(try counts(plan).reduce(0, +) == 20000)
    }

    func skewedTable(_ name: String) throws {
        // 90% of the keys crowd into 1...1000, the rest spread to 10,000,000; 20% share the single key 7.
        try connection.execute("""
            DROP TABLE IF EXISTS \(name); CREATE TABLE \(name) (k bigint, pad text);
            INSERT INTO \(name) SELECT CASE WHEN g % 10 = 0 THEN g * 100 WHEN g % 5 = 1 THEN 7 ELSE g % 1000 END, 'p'
            FROM generate_series(1, 100000) g;
            ANALYZE \(name);
            """)
    }

    @Test(arguments: [QuantileSource.statistics, .sample(rows: 20000), .automatic])
    func balancedPartitionsEvenOutSkewedKeys(_ source: QuantileSource) throws {
        try skewedTable("plan_skew")
        let table = PostgresTableName(name: "plan_skew")
        let planner = PartitionPlanner(connection)
        let equalWidth = try counts(planner.plan(PartitionPlanInput(table: table, strategy: .range(column: "k"), count: .fixed(8))))
        #expect(equalWidth.max()! > 85_000, "equal-width ranges leave one partition with nearly everything: \(equalWidth)")
        let plan = try planner.plan(PartitionPlanInput(table: table, strategy: .balanced(column: "k", quantiles: source), count: .fixed(8)))
        let balanced = try counts(plan)
        #expect(balanced.reduce(0, +) == 100_000)
        // The key 7 holds 20% and cannot be split by ranges; every other partition stays near 1/8.
        let share = 100_000 / 8
        #expect(balanced.max()! < 20_000 + share * 2, "\(balanced)")
        #expect(balanced.filter { $0 > share * 2 }.count <= 1, "\(balanced)")
        #expect(plan.entries.count >= 6)
    }

    @Test func blockRangesUseTidRangeScansAndCoverTheTable() throws {
        try connection.execute("""
            DROP TABLE IF EXISTS plan_blocks; CREATE TABLE plan_blocks (v text);
            INSERT INTO plan_blocks SELECT repeat('x', 100) FROM generate_series(1, 30000) g; ANALYZE plan_blocks;
            """)
        let table = PostgresTableName(name: "plan_blocks")
        let plan = try PartitionPlanner(connection).plan(PartitionPlanInput(table: table, strategy: .blocks, count: .fixed(4)))
        #expect(plan.entries.count == 4)
        let rows = try counts(plan)
        #expect(rows.reduce(0, +) == 30000)
        #expect(rows.allSatisfy { $0 > 5000 })
        #expect(plan.entries.allSatisfy { $0.estimatedRows > 0 })
        let explain = try connection.query("EXPLAIN SELECT * FROM plan_blocks WHERE \(plan.entries[1].sql)").map { $0[0] ?? "" }
        #expect(explain.joined().contains("Tid Range Scan"))
    }

    @Test func explicitPredicatesAreUsedAsWritten() throws {
        try connection.execute("""
            DROP TABLE IF EXISTS plan_explicit; CREATE TABLE plan_explicit (region text, n int);
            INSERT INTO plan_explicit SELECT CASE WHEN g % 3 = 0 THEN 'eu' ELSE 'us' END, g FROM generate_series(1, 3000) g;
            ANALYZE plan_explicit;
            """)
        let plan = try PartitionPlanner(connection).plan(PartitionPlanInput(
            table: PostgresTableName(name: "plan_explicit"), strategy: .explicit(["region = 'eu'", "region <> 'eu' OR region IS NULL"]),
            count: .fixed(99)))
        #expect(plan.entries.map(\.sql) == ["region = 'eu'", "region <> 'eu' OR region IS NULL"])
        #expect(try counts(plan) == [1000, 2000])
        #expect(abs(plan.entries[0].estimatedRows - 1000) < 100)
    }

    @Test func timestampRangesHonourSharedPredicates() throws {
        try connection.execute("""
            DROP TABLE IF EXISTS plan_ts; CREATE TABLE plan_ts (ts timestamp, deleted boolean);
            INSERT INTO plan_ts SELECT '2024-01-01'::timestamp + g * interval '1 minute', g % 10 = 0 FROM generate_series(0, 9999) g;
            INSERT INTO plan_ts VALUES ('infinity', false), ('-infinity', false);
            ANALYZE plan_ts;
            """)
        let shared: [PostgresPredicate] = [.sql("NOT deleted"),
                                           .cursorWindow(column: "ts", after: .timestamp(1_704_067_200_000_000 + 60_000_000 * 999), upTo: nil)]
        let plan = try PartitionPlanner(connection).plan(PartitionPlanInput(
            table: PostgresTableName(name: "plan_ts"), strategy: .range(column: "ts"), count: .fixed(3), predicates: shared))
        #expect(plan.entries.count == 3)
        let rows = try counts(plan, shared: shared)
        // Rows after minute 999 and not deleted: 9000 minutes, 900 deleted, plus +infinity.
        #expect(rows.reduce(0, +) == 8101)
        #expect(plan.summary.contains("[2024-01-01 16:41:00, 2024-01-07 22:39:00]"))
    }

    @Test func boundariesAreComputedExactly() {
        #expect(PartitionPlanner.equalWidthBoundaries(min: 1, max: 10, count: 2) == [6])
        #expect(PartitionPlanner.equalWidthBoundaries(min: 5, max: 5, count: 4) == [])
        #expect(PartitionPlanner.equalWidthBoundaries(min: Int64.min, max: Int64.max, count: 2) == [0])
        #expect(PartitionPlanner.equalWidthBoundaries(min: 0, max: 2, count: 10) == [1, 2])
        let heavy = [(Int64(1), 1.0), (2, 1.0), (3, 10.0), (4, 1.0), (5, 1.0)]
        #expect(PartitionPlanner.quantileBoundaries(heavy.map { (value: $0.0, weight: $0.1) }, count: 4) == [3, 4])
        #expect(PartitionPlanner.quantileBoundaries((1...100).map { (value: Int64($0), weight: 1.0) }, count: 4) == [26, 51, 76])
    }
}
