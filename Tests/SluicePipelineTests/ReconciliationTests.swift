import SluiceConfig
import SluiceCore
import SluicePipeline
import Testing

/// Reconciliations on their own: exact decimals, tolerance, NULLs, count(*), scales, overflow, bad declarations.
@Suite struct ReconciliationTests {
    static let parent = Schema([Field(name: "id", type: .int64, nullable: false), Field(name: "total", type: .decimal(precision: 12, scale: 2)),
                                Field(name: "lines", type: .int32)])
    static let child = Schema([Field(name: "order_id", type: .int64, nullable: false), Field(name: "amount", type: .decimal(precision: 12, scale: 3))])

    func validation(_ reconcile: String, action: String = "quarantine") throws -> ValidationConfig {
        let pipeline = try PipelineLoader(environment: [:]).parse("""
            pipeline: t
            source: {postgres: {host: h, database: d, user: u}}
            sink: {clickhouse: {url: "http://c"}}
            staging: {directory: /tmp/s}
            tables:
              - name: orders
                primary_key: [id]
                cursor: updated_at
                columns:
                  - {name: id, type: int64, nullable: false}
                  - {name: total, type: "decimal(12,2)"}
                  - {name: lines, type: int32}
                  - {name: updated_at, type: timestamptz, nullable: false}
                validations:
                  - {name: adds_up, reconcile: \(reconcile), action: \(action)}
              - name: items
                primary_key: [order_id]
                parent: {table: orders, on: {order_id: id}}
                columns:
                  - {name: order_id, type: int64, nullable: false}
                  - {name: amount, type: "decimal(12,3)", nullable: false}
            """, file: "t.yaml")
        return pipeline.tables[0].validations[0]
    }

    func reconciliation(_ reconcile: String) throws -> Reconciliation {
        let spec = try ReconcileSpec.plan(try validation(reconcile), parent: Self.parent, child: Self.child)
        return try Reconciliation(spec, parent: Self.parent, child: Self.child, runStartedAt: 0)
    }

    func parents(_ rows: [(Int64, Int128?, Int32)]) throws -> RecordBatch {
        try RecordBatch(schema: Self.parent, columns: [
            Column(values: .int64(rows.map(\.0))),
            Column(values: .int128(rows.map { $0.1 ?? 0 }), validity: rows.map { $0.1 != nil }),
            Column(values: .int32(rows.map(\.2))),
        ])
    }

    func children(_ rows: [(Int64, Int128)]) throws -> RecordBatch {
        try RecordBatch(schema: Self.child, columns: [Column(values: .int64(rows.map(\.0))), Column(values: .int128(rows.map(\.1)))])
    }

    func run(_ reconciliation: inout Reconciliation, parents: RecordBatch, children: RecordBatch, liveParents: [Bool]? = nil,
             liveChildren: [Bool]? = nil) throws -> [RowKey: String] {
        var keys = ParentKeys()
        try reconciliation.addParents(parents, slots: keys.slots(inserting: parents.columns[0]),
                                      live: liveParents ?? [Bool](repeating: true, count: parents.rowCount))
        try reconciliation.addChildren(children, slots: keys.slots(of: children.columns[0]),
                                       live: liveChildren ?? [Bool](repeating: true, count: children.rowCount))
        return reconciliation.failures(keys)
    }

    @Test func sumsAreExactAcrossScalesWithinTheTolerance() throws {
        var check = try reconciliation("{child: items, aggregate: \"sum(amount)\", equals: total, tolerance: 0.005}")
        // total has scale 2, amount scale 3: 1.00 = 0.333 + 0.667; 2.00 vs 2.004 within 0.005; 3.00 vs 3.006 not.
        let failures = try run(&check, parents: try parents([(1, 100, 2), (2, 200, 1), (3, 300, 1), (4, 0, 0)]),
                               children: try children([(1, 333), (1, 667), (2, 2_004), (3, 3_006)]))
        #expect(failures == [.integer(3): "sum(amount) over items is 3.006 but total is 3.000 (tolerance 0.005)"])
    }

    @Test func aParentWithoutChildrenSumsToZeroAndANullTotalNeverReconciles() throws {
        var check = try reconciliation("{child: items, aggregate: \"sum(amount)\", equals: total}")
        let failures = try run(&check, parents: try parents([(1, 0, 0), (2, nil, 0), (3, 5, 0)]), children: try children([]))
        #expect(failures[.integer(1)] == nil)
        #expect(failures[.integer(2)] == "sum(amount) over items is 0.000 but total is NULL")
        #expect(failures[.integer(3)] == "sum(amount) over items is 0.000 but total is 0.050")
    }

    @Test func countsChildrenAndLeavesDeletedRowsOut() throws {
        var check = try reconciliation("{child: items, aggregate: \"count(*)\", equals: lines}")
        let failures = try run(&check, parents: try parents([(1, 0, 2), (2, 0, 1), (3, 0, 5)]),
                               children: try children([(1, 1), (1, 1), (2, 1), (2, 1), (3, 1)]),
                               liveParents: [true, true, false], liveChildren: [true, true, true, false, true])
        // Parent 3 is deleted: not reconciled. Parent 2 has one live child.
        #expect(failures.isEmpty)
    }

    @Test func countsAtTheToleranceScale() throws {
        // The tolerance brings everything to scale 1: each child counts 1.0, not 0.1.
        var check = try reconciliation("{child: items, aggregate: \"count(*)\", equals: lines, tolerance: 0.5}")
        let failures = try run(&check, parents: try parents([(1, 0, 2), (2, 0, 3)]), children: try children([(1, 1), (1, 1), (2, 1)]))
        #expect(failures == [.integer(2): "count(*) over items is 1.0 but lines is 3.0 (tolerance 0.5)"])
    }

    @Test func aSumThatOverflowsIsAnErrorNotAWrappedValue() throws {
        var check = try reconciliation("{child: items, aggregate: \"sum(amount)\", equals: total}")
        let big = Int128(999_999_999_999)  // the largest decimal(12,3)
        let rows = Array(repeating: (Int64(1), big), count: 3)
        try check.addParents(try parents([(1, 0, 0)]), slots: [0], live: [true])
        // Far from 38 digits: no overflow, the exact sum.
        try check.addChildren(try children(rows), slots: [0, 0, 0], live: [true, true, true])
        #expect(check.failures().first?.reason.contains("is 2999999999.997 but") == true)
        #expect(RowKey.keys(of: Column(values: .int64([5]), validity: [false])) == [nil])
    }

    @Test func badDeclarationsAreRefusedWithTheirReason() throws {
        let notNumeric = #expect(throws: SluiceError.self) {
            _ = try ReconcileSpec.plan(try validation("{child: items, aggregate: \"sum(order_id = 1)\", equals: total}"),
                                       parent: Self.parent, child: Self.child)
        }
        #expect(notNumeric?.message.contains("sum() needs an integer or decimal expression") == true, "\(notNumeric?.message ?? "")")
        let unknownAggregate = #expect(throws: SluiceError.self) {
            _ = try ReconcileSpec.plan(try validation("{child: items, aggregate: \"avg(amount)\", equals: total}"),
                                       parent: Self.parent, child: Self.child)
        }
        #expect(unknownAggregate?.message.contains("the aggregate is sum(expression) or count(*), not avg(amount)") == true)
        let tolerance = #expect(throws: SluiceError.self) {
            _ = try ReconcileSpec.plan(try validation("{child: items, aggregate: \"count(*)\", equals: lines, tolerance: -1}"),
                                       parent: Self.parent, child: Self.child)
        }
        #expect(tolerance?.message.contains("tolerance '-1' is not a non-negative decimal number") == true)
        let typo = #expect(throws: SluiceError.self) {
            _ = try ReconcileSpec.plan(try validation("{child: items, aggregate: \"sum(amout)\", equals: total}"),
                                       parent: Self.parent, child: Self.child)
        }
        #expect(typo?.message.contains("did you mean 'amount'") == true, "\(typo?.message ?? "")")
    }
}
